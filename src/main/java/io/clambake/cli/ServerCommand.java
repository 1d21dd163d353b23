package io.clambake.cli;

import io.clambake.config.SettingsResolver;
import io.clambake.domain.ExitCode;
import io.clambake.embedded.EmbeddedServer;
import io.clambake.embedded.ServerStatus;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

@Command(
        name = "server",
        description = {
            "Start, stop or show Clambake's embedded PostgreSQL, the database when none is configured.",
            "Any verb starts it when needed; it keeps running after the command, and keeps its data when"
                    + " stopped or killed.",
            "State directory, the first that applies: $CLAMBAKE_HOME; /var/lib/clambake as root;"
                    + " $XDG_DATA_HOME/clambake; %%LOCALAPPDATA%%\\clambake; ~/.local/share/clambake.",
            "Port: $CLAMBAKE_SERVER_PORT, else the last one, else 54329, else the next free one."
        })
final class ServerCommand extends Verb {
    @Mixin
    DatabaseOptions database;

    enum Action {
        start,
        stop,
        status
    }

    @Parameters(index = "0", paramLabel = "ACTION", description = "start, stop or status.")
    Action action;

    @Override
    protected int run(Session session) {
        EmbeddedServer server = new EmbeddedServer(session.env());
        boolean changed = switch (action) {
            case start -> !server.status().running() && server.start().running();
            case stop -> server.stop();
            case status -> false;
        };
        ServerStatus status = server.status();
        Optional<String> configured = new SettingsResolver(session.env()).urlSource(session.dbUrl());
        Optional<String> account = status.running() || action == Action.start ? server.runsAs() : Optional.empty();
        if (json()) {
            Map<String, Object> doc = new LinkedHashMap<>();
            doc.put("running", status.running());
            doc.put("pid", status.pid());
            doc.put("port", status.port());
            doc.put("url", status.url());
            doc.put("version", status.version());
            doc.put("home", status.home().toString());
            doc.put("log", status.log().toString());
            doc.put("runs_as", account.orElse(null));
            doc.put("in_use", configured.isEmpty());
            if (action != Action.status) {
                doc.put(action == Action.stop ? "stopped" : "started", changed);
            }
            return printJson(Map.of("server", doc));
        }
        out().println(headline(status, changed));
        if (status.running()) {
            out().println("url   " + status.url() + "  (password in "
                    + status.home().resolve("server.properties") + ")");
        }
        out().println("home  " + status.home()
                + account.map(user -> "  (server runs as " + user + ")").orElse(""));
        out().println("log   " + status.log());
        configured.ifPresent(source -> out().println("not in use: commands use the database from " + source));
        return ExitCode.OK;
    }

    private String headline(ServerStatus status, boolean changed) {
        if (!status.running()) {
            return (changed ? "stopped" : "not running") + "  PostgreSQL " + status.version()
                    + "  (any verb starts it on 127.0.0.1:" + status.port() + ")";
        }
        return (changed ? "started" : "running") + "  PostgreSQL " + status.version() + " on 127.0.0.1:" + status.port()
                + "  pid " + status.pid();
    }
}

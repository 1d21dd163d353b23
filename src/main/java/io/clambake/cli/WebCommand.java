package io.clambake.cli;

import io.clambake.config.DatabaseSettings;
import io.clambake.db.Pool;
import io.clambake.domain.ClambakeException;
import io.clambake.domain.ExitCode;
import io.clambake.domain.Rules;
import io.clambake.web.WebServer;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
        name = "web",
        description = {
            "Serve a live page of the swarm on 127.0.0.1 and print its address; runs until interrupted.",
            "The address carries a secret token: only who has it can open the page. From the page the human"
                    + " overseer sends messages (agents see them as from \"the human\" and answer with"
                    + " send --to human), opens conversations, closes blockers, releases the leases of holders"
                    + " unseen for an hour and changes memories' status."
        })
final class WebCommand extends Verb {
    /** Panels and actions share it; the change feed has a connection of its own. */
    private static final int POOL_SIZE = 4;

    @Mixin
    DatabaseOptions database;

    @Option(
            names = "--port",
            paramLabel = "N",
            defaultValue = "0",
            description = "Port on 127.0.0.1 (default: any free port).")
    int port;

    @Option(names = "--project", paramLabel = "P", description = "Open the page filtered on this project.")
    String project;

    @Override
    protected int run(Session session) throws Exception {
        if (port < 0 || port > 65_535) {
            throw ClambakeException.invalid("--port must be between 0 and 65535");
        }
        if (project != null) {
            Rules.project(project);
        }
        DatabaseSettings settings = session.settings();
        CountDownLatch stopped = new CountDownLatch(1);
        try (Pool pool = Pool.open(settings, POOL_SIZE);
                WebServer server = WebServer.start(
                        port,
                        project,
                        settings,
                        pool,
                        new CommandRunner(pool),
                        environment(),
                        spec.commandLine().getErr())) {
            if (json()) {
                Map<String, Object> doc = new LinkedHashMap<>();
                doc.put("url", server.url());
                printJson(doc);
            } else {
                out().println(server.url());
                out().flush();
            }
            Thread onSignal = new Thread(
                    () -> {
                        server.close();
                        stopped.countDown();
                    },
                    "clambake-web-stop");
            Runtime.getRuntime().addShutdownHook(onSignal);
            try {
                stopped.await();
            } finally {
                removeHook(onSignal);
            }
        }
        return ExitCode.OK;
    }

    private static void removeHook(Thread hook) {
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
            // the hook is what stopped us
        }
    }
}

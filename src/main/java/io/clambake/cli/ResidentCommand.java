package io.clambake.cli;

import io.clambake.daemon.Identity;
import io.clambake.daemon.ResidentServer;
import io.clambake.daemon.Residents;
import io.clambake.daemon.StateDir;
import io.clambake.domain.ClambakeException;
import io.clambake.domain.ExitCode;
import io.clambake.domain.Failure;
import io.clambake.domain.Rules;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
        name = "resident",
        description = {
            "Start, stop or show the resident process, a warm JVM that runs your commands.",
            "bin/clambake sends it each command, which then takes a few milliseconds instead of a JVM's"
                    + " start. bin/clambake starts it in the background when it is not running (the command"
                    + " itself runs in a JVM of its own meanwhile). It exits after --idle without commands,"
                    + " and is replaced when the jar or the JDK changes.",
            "Only you can use it. CLAMBAKE_RESIDENT=off turns it off.",
            "serve: run it in the foreground (what bin/clambake starts)."
        })
final class ResidentCommand extends Verb {
    enum Action {
        start,
        stop,
        status,
        serve
    }

    @Parameters(index = "0", paramLabel = "ACTION", description = "start, stop, status or serve.")
    Action action;

    @Option(
            names = "--idle",
            paramLabel = "DURATION",
            description = "Exit after this long without commands (default: $CLAMBAKE_RESIDENT_IDLE, else 10m).")
    String idle;

    @Override
    protected int run(Session session) throws Exception {
        Residents residents = new Residents(environment());
        return switch (action) {
            case serve -> serve();
            case start -> start(residents);
            case stop -> stop(residents);
            case status -> status(residents);
        };
    }

    private int serve() throws Exception {
        PrintWriter log = new PrintWriter(new OutputStreamWriter(System.err, StandardCharsets.UTF_8), true);
        ResidentServer server = new ResidentServer(
                identity(), residentsDir(), idle(), environment().variables(), CommandRunner::new, log);
        if (!server.serve(environment())) {
            log.println("clambake resident: another process already serves this jar and JDK");
        }
        return ExitCode.OK;
    }

    private int start(Residents residents) throws Exception {
        Optional<Residents.Resident> started = residents.start(identity(), idle());
        if (started.isEmpty()) {
            throw new ClambakeException(
                    Failure.INTERNAL, "the resident process did not come up; see the logs in " + residents.dir());
        }
        return show(residents, List.of(started.get()), Map.of("started", true));
    }

    private int stop(Residents residents) throws Exception {
        int stopped = residents.stop();
        if (json()) {
            Map<String, Object> document = new LinkedHashMap<>();
            document.put("stopped", stopped);
            document.put("dir", residents.dir().toString());
            return printJson(document);
        }
        out().println(
                        stopped == 0
                                ? "no resident process was running"
                                : "stopped " + stopped + " resident process" + (stopped == 1 ? "" : "es"));
        return ExitCode.OK;
    }

    private int status(Residents residents) throws Exception {
        return show(residents, residents.list(), Map.of());
    }

    private int show(Residents residents, List<Residents.Resident> list, Map<String, Object> extra) {
        boolean off = "off".equals(environment().get("CLAMBAKE_RESIDENT"));
        if (json()) {
            Map<String, Object> doc = new LinkedHashMap<>(extra);
            doc.put("enabled", !off);
            doc.put("dir", residents.dir().toString());
            doc.put("residents", list.stream().map(ResidentCommand::view).toList());
            return printJson(doc);
        }
        if (off) {
            out().println("off: CLAMBAKE_RESIDENT=off, bin/clambake runs every command in a JVM of its own");
        }
        if (list.isEmpty()) {
            out().println("not running  (bin/clambake starts it; state in " + residents.dir() + ")");
        }
        for (Residents.Resident r : list) {
            Map<String, String> s = r.stats();
            out().println("running  pid " + r.pid() + "  127.0.0.1:" + r.port() + "  since " + s.get("started")
                    + "  " + s.get("requests") + " commands  idle exit " + s.get("idle_exit")
                    + (s.containsKey("peak_rss_kib")
                            ? "  peak " + Long.parseLong(s.get("peak_rss_kib")) / 1024 + " MiB"
                            : ""));
            out().println("  java " + s.get("java"));
            out().println("  jar  " + s.get("jar"));
            out().println("  log  " + r.log());
        }
        return ExitCode.OK;
    }

    private static Map<String, Object> view(Residents.Resident r) {
        Map<String, String> s = r.stats();
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("pid", r.pid());
        view.put("port", r.port());
        view.put("started_at", s.get("started"));
        view.put("idle_exit", s.get("idle_exit"));
        view.put("commands", number(s.get("requests")));
        view.put("running_commands", number(s.get("in_flight")));
        view.put("waiting_commands", number(s.get("waiting")));
        view.put("java", s.get("java"));
        view.put("jar", s.get("jar"));
        view.put("rss_kib", number(s.get("rss_kib")));
        view.put("peak_rss_kib", number(s.get("peak_rss_kib")));
        view.put("log", r.log().toString());
        return view;
    }

    private static Long number(String text) {
        return text == null ? null : Long.valueOf(text);
    }

    private Duration idle() {
        String text = idle != null ? idle : environment().get("CLAMBAKE_RESIDENT_IDLE");
        return text == null
                ? ResidentServer.DEFAULT_IDLE
                : Rules.duration(idle != null ? "--idle" : "CLAMBAKE_RESIDENT_IDLE", text, Rules.RESIDENT_IDLE);
    }

    private static Identity identity() {
        try {
            return Identity.ofThisProcess(ResidentCommand.class);
        } catch (IOException e) {
            throw new ClambakeException(Failure.INTERNAL, e.getMessage(), e);
        }
    }

    private StateDir residentsDir() {
        return StateDir.of(environment());
    }
}

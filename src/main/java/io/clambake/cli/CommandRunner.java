package io.clambake.cli;

import io.clambake.config.Environment;
import io.clambake.db.ConnectionSource;
import io.clambake.run.Runner;
import java.io.PrintWriter;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;

/**
 * The one in-process runner: builds the command line for the arguments (or, with a pool, takes
 * one kept from an earlier run of the verb), points its output at the writers, runs it.
 */
public final class CommandRunner implements Runner {
    private static final int KEPT_PER_VERB = 8;

    private final ConnectionSource pool;
    private final Map<String, Queue<CommandLine>> idle = new ConcurrentHashMap<>();

    /** Each command opens (and closes) its own connection. */
    public CommandRunner() {
        this(null);
    }

    /** Commands take their connection from {@code pool}, as in a long-lived process. */
    public CommandRunner(ConnectionSource pool) {
        this.pool = pool;
    }

    @Override
    public int run(Environment env, PrintWriter out, PrintWriter err, String... args) {
        Queue<CommandLine> kept = pool == null || args.length == 0 ? null : idle.get(args[0]);
        CommandLine commandLine = kept == null ? null : kept.poll();
        if (commandLine == null) {
            commandLine = Clambake.commandLine(env, pool, args);
        }
        ((Clambake) commandLine.getCommand()).environment(env);
        commandLine.setOut(out);
        commandLine.setErr(err);
        try {
            return commandLine.execute(args);
        } finally {
            ((Clambake) commandLine.getCommand()).environment(null);
            keep(args, commandLine);
        }
    }

    /** How many command lines of {@code verb} wait to run again. */
    int kept(String verb) {
        Queue<CommandLine> kept = idle.get(verb);
        return kept == null ? 0 : kept.size();
    }

    /**
     * Keeps a verb's command line to run again, in a long-lived process: picocli builds a verb's
     * model by reflection, which costs more than many a verb's work. picocli sets every option
     * back to its initial value before it parses, and {@link Clambake} takes each run's
     * environment; a verb with option groups is not kept (picocli does not set a group back).
     */
    private void keep(String[] args, CommandLine commandLine) {
        if (pool == null || args.length == 0 || commandLine.getSubcommands().size() != 1) {
            return;
        }
        CommandLine verb = commandLine.getSubcommands().get(args[0]);
        if (verb == null || !verb.getCommandSpec().argGroups().isEmpty()) {
            return;
        }
        Queue<CommandLine> kept = idle.computeIfAbsent(args[0], name -> new ConcurrentLinkedQueue<>());
        if (kept.size() < KEPT_PER_VERB) {
            kept.offer(commandLine);
        }
    }

    /** The models of these verbs, for a caller that describes them (the MCP server's tool schemas). */
    public static Map<String, CommandSpec> verbs(Environment env, List<String> names) {
        Map<String, CommandLine> all = Clambake.commandLine(env, null).getSubcommands();
        Map<String, CommandSpec> specs = new java.util.LinkedHashMap<>();
        for (String name : names) {
            specs.put(name, all.get(name).getCommandSpec());
        }
        return specs;
    }
}

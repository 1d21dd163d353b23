package io.clambake.cli;

import io.clambake.config.Environment;
import io.clambake.db.ConnectionSource;
import io.clambake.run.Runner;
import java.io.PrintWriter;
import java.util.List;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;

/** The one in-process runner: builds the command line for the arguments, points its output at the writers, runs it. */
public final class CommandRunner implements Runner {
    private final ConnectionSource pool;

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
        CommandLine commandLine = Clambake.commandLine(env, pool, args);
        commandLine.setOut(out);
        commandLine.setErr(err);
        return commandLine.execute(args);
    }

    /** The names of all verbs, in the order of the root command's help. */
    public static List<String> verbNames() {
        return List.copyOf(Clambake.commandLine(Environment.ofProcess(), null)
                .getSubcommands()
                .keySet());
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

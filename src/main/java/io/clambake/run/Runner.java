package io.clambake.run;

import io.clambake.config.Environment;
import java.io.PrintWriter;
import java.io.StringWriter;

/**
 * Runs one clambake command line in this process, as if from a shell: arguments and an
 * environment (variables, directory, stdin) in; exit code, stdout and stderr out. Main, the MCP
 * server, the resident process and the tests all run verbs through it.
 */
@FunctionalInterface
public interface Runner {
    int run(Environment env, PrintWriter out, PrintWriter err, String... args);

    /** Runs the command line with its output captured. */
    default Outcome capture(Environment env, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = run(env, new PrintWriter(out, true), new PrintWriter(err, true), args);
        return new Outcome(code, out.toString(), err.toString());
    }
}

package io.clambake.cli;

import io.clambake.config.Environment;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import java.util.concurrent.Callable;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** Base of every verb: opens a session, runs the verb, closes the session. Parsing and printing only. */
abstract class Verb implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    CommonOptions options;

    @Override
    public final Integer call() throws Exception {
        try (Session session = new Session(environment(), options, root().pool())) {
            return run(session);
        }
    }

    protected abstract int run(Session session) throws Exception;

    Environment environment() {
        return root().environment();
    }

    private Clambake root() {
        return (Clambake) spec.root().userObject();
    }

    PrintWriter out() {
        return spec.commandLine().getOut();
    }

    boolean json() {
        return options.json;
    }

    int printJson(Object document) {
        Json.print(out(), document);
        return ExitCodes.OK;
    }

    static OffsetDateTime now() {
        return OffsetDateTime.now();
    }

    /** The option's value, or all of standard input when the value is {@code -}. */
    String valueOrStdin(String value) throws IOException {
        if (!"-".equals(value)) {
            return value;
        }
        return new String(environment().stdin().readAllBytes(), StandardCharsets.UTF_8);
    }
}

package io.clambake.cli;

import io.clambake.config.Environment;
import io.clambake.domain.ExitCode;
import io.clambake.output.Json;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * Base of every verb: opens a session, runs the verb, closes the session. Parsing and printing
 * only. A verb that uses the database declares a {@link DatabaseOptions} mixin (an instance's
 * verbs a {@link CallerOptions}); the session reads them from there.
 */
abstract class Verb implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    CommonOptions options;

    @Override
    public final Integer call() throws Exception {
        DatabaseOptions database = mixin(DatabaseOptions.class);
        String as = database instanceof CallerOptions caller ? caller.as : null;
        try (Session session =
                new Session(environment(), database == null ? null : database.dbUrl, as, root().pool())) {
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

    private <T> T mixin(Class<T> type) {
        return spec.mixins().values().stream()
                .map(CommandSpec::userObject)
                .filter(type::isInstance)
                .map(type::cast)
                .findFirst()
                .orElse(null);
    }

    PrintWriter out() {
        return spec.commandLine().getOut();
    }

    boolean json() {
        return options.json;
    }

    int printJson(Object document) {
        Json.print(out(), document);
        return ExitCode.OK;
    }

    /** The option's value, or all of standard input when the value is {@code -}. */
    String valueOrStdin(String value) throws IOException {
        if (!"-".equals(value)) {
            return value;
        }
        return new String(environment().stdin().readAllBytes(), StandardCharsets.UTF_8);
    }
}

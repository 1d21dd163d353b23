package io.clambake.cli;

import io.clambake.config.Environment;
import io.clambake.db.Database;
import io.clambake.domain.ClambakeException;
import io.clambake.domain.ExitCode;
import io.clambake.output.Json;
import io.clambake.output.Text;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.util.concurrent.Callable;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * Base of every verb: opens a session, runs the verb, closes the session. Parsing and printing
 * only. A verb that uses the database declares a {@link DatabaseOptions} mixin (an instance's
 * verbs a {@link CallerOptions}); the session reads them from there. Text goes through
 * {@link #out()}, which escapes control characters ({@link Text#writer}); JSON through
 * {@link #printJson}, exact.
 */
abstract class Verb implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    CommonOptions options;

    private PrintWriter text;

    @Override
    public final Integer call() throws Exception {
        DatabaseOptions database = mixin(DatabaseOptions.class);
        String as = database instanceof CallerOptions caller ? caller.as : null;
        try (Session session =
                new Session(environment(), database == null ? null : database.dbUrl, as, root().pool())) {
            try {
                return run(session);
            } catch (SQLException e) {
                // The connection broke under a statement (a socket timeout, a reset): it may have
                // committed before the answer was lost, and the one line says so.
                if (session.connected() && Database.isConnectionFailure(e)) {
                    throw Database.lost(session.settings(), e);
                }
                throw e;
            }
        } finally {
            if (text != null) {
                text.close();
                text = null; // the verb may run again, for another command line
            }
        }
    }

    protected abstract int run(Session session) throws Exception;

    /** False for a verb whose output is always another program's JSON protocol: it has no --json to ignore. */
    boolean takesJson() {
        return true;
    }

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

    /** Standard output for text: stored strings printed here show no control character raw. */
    PrintWriter out() {
        if (text == null) {
            text = Text.writer(spec.commandLine().getOut());
        }
        return text;
    }

    boolean json() {
        return options.json;
    }

    int printJson(Object document) {
        Json.print(spec.commandLine().getOut(), document);
        return ExitCode.OK;
    }

    /** The value of {@code option}, or all of standard input when the value is {@code -}: UTF-8, strictly. */
    String valueOrStdin(String option, String value) throws IOException {
        if (!"-".equals(value)) {
            return value;
        }
        byte[] bytes = environment().stdin().readAllBytes();
        CharsetDecoder decoder = StandardCharsets.UTF_8
                .newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(bytes);
        CharBuffer decoded = CharBuffer.allocate(bytes.length);
        CoderResult result = decoder.decode(in, decoded, true);
        if (!result.isError()) {
            result = decoder.flush(decoded);
        }
        if (result.isError()) {
            throw ClambakeException.invalid(
                    "standard input (" + option + " -) is not valid UTF-8 (at byte " + in.position() + ")");
        }
        return decoded.flip().toString();
    }
}

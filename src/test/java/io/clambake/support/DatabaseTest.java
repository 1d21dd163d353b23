package io.clambake.support;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.clambake.domain.ExitCode;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;

/** Base of integration tests: one fresh database per test class, dropped afterwards. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class DatabaseTest {
    protected TestDatabase db;

    @BeforeAll
    void createDatabase() {
        db = TestDatabase.create();
    }

    @AfterAll
    void dropDatabase() {
        if (db != null) {
            db.close();
        }
    }

    protected Cli shell(String host, String dir) {
        return Cli.shell(db, host, dir);
    }

    /** Makes an instance look unseen for {@code hours}, as if its session had gone quiet. */
    protected void setLastSeenHoursAgo(String name, int hours) throws SQLException {
        try (Connection c = db.connect("clambake");
                PreparedStatement ps = c.prepareStatement(
                        "UPDATE instances SET last_seen = now() - make_interval(hours => ?) WHERE name = ?")) {
            ps.setInt(1, hours);
            ps.setString(2, name);
            assertEquals(1, ps.executeUpdate());
        }
    }

    /** Registers the shell's directory for {@code project} and returns the new instance's name. */
    protected static String register(Cli shell, String project, String... extra) {
        String[] args = new String[3 + extra.length];
        args[0] = "register";
        args[1] = "--project";
        args[2] = project;
        System.arraycopy(extra, 0, args, 3, extra.length);
        Cli.Result result = shell.run(args);
        assertEquals(ExitCode.OK, result.code(), result::toString);
        return result.out().lines().findFirst().orElseThrow();
    }

    /**
     * Starts Claude Code session {@code sessionId} in the shell's directory {@code dir} with the
     * SessionStart hook, and returns the name of the instance it registered.
     */
    protected static String startSession(Cli shell, String sessionId, String dir, String project) {
        Cli.Result start =
                shell.runWithStdin(HookPayloads.payload("session-start", sessionId, dir), "hook", "--project", project);
        assertEquals(ExitCode.OK, start.code(), start::toString);
        return shell.run("status", "--json").json().get("me").asText();
    }

    /** Asserts that the command succeeded, and returns its result. */
    protected static Cli.Result ok(Cli.Result result) {
        assertEquals(ExitCode.OK, result.code(), result::toString);
        return result;
    }

    /** {@code args} with {@code --json} added at the end. */
    protected static String[] withJson(String... args) {
        String[] all = Arrays.copyOf(args, args.length + 1);
        all[args.length] = "--json";
        return all;
    }

    /** Runs {@code args} with {@code --json}, asserts that it succeeded and returns the document. */
    protected static JsonNode json(Cli shell, String... args) {
        return ok(shell.run(withJson(args))).json();
    }

    /** Runs {@code send OPTIONS} with {@code --json}, asserts that it succeeded and returns the new message's id. */
    protected static long sent(Cli shell, String... options) {
        String[] args = new String[options.length + 1];
        args[0] = "send";
        System.arraycopy(options, 0, args, 1, options.length);
        return json(shell, args).get("message").get("id").asLong();
    }

    /** The text of {@code field} in each element of a JSON array, in their order. */
    protected static List<String> texts(JsonNode array, String field) {
        List<String> out = new ArrayList<>();
        array.forEach(element -> out.add(element.get(field).asText()));
        return out;
    }

    /** The subjects of an inbox's or a status's messages, in their order. */
    protected static List<String> subjects(JsonNode doc) {
        return texts(doc.get("messages"), "subject");
    }

    /** The number a query such as {@code SELECT count(*) ...} answers, with {@code params} bound to its {@code ?}. */
    protected long count(String sql, Object... params) throws SQLException {
        try (Connection c = db.connect("clambake");
                PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                ps.setObject(i + 1, params[i]);
            }
            try (ResultSet rs = ps.executeQuery()) {
                assertTrue(rs.next(), sql);
                return rs.getLong(1);
            }
        }
    }

    /** The first column of the one row {@code sql} answers, as text: a value to compare before and after. */
    protected String snapshot(String sql) throws SQLException {
        try (Connection c = db.connect("clambake");
                PreparedStatement ps = c.prepareStatement(sql);
                ResultSet rs = ps.executeQuery()) {
            assertTrue(rs.next(), sql);
            return rs.getString(1);
        }
    }
}

package io.clambake.support;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
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
        assertEquals(0, result.code(), result::toString);
        return result.out().lines().findFirst().orElseThrow();
    }
}

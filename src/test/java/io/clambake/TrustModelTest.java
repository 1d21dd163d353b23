package io.clambake;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.clambake.domain.ExitCode;
import io.clambake.support.Cli;
import io.clambake.support.DatabaseTest;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * README's "Trust model" recipe for a shared server: one role per team, each owning a schema
 * made for it, no other privilege. Clambake works in its own schema with only CONNECT on the
 * database, and another team's role reads nothing of it. Role names carry a random suffix:
 * roles are global to the server, which other test runs may share.
 */
class TrustModelTest extends DatabaseTest {
    private final String suffix = UUID.randomUUID().toString().replace("-", "").substring(0, 8);
    private final String shop = "team_shop_" + suffix;
    private final String infra = "team_infra_" + suffix;
    private final String shopSchema = "shop_" + suffix;
    private final String infraSchema = "infra_" + suffix;

    @Test
    void aTeamsRoleWorksInItsOwnSchemaAndCannotReadAnothers() throws Exception {
        admin(
                "CREATE ROLE " + shop + " LOGIN PASSWORD 'pw-" + suffix + "'",
                "CREATE ROLE " + infra + " LOGIN PASSWORD 'pw-" + suffix + "'",
                "REVOKE ALL ON DATABASE " + db.name() + " FROM PUBLIC",
                "GRANT CONNECT ON DATABASE " + db.name() + " TO " + shop + ", " + infra,
                "REVOKE ALL ON SCHEMA public FROM PUBLIC",
                "CREATE SCHEMA " + shopSchema + " AUTHORIZATION " + shop,
                "CREATE SCHEMA " + infraSchema + " AUTHORIZATION " + infra);
        Cli shopShell = team(shop, shopSchema, "/w/trust/shop");
        Cli infraShell = team(infra, infraSchema, "/w/trust/infra");

        register(shopShell, "shop");
        ok(shopShell.run("send", "--to", "@all", "--subject", "shop-only news", "--body", "for the shop team"));
        register(infraShell, "infra");
        Cli.Result snooping = team(infra, shopSchema, "/w/trust/snoop").run("status");
        Cli.Result defaultSchema = infraShell.with("CLAMBAKE_SCHEMA", null).run("status");

        assertTrue(ok(shopShell.run("status")).out().contains("shop-only news"));
        assertFalse(ok(infraShell.run("status")).out().contains("shop-only news"));
        assertNotEquals(ExitCode.OK, snooping.code(), snooping::toString);
        assertEquals(1, snooping.err().lines().count(), snooping::toString);
        assertFalse(snooping.out().contains("shop-only") || snooping.err().contains("shop-only"), snooping::toString);
        assertNotEquals(ExitCode.OK, defaultSchema.code(), "no CREATE on the database: no schema of its own choosing");
        try (Connection c = connectAs(infra);
                Statement st = c.createStatement()) {
            SQLException denied = assertThrows(
                    SQLException.class, () -> st.executeQuery("SELECT subject FROM " + shopSchema + ".messages"));
            assertEquals("42501", denied.getSQLState(), denied::getMessage);
        }
    }

    @AfterAll
    void dropRoles() throws SQLException {
        for (String role : new String[] {shop, infra}) {
            admin("DO $$BEGIN IF EXISTS (SELECT FROM pg_roles WHERE rolname = '" + role + "') THEN "
                    + "EXECUTE 'DROP OWNED BY " + role + " CASCADE'; EXECUTE 'DROP ROLE " + role + "'; END IF; END$$");
        }
    }

    private Cli team(String role, String schema, String dir) {
        return shell("trust-host", dir)
                .with(
                        "CLAMBAKE_DB_URL",
                        db.url().replaceFirst("//[^/]*@", "//").replaceFirst("//", "//" + role + ":pw-" + suffix + "@"))
                .with("CLAMBAKE_SCHEMA", schema);
    }

    private Connection connectAs(String role) throws SQLException {
        Properties props = new Properties();
        props.setProperty("user", role);
        props.setProperty("password", "pw-" + suffix);
        String url = db.url().replaceFirst("^postgresql://([^/]*@)?", "jdbc:postgresql://");
        return DriverManager.getConnection(url, props);
    }

    private void admin(String... statements) throws SQLException {
        try (Connection c = db.connect("public");
                Statement st = c.createStatement()) {
            for (String sql : statements) {
                st.execute(sql);
            }
        }
    }
}

package io.clambake.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.clambake.domain.ClambakeException;
import io.clambake.domain.ExitCode;
import io.clambake.domain.Failure;
import io.clambake.support.Cli;
import io.clambake.support.DatabaseTest;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Where the database is and how to log in. Parsing and precedence need no database; the two
 * end-to-end checks at the bottom use the class's test database.
 */
class ConfigTest extends DatabaseTest {
    private static final String SECRET = "s3cr3t-Pw";

    @TempDir
    Path tmp;

    // ---------------------------------------------------------------- URL forms

    @Test
    void postgresqlUrlWithEncodedPasswordPortAndParameters() {
        DatabaseSettings s =
                SettingsResolver.parse("postgresql://user:pa%40ss@host:6543/db?sslmode=disable", "clambake");
        assertEquals("host", s.host());
        assertEquals(6543, s.port());
        assertEquals("db", s.database());
        assertEquals("user", s.user());
        assertEquals("pa@ss", s.password());
        assertEquals("sslmode=disable", s.extraParameters());
        assertEquals("clambake", s.schema());
        assertEquals("jdbc:postgresql://host:6543/db?sslmode=disable", s.jdbcUrl());
        assertEquals("pa@ss", s.connectionProperties().getProperty("password"));
        assertEquals("user", s.connectionProperties().getProperty("user"));
        assertEquals("clambake", s.connectionProperties().getProperty("currentSchema"));
    }

    @Test
    void postgresSchemeWithDefaults() {
        DatabaseSettings s = SettingsResolver.parse("postgres://host/db", "clambake");
        assertEquals("host", s.host());
        assertEquals(5432, s.port());
        assertEquals("db", s.database());
        assertNull(s.user());
        assertNull(s.password());
        assertEquals("", s.extraParameters());
        assertEquals("jdbc:postgresql://host:5432/db", s.jdbcUrl());
        assertFalse(s.connectionProperties().containsKey("password"));
        assertFalse(s.connectionProperties().containsKey("user"));

        assertEquals(
                "postgres",
                SettingsResolver.parse("postgresql://host", "clambake").database());
        assertEquals(
                "bob",
                SettingsResolver.parse("postgresql://bob@host/", "clambake").database(),
                "like libpq, the database defaults to the user name");
    }

    @Test
    void jdbcUrlWithUserAndPasswordParameters() {
        DatabaseSettings s = SettingsResolver.parse("jdbc:postgresql://host:5433/db?user=u&password=p&ssl=false", "x");
        assertEquals("host", s.host());
        assertEquals(5433, s.port());
        assertEquals("db", s.database());
        assertEquals("u", s.user());
        assertEquals("p", s.password());
        assertEquals("ssl=false", s.extraParameters());
        assertEquals("x", s.schema());
        assertEquals("jdbc:postgresql://host:5433/db?ssl=false", s.jdbcUrl(), "no credentials in the JDBC URL");
    }

    /** Percent-encoding is decoded once, as in libpq: {@code a%2541} names the database {@code a%41}. */
    @Test
    void percentEncodedDatabaseNameIsDecodedOnce() {
        assertEquals(
                "a%41",
                SettingsResolver.parse("postgresql://h/a%2541", "clambake").database());
        assertEquals(
                "my db",
                SettingsResolver.parse("postgresql://h/my%20db", "clambake").database());
    }

    @Test
    void ipv6HostsKeepTheirBrackets() {
        DatabaseSettings s = SettingsResolver.parse("postgresql://u@[::1]:6000/db", "clambake");
        assertEquals(6000, s.port());
        assertEquals("jdbc:postgresql://[::1]:6000/db", s.jdbcUrl());
    }

    @Test
    void notAUrlIsInvalidInput() {
        for (String bad : List.of("mysql://host/db", "host:5432/db", "", "postgresql:///db", "postgresql://bob@/db")) {
            ClambakeException e =
                    assertThrows(ClambakeException.class, () -> SettingsResolver.parse(bad, "clambake"), bad);
            assertEquals(Failure.INVALID_INPUT, e.failure(), bad);
        }
    }

    // ---------------------------------------------------------------- password and secrets

    @Test
    void passwordPrecedenceIsUrlThenClambakeVariableThenPgpasswordThenFile() throws IOException {
        Path config = tmp.resolve("pw.properties");
        Files.writeString(config, "password=from-file\n");
        Map<String, String> vars = new HashMap<>();
        vars.put("CLAMBAKE_CONFIG", config.toString());
        vars.put("CLAMBAKE_DB_PASSWORD", "from-clambake-var");
        vars.put("PGPASSWORD", "from-pgpassword");

        assertEquals("from-url", resolve(vars, "postgresql://u:from-url@h/db").password());
        assertEquals(
                "from-url",
                resolve(vars, "jdbc:postgresql://h/db?user=u&password=from-url").password());
        assertEquals("from-clambake-var", resolve(vars, "postgresql://u@h/db").password());
        vars.remove("CLAMBAKE_DB_PASSWORD");
        assertEquals("from-pgpassword", resolve(vars, "postgresql://u@h/db").password());
        vars.put("PGPASSWORD", "");
        assertEquals("from-file", resolve(vars, "postgresql://u@h/db").password(), "an empty variable is unset");
        vars.remove("PGPASSWORD");
        assertEquals("from-file", resolve(vars, "postgresql://u@h/db").password());
        vars.remove("CLAMBAKE_CONFIG");
        assertNull(resolve(vars, "postgresql://u@h/db").password(), "left to ~/.pgpass");
    }

    @Test
    void settingsNeverShowThePassword() {
        DatabaseSettings s =
                SettingsResolver.parse("postgresql://alice:" + SECRET + "@db.example:5433/app", "clambake");
        assertEquals(SECRET, s.password());
        for (String text : List.of(s.toString(), s.describe())) {
            assertFalse(text.contains(SECRET), text);
            assertTrue(text.contains("db.example:5433/app"), text);
            assertTrue(text.contains("alice"), text);
        }
        DatabaseSettings viaVariable = resolve(Map.of("CLAMBAKE_DB_PASSWORD", SECRET), "postgresql://alice@db/app");
        assertEquals(SECRET, viaVariable.password());
        assertFalse(viaVariable.toString().contains(SECRET), viaVariable.toString());
        assertFalse(viaVariable.describe().contains(SECRET), viaVariable.describe());
        assertFalse(viaVariable.jdbcUrl().contains(SECRET), viaVariable.jdbcUrl());
    }

    @Test
    void unparseableUrlsExitTwoWithThePasswordRedacted() {
        for (String url : List.of(
                "mysql://bob:" + SECRET + "@db:3306/app",
                "postgresql://bob:" + SECRET + "@db:5432/app name",
                "postgresql://bob:" + SECRET + "@:5432/app",
                "jdbc:postgresql://db/app name?user=bob&password=" + SECRET,
                "postgresql://bob:" + SECRET + "/x@db/app")) {
            Cli.Result r = offline(Map.of("CLAMBAKE_DB_URL", url)).run("status");
            assertEquals(ExitCode.USAGE, r.code(), () -> url + ": " + r);
            assertTrue(r.err().startsWith("clambake status: "), r.err());
            assertFalse(r.err().contains("s3cr3t") || r.out().contains("s3cr3t"), () -> url + " leaks: " + r);
            assertTrue(r.err().contains("***"), r.err());

            Cli.Result option = offline(Map.of()).run("inbox", "--db-url", url, "--json");
            assertEquals(ExitCode.USAGE, option.code(), option::toString);
            assertFalse(option.err().contains("s3cr3t") || option.out().contains("s3cr3t"), option::toString);
        }
    }

    /** A password that contains an unencoded '@' (a common mistake) must not leak either. */
    @Test
    void unparseableUrlWithAtSignInPasswordIsRedacted() {
        String url = "postgresql://bob:" + "pa@" + SECRET + "@db/app";
        Cli.Result r = offline(Map.of("CLAMBAKE_DB_URL", url)).run("status");
        assertEquals(ExitCode.USAGE, r.code(), r::toString);
        assertFalse(r.err().contains("s3cr3t"), "the message leaks part of the password: " + r.err());
    }

    @Test
    void invalidSchemaNameExitsTwo() throws IOException {
        for (String schema : List.of("Bad-Schema", "1abc", "drop table x", "x".repeat(64))) {
            Cli.Result r = offline(
                            Map.of("CLAMBAKE_DB_URL", "postgresql://u@127.0.0.1:1/db", "CLAMBAKE_SCHEMA", schema))
                    .run("status");
            assertEquals(ExitCode.USAGE, r.code(), () -> schema + ": " + r);
            assertTrue(r.err().contains("schema"), r.err());
        }
        Path config = tmp.resolve("bad-schema.properties");
        Files.writeString(config, "url=postgresql://u@127.0.0.1:1/db\nschema=Not Valid\n");
        assertEquals(
                ExitCode.USAGE,
                offline(Map.of("CLAMBAKE_CONFIG", config.toString()))
                        .run("status")
                        .code());

        assertEquals(
                "ok_schema_1",
                resolve(Map.of("CLAMBAKE_SCHEMA", "ok_schema_1"), "postgresql://h/db")
                        .schema());
        assertEquals("clambake", resolve(Map.of(), "postgresql://h/db").schema());
    }

    @Test
    void nothingConfiguredIsExitFive() {
        Cli.Result r = offline(Map.of()).run("status");
        assertEquals(ExitCode.UNAVAILABLE, r.code(), r::toString);
        assertTrue(r.err().contains("CLAMBAKE_DB_URL"), r.err());
    }

    // ---------------------------------------------------------------- config file and precedence

    @Test
    void configFileFromClambakeConfigOrXdgConfigHome() throws IOException {
        Path explicit = tmp.resolve("explicit.properties");
        Files.writeString(explicit, "url=postgresql://file-user@file-host:7777/filedb\nschema=from_file\n");
        DatabaseSettings fromExplicit = resolve(Map.of("CLAMBAKE_CONFIG", explicit.toString()), null);
        assertEquals("file-host", fromExplicit.host());
        assertEquals(7777, fromExplicit.port());
        assertEquals("filedb", fromExplicit.database());
        assertEquals("file-user", fromExplicit.user());
        assertEquals("from_file", fromExplicit.schema());

        Path xdg = tmp.resolve("xdg");
        Files.createDirectories(xdg.resolve("clambake"));
        Files.writeString(xdg.resolve("clambake").resolve("config.properties"), "url=postgres://xdg-host/xdgdb\n");
        DatabaseSettings fromXdg = resolve(Map.of("XDG_CONFIG_HOME", xdg.toString()), null);
        assertEquals("xdg-host", fromXdg.host());
        assertEquals("xdgdb", fromXdg.database());
        assertEquals("clambake", fromXdg.schema());
        assertEquals(
                xdg.resolve("clambake").resolve("config.properties"),
                new SettingsResolver(environment(Map.of("XDG_CONFIG_HOME", xdg.toString()))).configFile());

        DatabaseSettings both =
                resolve(Map.of("XDG_CONFIG_HOME", xdg.toString(), "CLAMBAKE_CONFIG", explicit.toString()), null);
        assertEquals("file-host", both.host(), "CLAMBAKE_CONFIG names the file to use");
        assertEquals(
                "from_file",
                resolve(Map.of("CLAMBAKE_CONFIG", explicit.toString(), "CLAMBAKE_SCHEMA", ""), null)
                        .schema());
        assertEquals(
                "env_schema",
                resolve(Map.of("CLAMBAKE_CONFIG", explicit.toString(), "CLAMBAKE_SCHEMA", "env_schema"), null)
                        .schema(),
                "CLAMBAKE_SCHEMA beats the file");
    }

    @Test
    void dbUrlOptionBeatsVariableWhichBeatsFile() throws IOException {
        Path config = tmp.resolve("order.properties");
        Files.writeString(config, "url=postgresql://file-host/filedb\n");
        Map<String, String> vars = new HashMap<>();
        vars.put("CLAMBAKE_CONFIG", config.toString());
        vars.put("CLAMBAKE_DB_URL", "postgresql://env-host/envdb");
        SettingsResolver resolver = new SettingsResolver(environment(vars));
        assertEquals(
                "option-host",
                resolver.resolve("postgresql://option-host/optdb", ConfigTest::noEmbedded)
                        .host());
        assertEquals("env-host", resolver.resolve(null, ConfigTest::noEmbedded).host());
        vars.put("CLAMBAKE_DB_URL", "");
        assertEquals(
                "file-host",
                new SettingsResolver(environment(vars))
                        .resolve(null, ConfigTest::noEmbedded)
                        .host());
    }

    /** End to end: the --db-url option wins over a broken CLAMBAKE_DB_URL and a file names schema and URL. */
    @Test
    void commandsUseTheResolvedDatabaseAndSchema() throws Exception {
        Map<String, String> broken = new HashMap<>();
        broken.put("CLAMBAKE_DB_URL", "postgresql://nobody@127.0.0.1:1/nothing?connectRetry=0");
        broken.put("CLAMBAKE_HOST", "cfg-host");
        Cli viaOption = new Cli(broken, Path.of("/cfg/option"));
        assertEquals(ExitCode.UNAVAILABLE, viaOption.run("status").code(), "the variable alone points nowhere");
        Cli.Result registered = viaOption.run("register", "--project", "cfg", "--db-url", db.url());
        assertEquals(ExitCode.OK, registered.code(), registered::toString);

        Path xdg = tmp.resolve("e2e");
        Files.createDirectories(xdg.resolve("clambake"));
        Files.writeString(
                xdg.resolve("clambake").resolve("config.properties"), "url=" + db.url() + "\nschema=cfg_schema\n");
        Cli viaFile =
                new Cli(Map.of("XDG_CONFIG_HOME", xdg.toString(), "CLAMBAKE_HOST", "cfg-host"), Path.of("/cfg/file"));
        Cli.Result fromFile = viaFile.run("register", "--project", "cfg-file");
        assertEquals(ExitCode.OK, fromFile.code(), fromFile::toString);
        String name = fromFile.out().lines().findFirst().orElseThrow();

        try (Connection c = db.connect("cfg_schema");
                PreparedStatement ps = c.prepareStatement("SELECT project FROM instances WHERE name = ?")) {
            ps.setString(1, name);
            try (ResultSet rs = ps.executeQuery()) {
                assertTrue(rs.next(), "registered in the schema the file names");
                assertEquals("cfg-file", rs.getString(1));
            }
        }
        try (Connection c = db.connect("clambake");
                PreparedStatement ps =
                        c.prepareStatement("SELECT count(*) FROM instances WHERE project = 'cfg-file'")) {
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                assertEquals(0, rs.getInt(1), "not in the default schema");
            }
        }
    }

    // ---------------------------------------------------------------- helpers

    private static Environment environment(Map<String, String> vars) {
        Map<String, String> all = new HashMap<>(vars);
        all.putIfAbsent("XDG_CONFIG_HOME", "/nonexistent-clambake-test-config");
        return new Environment(all, Path.of("/"), Path.of("/nonexistent-home"), new ByteArrayInputStream(new byte[0]));
    }

    private static DatabaseSettings resolve(Map<String, String> vars, String option) {
        return new SettingsResolver(environment(vars)).resolve(option, ConfigTest::noEmbedded);
    }

    /** A shell with only these variables, no config file and no database behind it. */
    private static Cli offline(Map<String, String> vars) {
        Map<String, String> all = new HashMap<>(vars);
        all.putIfAbsent("XDG_CONFIG_HOME", "/nonexistent-clambake-test-config");
        all.putIfAbsent("CLAMBAKE_HOST", "config-test");
        return new Cli(all, Path.of("/config-test"));
    }

    private static DatabaseSettings noEmbedded(String schema) {
        throw new AssertionError("the embedded server was asked for although a database is configured");
    }
}

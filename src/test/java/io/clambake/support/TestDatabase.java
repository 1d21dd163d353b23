package io.clambake.support;

import io.clambake.config.DatabaseSettings;
import io.clambake.config.Environment;
import io.clambake.config.SettingsResolver;
import java.io.InputStream;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;

/**
 * A fresh PostgreSQL database for one test class, on the server named by
 * {@code CLAMBAKE_TEST_DB_URL}, else in a Testcontainers PostgreSQL when Docker runs, else on
 * Clambake's own embedded server, so a machine with nothing installed runs every test.
 */
public final class TestDatabase implements AutoCloseable {
    private static final String ENV = "CLAMBAKE_TEST_DB_URL";
    private static Server server;

    private final String name;
    private final String url;

    private TestDatabase(String name, String url) {
        this.name = name;
        this.url = url;
    }

    public static TestDatabase create() {
        Server s = server();
        String name =
                "clambake_test_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        try (Connection c = s.admin();
                Statement st = c.createStatement()) {
            st.execute("CREATE DATABASE " + name);
        } catch (SQLException e) {
            throw new IllegalStateException(
                    "cannot create test database on " + s.describe() + ": " + e.getMessage(), e);
        }
        return new TestDatabase(name, s.urlFor(name));
    }

    /** A {@code postgresql://} URL for this database, as a user would configure it. */
    public String url() {
        return url;
    }

    /** The settings a command resolves for this database's URL. */
    public DatabaseSettings settings() {
        return settingsFor(url);
    }

    /** The settings a command resolves for {@code url}: no config file, no home, never an embedded server. */
    public static DatabaseSettings settingsFor(String url) {
        Environment env = new Environment(
                Map.of("CLAMBAKE_DB_URL", url, "XDG_CONFIG_HOME", "/nonexistent-clambake-test-config"),
                Path.of("/"),
                Path.of("/nonexistent-home"),
                InputStream.nullInputStream());
        return new SettingsResolver(env).resolve(null, schema -> {
            throw new AssertionError("the test names its database");
        });
    }

    public String name() {
        return name;
    }

    /** A plain JDBC connection for assertions that look at tables directly. */
    public Connection connect(String schema) throws SQLException {
        Properties props = new Properties();
        props.setProperty("currentSchema", schema);
        return DriverManager.getConnection(server().jdbcFor(name), withUser(props));
    }

    /** Migrates {@code schema} up to {@code version} only: a database as an older Clambake left it. */
    public void migrateTo(String schema, String version) {
        Server s = server();
        org.flywaydb.core.Flyway.configure()
                .dataSource(s.jdbcFor(name), s.user, s.password)
                .schemas(schema)
                .defaultSchema(schema)
                .locations("filesystem:db/migration")
                .target(version)
                .load()
                .migrate();
    }

    private static Properties withUser(Properties props) {
        if (server.user != null) {
            props.setProperty("user", server.user);
        }
        if (server.password != null) {
            props.setProperty("password", server.password);
        }
        return props;
    }

    @Override
    public void close() {
        try (Connection c = server().admin();
                Statement st = c.createStatement()) {
            st.execute("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
        } catch (SQLException e) {
            throw new IllegalStateException("cannot drop test database " + name + ": " + e.getMessage(), e);
        }
    }

    private static synchronized Server server() {
        if (server == null) {
            server = Server.find();
        }
        return server;
    }

    /** host:port plus credentials of the server that holds the test databases. */
    private record Server(String host, int port, String adminDb, String user, String password) {
        static Server find() {
            String url = System.getenv(ENV);
            if (url != null && !url.isBlank()) {
                java.net.URI uri = java.net.URI.create(url.replaceFirst("^jdbc:", ""));
                String user = null;
                String password = null;
                if (uri.getUserInfo() != null) {
                    String[] parts = uri.getUserInfo().split(":", 2);
                    user = parts[0];
                    password = parts.length > 1 ? parts[1] : null;
                }
                String db = uri.getPath() == null || uri.getPath().length() <= 1
                        ? "postgres"
                        : uri.getPath().substring(1);
                return new Server(uri.getHost(), uri.getPort() < 0 ? 5432 : uri.getPort(), db, user, password);
            }
            if (Containers.dockerAvailable()) {
                return Containers.start();
            }
            return Embedded.start();
        }

        String describe() {
            return host + ":" + port;
        }

        String jdbcFor(String db) {
            return "jdbc:postgresql://" + host + ":" + port + "/" + db;
        }

        String urlFor(String db) {
            String auth = user == null ? "" : user + (password == null ? "" : ":" + password) + "@";
            return "postgresql://" + auth + host + ":" + port + "/" + db;
        }

        Connection admin() throws SQLException {
            return DriverManager.getConnection(jdbcFor(adminDb), withUserOf(this));
        }

        private static Properties withUserOf(Server s) {
            Properties props = new Properties();
            if (s.user != null) {
                props.setProperty("user", s.user);
            }
            if (s.password != null) {
                props.setProperty("password", s.password);
            }
            return props;
        }
    }

    /**
     * With neither a server nor Docker: Clambake's own embedded PostgreSQL, in a throw-away
     * CLAMBAKE_HOME on a port away from the default, stopped and deleted when the test JVM exits.
     */
    private static final class Embedded {
        static Server start() {
            EmbeddedHome home = EmbeddedHome.create("clambake-test-db-");
            DatabaseSettings settings = home.server().connectionSettings("public");
            Runtime.getRuntime().addShutdownHook(new Thread(home::close));
            return new Server(
                    settings.host(), settings.port(), settings.database(), settings.user(), settings.password());
        }
    }

    /** Kept apart so that Testcontainers classes load only when Docker is the way in. */
    private static final class Containers {
        static boolean dockerAvailable() {
            try {
                return org.testcontainers.DockerClientFactory.instance().isDockerAvailable();
            } catch (Throwable t) {
                return false;
            }
        }

        @SuppressWarnings("resource")
        static Server start() {
            org.testcontainers.containers.PostgreSQLContainer<?> pg =
                    new org.testcontainers.containers.PostgreSQLContainer<>("postgres:16-alpine");
            pg.start();
            return new Server(
                    pg.getHost(), pg.getMappedPort(5432), pg.getDatabaseName(), pg.getUsername(), pg.getPassword());
        }
    }
}

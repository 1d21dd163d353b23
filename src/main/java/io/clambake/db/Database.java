package io.clambake.db;

import io.clambake.config.DatabaseSettings;
import io.clambake.domain.ClambakeException;
import io.clambake.domain.Failure;
import java.io.EOFException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;
import javax.net.ssl.SSLException;
import org.postgresql.util.PSQLException;

/** Opens the one connection a short-lived command needs, with the schema brought up to date. */
public final class Database {
    private Database() {}

    private static final long FIRST_BACKOFF_MILLIS = 50;
    private static final long MAX_BACKOFF_MILLIS = 2_000;

    /**
     * A connection, retried with jittered backoff for {@link DatabaseSettings#connectRetry()} when
     * the server is full or starting up or the network failed before anything was sent.
     */
    public static Connection open(DatabaseSettings settings) {
        Connection connection = connect(settings, settings.connectRetry());
        try {
            SchemaMigrator.ensureCurrent(connection, settings);
            return connection;
        } catch (RuntimeException e) {
            closeQuietly(connection);
            throw e;
        } catch (SQLException e) {
            closeQuietly(connection);
            throw unavailable(settings, e);
        }
    }

    static Connection connect(DatabaseSettings settings, Duration retryFor) {
        long deadline = System.nanoTime() + retryFor.toNanos();
        long backoff = FIRST_BACKOFF_MILLIS;
        int attempts = 0;
        while (true) {
            attempts++;
            try {
                return DriverManager.getConnection(settings.jdbcUrl(), settings.connectionProperties());
            } catch (SQLException e) {
                long leftMillis = (deadline - System.nanoTime()) / 1_000_000;
                if (!mayRetryConnect(e) || leftMillis <= 0) {
                    throw attempts == 1
                            ? unavailable(settings, e)
                            : unavailable(
                                    settings, e, " (" + attempts + " attempts in " + retryFor.toSeconds() + " s)");
                }
                // Full jitter: a burst of commands that all found the server full must not come back together.
                long sleep = Math.min(leftMillis, ThreadLocalRandom.current().nextLong(backoff / 2, backoff + 1));
                backoff = Math.min(MAX_BACKOFF_MILLIS, backoff * 2);
                try {
                    Thread.sleep(sleep);
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    throw unavailable(settings, e);
                }
            }
        }
    }

    /**
     * Whether a failed connection attempt is worth another: the server is full or starting up, or
     * the network failed before anything reached a server, or the login took longer than
     * loginTimeout. No statement ran, so a retry cannot double anything. A name that does not
     * resolve, a refused login, TLS problems are final.
     */
    static boolean mayRetryConnect(SQLException e) {
        String state = e.getSQLState();
        if ("53300".equals(state) || "57P03".equals(state)) {
            return true;
        }
        if (state == null || !state.startsWith("08")) {
            return false;
        }
        if (String.valueOf(e.getMessage()).contains("attempt timed out")) {
            return true; // loginTimeout: a starved JVM or a slow server; no statement was sent
        }
        boolean network = false;
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof UnknownHostException || t instanceof SSLException) {
                return false;
            }
            network |= t instanceof ConnectException
                    || t instanceof NoRouteToHostException
                    || (t instanceof SocketTimeoutException && !isReadTimeout(t));
        }
        return network;
    }

    private static boolean isReadTimeout(Throwable t) {
        return t.getMessage() != null && t.getMessage().toLowerCase(Locale.ROOT).contains("read timed out");
    }

    /** The database's clock, which wrote every stored time: ages computed from it need no synced JVM clock. */
    public static OffsetDateTime now(Connection connection) throws SQLException {
        return Sql.one(connection, "SELECT now() AS now", rs -> Sql.time(rs, "now"))
                .orElseThrow();
    }

    /** True for errors that mean "cannot reach or log in to the database", not "bad statement". */
    public static boolean isConnectionFailure(SQLException e) {
        String state = e.getSQLState();
        return state == null
                || state.startsWith("08")
                || state.startsWith("28")
                || state.equals("3D000")
                || state.startsWith("57P");
    }

    /**
     * True when the server refused a value (a CHECK constraint, a malformed number or date): bad
     * input, not a bug. The driver's own errors in these classes are bugs and stay exit 1.
     */
    public static boolean isInputRejected(SQLException e) {
        String state = e.getSQLState();
        boolean fromServer = e instanceof org.postgresql.util.PSQLException p && p.getServerErrorMessage() != null;
        return fromServer && state != null && (state.startsWith("22") || state.equals("23514"));
    }

    public static ClambakeException unavailable(DatabaseSettings settings, SQLException e) {
        return unavailable(settings, e, "");
    }

    private static ClambakeException unavailable(DatabaseSettings settings, SQLException e, String suffix) {
        return new ClambakeException(
                Failure.DATABASE_UNAVAILABLE,
                "cannot use PostgreSQL at " + settings.describe() + ": " + reason(settings, e, false) + suffix,
                e);
    }

    /**
     * The connection failed while a statement was under way: it may have committed before the
     * answer was lost, so the caller is told that the outcome is unknown (and how to retry safely).
     */
    public static ClambakeException lost(DatabaseSettings settings, SQLException e) {
        return new ClambakeException(
                Failure.DATABASE_UNAVAILABLE,
                "lost PostgreSQL at " + settings.describe() + " during a statement (" + reason(settings, e, true)
                        + "): whether it took effect is unknown; retrying a send with the same --idempotency-key"
                        + " cannot double it",
                e);
    }

    /** The cause in a few words: the network's own (refused, no route, timed out), the server's, or the driver's. */
    static String reason(DatabaseSettings settings, SQLException e, boolean duringStatement) {
        String state = e.getSQLState() == null ? "" : e.getSQLState();
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof UnknownHostException) {
                return "unknown host " + settings.host();
            }
            if (t instanceof NoRouteToHostException) {
                return "no route to host";
            }
            if (t instanceof ConnectException c) {
                String message = String.valueOf(c.getMessage()).toLowerCase(Locale.ROOT);
                return message.contains("refused")
                        ? "connection refused (is the server running?)"
                        : message.contains("unreachable")
                                ? "network is unreachable"
                                : message.contains("no route") ? "no route to host" : firstLine(c);
            }
            if (t instanceof EOFException) {
                return "the server closed the connection";
            }
            if (t instanceof SocketException lostSocket) {
                return "the connection was lost (" + firstLine(lostSocket) + ")";
            }
            if (t instanceof SocketTimeoutException) {
                // While logging in, the driver waits connectTimeout for each answer as well.
                return !isReadTimeout(t)
                        ? "connect timed out after " + settings.parameter("connectTimeout") + " s (connectTimeout)"
                        : duringStatement
                                ? "no answer within " + settings.parameter("socketTimeout") + " s (socketTimeout)"
                                : "the server accepted the connection but did not answer the login within "
                                        + settings.parameter("connectTimeout") + " s (connectTimeout)";
            }
            if (t instanceof SSLException ssl) {
                return "TLS: " + firstLine(ssl);
            }
            if (t instanceof PSQLException p && p.getServerErrorMessage() != null) {
                String server = p.getServerErrorMessage().getMessage();
                return switch (state) {
                    case "53300" -> "no connection free (" + server + ")";
                    case "57P03" -> "the server is starting up or shutting down (" + server + ")";
                    case "28P01" -> "password authentication failed for " + settings.user();
                    default -> server;
                };
            }
        }
        if (String.valueOf(e.getMessage()).contains("could not be verified by hostnameverifier")) {
            return "the server's TLS certificate does not name " + settings.host()
                    + " (sslmode=verify-full: connect by a name the certificate holds)";
        }
        if ("08001".equals(state) && String.valueOf(e.getMessage()).contains("timed out")) {
            return "no answer to the login within " + settings.parameter("loginTimeout") + " s (loginTimeout)";
        }
        return firstLine(e);
    }

    private static String firstLine(Throwable e) {
        String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }

    private static void closeQuietly(Connection connection) {
        try {
            connection.close();
        } catch (SQLException ignored) {
            // the original failure is the one worth reporting
        }
    }
}

package io.clambake.web;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.clambake.config.DatabaseSettings;
import io.clambake.config.Environment;
import io.clambake.db.Database;
import io.clambake.db.InstanceDao;
import io.clambake.db.Pool;
import io.clambake.domain.ClambakeException;
import io.clambake.domain.ExitCode;
import io.clambake.domain.Failure;
import io.clambake.output.Json;
import io.clambake.output.Views;
import io.clambake.run.Outcome;
import io.clambake.run.Runner;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The live page behind {@code clambake web}: the JDK's own HTTP server on 127.0.0.1, serving
 * the page's three files from the jar, the panels' contents as JSON, a server-sent event stream
 * fed by the database's change notifications, and the human's actions. Every request passes the
 * {@link Guard} first.
 */
public final class WebServer implements AutoCloseable {
    private static final byte[] LOOPBACK = {127, 0, 0, 1};
    private static final int MAX_FORM_BYTES = 1 << 20;

    private final HttpServer http;
    private final ExecutorService threads;
    private final Guard guard;
    private final DatabaseSettings settings;
    private final Pool pool;
    private final Actions actions;
    private final EventStream events = new EventStream();
    private final ChangeFeed feed;
    private final String project;
    private final PrintWriter err;
    private final AtomicBoolean closed = new AtomicBoolean();

    private WebServer(
            HttpServer http,
            Guard guard,
            DatabaseSettings settings,
            Pool pool,
            Actions actions,
            String project,
            PrintWriter err) {
        this.http = http;
        this.guard = guard;
        this.settings = settings;
        this.pool = pool;
        this.actions = actions;
        this.project = project;
        this.err = err;
        this.feed = new ChangeFeed(
                settings,
                tables -> events.publish(Panels.following(tables)),
                () -> events.publish(Panels.names()),
                err);
        this.threads = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "clambake-web");
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * Starts serving on 127.0.0.1:{@code port} (0: any free port). {@code pool} serves the
     * panels; {@code runner} runs the human's actions as verbs and should take its connections
     * from the same pool; {@code project}, or null, is the filter the printed URL opens with.
     */
    public static WebServer start(
            int port,
            String project,
            DatabaseSettings settings,
            Pool pool,
            Runner runner,
            Environment environment,
            PrintWriter err)
            throws IOException {
        ensureOverseer(settings, pool);
        HttpServer http;
        try {
            http = HttpServer.create(new InetSocketAddress(InetAddress.getByAddress(LOOPBACK), port), 0);
        } catch (BindException e) {
            throw ClambakeException.invalid("cannot listen on 127.0.0.1:" + port + ": " + e.getMessage());
        }
        Guard guard = new Guard(new SecureRandom(), http.getAddress().getPort());
        WebServer server = new WebServer(http, guard, settings, pool, new Actions(runner, environment), project, err);
        http.createContext("/", server::handle);
        http.setExecutor(server.threads);
        server.feed.start();
        http.start();
        return server;
    }

    /** The address to open, token included; with a project, the page opens filtered on it. */
    public String url() {
        return "http://127.0.0.1:" + http.getAddress().getPort() + "/" + guard.token() + "/"
                + (project == null ? "" : "#project=" + project);
    }

    private static void ensureOverseer(DatabaseSettings settings, Pool pool) {
        try (Connection c = pool.connect()) {
            new InstanceDao(c).overseer();
        } catch (SQLException e) {
            throw Database.isConnectionFailure(e)
                    ? Database.unavailable(settings, e)
                    : new ClambakeException(Failure.DATABASE_UNAVAILABLE, "database error: " + e.getMessage(), e);
        }
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            Guard.HEADERS.forEach(exchange.getResponseHeaders()::set);
            String path = guard.hostAllowed(exchange.getRequestHeaders())
                    ? guard.pathAfterToken(exchange.getRequestURI().getRawPath())
                    : null;
            if (path == null) {
                forbidden(exchange);
                return;
            }
            String method = exchange.getRequestMethod();
            if (method.equals("GET")) {
                get(exchange, path);
            } else if (method.equals("POST") && path.startsWith("/api/actions/")) {
                act(exchange, path.substring("/api/actions/".length()));
            } else {
                // No CORS preflight is ever answered: another origin cannot call the API.
                exchange.getResponseHeaders().set("Allow", "GET, POST");
                send(exchange, 405, "text/plain", "method not allowed\n");
            }
        } catch (IOException e) {
            // the page went away mid-answer
        } catch (RuntimeException e) {
            warn("request failed: " + e);
        }
    }

    private void get(HttpExchange exchange, String path) throws IOException {
        if (path.isEmpty()) {
            exchange.getResponseHeaders().set("Location", "/" + guard.token() + "/");
            send(exchange, 308, "text/plain", "");
            return;
        }
        if (!guard.fetchSiteAllowed(exchange.getRequestHeaders(), path.equals("/"))) {
            forbidden(exchange);
            return;
        }
        switch (path) {
            case "/events" -> events.serve(exchange);
            case "/api/panels" -> panels(exchange);
            default -> {
                Assets.Asset asset = Assets.get(path.equals("/") ? "/index.html" : path);
                if (asset == null) {
                    send(exchange, 404, "text/plain", "not found\n");
                } else {
                    send(exchange, 200, asset.contentType(), asset.bytes());
                }
            }
        }
    }

    private void panels(HttpExchange exchange) throws IOException {
        Map<String, String> query = form(exchange.getRequestURI().getRawQuery());
        Set<String> names = new LinkedHashSet<>();
        if (query.get("names") != null && !query.get("names").isBlank()) {
            names.addAll(Arrays.asList(query.get("names").split(",")));
        }
        Map<String, Object> document;
        try {
            document = readPanels(names, Panels.Filter.parse(query));
        } catch (ClambakeException e) {
            sendError(exchange, e.failure().exitCode(), e.getMessage());
            return;
        } catch (SQLException e) {
            if (Database.isConnectionFailure(e)) {
                // Said as a verb says it: where the database is and why it cannot be used.
                sendError(
                        exchange,
                        ExitCode.UNAVAILABLE,
                        Database.unavailable(settings, e).getMessage());
            } else {
                warn("panels failed: " + e.getMessage());
                sendError(exchange, ExitCode.OTHER, "database error");
            }
            return;
        }
        sendJson(exchange, 200, document);
    }

    /**
     * A connection the pool kept may have died with its server (a restart, a network blip): a
     * read that fails so is tried once more, on a connection the pool opens anew, whose failure,
     * if the server is really gone, says why.
     */
    private Map<String, Object> readPanels(Set<String> names, Panels.Filter filter) throws SQLException {
        try {
            return readPanelsOnce(names, filter);
        } catch (SQLException e) {
            if (!Database.isConnectionFailure(e)) {
                throw e;
            }
            return readPanelsOnce(names, filter);
        }
    }

    private Map<String, Object> readPanelsOnce(Set<String> names, Panels.Filter filter) throws SQLException {
        try (Connection c = pool.connect()) {
            return Panels.read(c, names, filter, Database.now(c));
        }
    }

    /**
     * A state-changing request: besides the token in its path it must carry the token in a
     * header or form field and come from the page's own origin, which a form or script on
     * another page (even one that learned the token) cannot fake.
     */
    private void act(HttpExchange exchange, String name) throws IOException {
        var headers = exchange.getRequestHeaders();
        if (!guard.sameOrigin(headers) || !guard.fetchSiteAllowed(headers, false)) {
            forbidden(exchange);
            return;
        }
        byte[] body = readLimited(exchange.getRequestBody());
        if (body == null) {
            send(exchange, 413, "text/plain", "request too large\n");
            return;
        }
        Map<String, String> fields;
        try {
            fields = form(new String(body, StandardCharsets.UTF_8));
        } catch (ClambakeException e) {
            sendError(exchange, e.failure().exitCode(), e.getMessage());
            return;
        }
        if (!guard.matches(headers.getFirst(Guard.TOKEN_HEADER)) && !guard.matches(fields.get(Guard.TOKEN_FIELD))) {
            forbidden(exchange);
            return;
        }
        Outcome outcome;
        try {
            outcome = actions.run(name, fields);
            if (outcome.code() == ExitCode.NOT_REGISTERED) {
                // Someone deregistered the overseer (--as human): it is back for as long as the page is.
                ensureOverseer(settings, pool);
                outcome = actions.run(name, fields);
            }
        } catch (ClambakeException e) {
            sendError(exchange, e.failure().exitCode(), e.getMessage());
            return;
        }
        String document = outcome.out().isBlank() ? errorDocument(outcome) : outcome.out();
        send(exchange, status(outcome.code()), "application/json; charset=utf-8", document);
    }

    private static String errorDocument(Outcome outcome) {
        StringWriter text = new StringWriter();
        String message = outcome.err().lines().findFirst().orElse("failed");
        Json.print(new PrintWriter(text), Views.error(outcome.code(), message));
        return text.toString();
    }

    private static int status(int exitCode) {
        return switch (exitCode) {
            case ExitCode.OK -> 200;
            case ExitCode.USAGE -> 400;
            case ExitCode.NOT_FOUND -> 404;
            case ExitCode.NOT_REGISTERED, ExitCode.HELD -> 409;
            case ExitCode.UNAVAILABLE -> 503;
            default -> 500;
        };
    }

    /** application/x-www-form-urlencoded (a request body or a query string) into its fields. */
    static Map<String, String> form(String encoded) {
        Map<String, String> fields = new LinkedHashMap<>();
        if (encoded == null || encoded.isEmpty()) {
            return fields;
        }
        for (String pair : encoded.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String key;
            String value;
            try {
                key = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
                value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            } catch (IllegalArgumentException e) {
                throw ClambakeException.invalid("malformed form field");
            }
            if (fields.put(key, value) != null) {
                throw ClambakeException.invalid("field '" + key + "' given twice");
            }
        }
        return fields;
    }

    private static byte[] readLimited(InputStream in) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buffer = new byte[8192];
        int n;
        while ((n = in.read(buffer)) > 0) {
            out.write(buffer, 0, n);
            if (out.size() > MAX_FORM_BYTES) {
                return null;
            }
        }
        return out.toByteArray();
    }

    private static void forbidden(HttpExchange exchange) throws IOException {
        send(exchange, 403, "text/plain", "forbidden\n");
    }

    private static void sendError(HttpExchange exchange, int exitCode, String message) throws IOException {
        sendJson(exchange, status(exitCode), Views.error(exitCode, message));
    }

    private static void sendJson(HttpExchange exchange, int status, Object document) throws IOException {
        StringWriter text = new StringWriter();
        Json.print(new PrintWriter(text), document);
        send(exchange, status, "application/json; charset=utf-8", text.toString());
    }

    static void send(HttpExchange exchange, int status, String contentType, String body) throws IOException {
        send(exchange, status, contentType, body.getBytes(StandardCharsets.UTF_8));
    }

    private static void send(HttpExchange exchange, int status, String contentType, byte[] body) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", contentType);
        exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
        if (body.length > 0) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }
    }

    private void warn(String message) {
        synchronized (err) {
            err.println("clambake web: " + message);
            err.flush();
        }
    }

    /** Stops serving: open pages' streams end, the change feed stops, the port is freed. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        events.close();
        feed.close();
        http.stop(0);
        threads.shutdownNow();
    }
}

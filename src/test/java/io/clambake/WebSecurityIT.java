package io.clambake;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.clambake.domain.ExitCode;
import io.clambake.support.Cli;
import io.clambake.support.DatabaseTest;
import io.clambake.support.FreezingProxy;
import io.clambake.support.Jar;
import io.clambake.support.WebProcess;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.Socket;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The page's server at the HTTP level, with raw requests whose every header the test chooses:
 * without the token nothing is served; a state change needs the token and the page's own
 * Origin; no response ever invites another origin to read it.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class WebSecurityIT extends DatabaseTest {
    private WebProcess web;
    private String agent;

    @BeforeAll
    void startPage() {
        Cli shell = shell("sec-host", "/work/sec");
        agent = register(shell, "sec");
        web = WebProcess.start(db, "--project", "sec");
    }

    @AfterAll
    void stopPage() {
        if (web != null) {
            web.close();
        }
    }

    @Test
    void theUrlCarriesA256BitTokenAndTheProjectFilter() {
        assertTrue(web.url().toString().endsWith("/#project=sec"), web.url().toString());
        assertTrue(web.token().matches("[A-Za-z0-9_-]{43}"), web.token());
    }

    @Test
    void withoutTheRightTokenNothingIsServed() throws IOException {
        String token = web.token();
        String wrong = (token.charAt(0) == 'A' ? "B" : "A") + token.substring(1);
        List<String> paths = new ArrayList<>();
        for (String file : List.of("", "index.html", "app.js", "style.css", "favicon.svg", "events", "api/panels")) {
            paths.add("/" + file);
            paths.add("/" + wrong + "/" + file);
            paths.add("/" + token.substring(0, 42) + "/" + file);
            paths.add("/" + token + "x/" + file);
        }
        for (String path : paths) {
            Response r = request("GET", path, Map.of(), null);
            assertEquals(403, r.status, path);
            assertEquals("forbidden\n", r.body, path);
        }
        for (String path : List.of("/", "/" + wrong + "/api/actions/send")) {
            Response r = request(
                    "POST", path, Map.of("Origin", web.origin(), "X-Clambake-Token", wrong), "to=@all&subject=x");
            assertEquals(403, r.status, path);
        }
    }

    @Test
    void withTheTokenThePageAndItsDataAreServedWithAStrictPolicy() throws IOException {
        Response page = get("/");
        assertEquals(200, page.status);
        assertTrue(page.body.contains("<script src=\"app.js\" defer></script>"), page.body);
        String policy = page.header("content-security-policy");
        assertTrue(policy.contains("default-src 'none'") && policy.contains("script-src 'self'"), policy);
        assertFalse(policy.contains("unsafe-inline") || policy.contains("unsafe-eval"), policy);
        assertEquals("nosniff", page.header("x-content-type-options"));
        assertEquals("no-referrer", page.header("referrer-policy"));
        assertEquals("same-origin", page.header("cross-origin-resource-policy"));

        Response panels = get("/api/panels?names=instances");
        assertEquals(200, panels.status);
        assertTrue(panels.body.contains("\"name\":\"" + agent + "\""), panels.body);
        assertEquals("application/json; charset=utf-8", panels.header("content-type"));
        assertEquals(404, get("/nothing-here").status);
        assertEquals(308, request("GET", "/" + web.token(), Map.of(), null).status);
    }

    @Test
    void noResponseCarriesCorsHeadersNotEvenToAPreflight() throws IOException {
        Map<String, String> preflight = Map.of(
                "Origin", "http://127.0.0.1:1",
                "Access-Control-Request-Method", "POST",
                "Access-Control-Request-Headers", "x-clambake-token");
        List<Response> responses = List.of(
                get("/"),
                get("/app.js"),
                get("/api/panels"),
                request("GET", "/", Map.of("Origin", "http://127.0.0.1:1"), null),
                request("OPTIONS", "/" + web.token() + "/api/actions/send", preflight, null),
                request("GET", "/" + web.token() + "/api/panels", Map.of("Origin", "http://127.0.0.1:1"), null));
        for (Response r : responses) {
            for (String name : r.headers.keySet()) {
                assertFalse(name.startsWith("access-control-"), name + " in " + r.headers);
            }
        }
        assertEquals(405, responses.get(4).status);
    }

    @Test
    void aStateChangeNeedsTheTokenAndThePagesOwnOrigin() throws IOException, SQLException {
        String path = "/" + web.token() + "/api/actions/send";
        String body = "to=" + agent + "&subject=";
        Map<String, Map<String, String>> refused = new LinkedHashMap<>();
        refused.put("no Origin", Map.of("X-Clambake-Token", web.token()));
        refused.put("another port's Origin", Map.of("X-Clambake-Token", web.token(), "Origin", "http://127.0.0.1:1"));
        refused.put("another host's Origin", Map.of("X-Clambake-Token", web.token(), "Origin", "http://evil.example"));
        refused.put(
                "https Origin", Map.of("X-Clambake-Token", web.token(), "Origin", "https://127.0.0.1:" + web.port()));
        refused.put("null Origin", Map.of("X-Clambake-Token", web.token(), "Origin", "null"));
        refused.put("no token in header or form", Map.of("Origin", web.origin()));
        refused.put(
                "a wrong token in the header", Map.of("Origin", web.origin(), "X-Clambake-Token", "x" + web.token()));
        refused.put(
                "the browser says another site sent it",
                Map.of("Origin", web.origin(), "X-Clambake-Token", web.token(), "Sec-Fetch-Site", "same-site"));
        for (Map.Entry<String, Map<String, String>> attempt : refused.entrySet()) {
            Response r = request("POST", path, attempt.getValue(), body + encode("refused: " + attempt.getKey()));
            assertEquals(403, r.status, attempt.getKey() + ": " + r.body);
        }
        Response rebound = request(
                "POST",
                path,
                Map.of(
                        "Host",
                        "evil.example:" + web.port(),
                        "Origin",
                        "http://evil.example:" + web.port(),
                        "X-Clambake-Token",
                        web.token()),
                body + "refused%3A+rebound");
        assertEquals(403, rebound.status, "a Host that is not this server (DNS rebinding)");
        assertEquals(0, count("SELECT count(*) FROM messages WHERE subject LIKE 'refused%'"));

        Response byHeader = request(
                "POST", path, Map.of("Origin", web.origin(), "X-Clambake-Token", web.token()), body + "by+header");
        assertEquals(200, byHeader.status, byHeader.body);
        Response byField =
                request("POST", path, Map.of("Origin", web.origin()), body + "by+field&token=" + web.token());
        assertEquals(200, byField.status, byField.body);
        Response viaLocalhost = request(
                "POST",
                path,
                Map.of(
                        "Host",
                        "localhost:" + web.port(),
                        "Origin",
                        "http://localhost:" + web.port(),
                        "X-Clambake-Token",
                        web.token()),
                body + "via+localhost");
        assertEquals(200, viaLocalhost.status, viaLocalhost.body);
        assertEquals(
                3,
                count("SELECT count(*) FROM messages m JOIN instances s ON s.id = m.sender_id"
                        + " WHERE s.kind = 'human' AND m.subject IN ('by header', 'by field', 'via localhost')"));
    }

    @Test
    void anActionAnswersWithTheVerbsOwnErrors() throws IOException {
        Map<String, String> headers = Map.of("Origin", web.origin(), "X-Clambake-Token", web.token());
        String path = "/" + web.token() + "/api/actions/";
        Response unknown = request("POST", path + "send", headers, "to=nobody-here&subject=hi");
        assertEquals(404, unknown.status);
        assertEquals("{\"error\":{\"exit_code\":3,\"message\":\"no instance named 'nobody-here'\"}}\n", unknown.body);
        Response empty = request("POST", path + "send", headers, "to=" + agent + "&subject=");
        assertEquals(400, empty.status, empty.body);
        assertTrue(empty.body.contains("\"exit_code\":" + ExitCode.USAGE), empty.body);
        Response field = request("POST", path + "send", headers, "to=" + agent + "&subject=x&as=" + agent);
        assertEquals(400, field.status, field.body);
        assertTrue(field.body.contains("unknown field 'as'"), field.body);
        assertEquals(404, request("POST", path + "deregister", headers, "").status);
    }

    @Test
    void theOverseerDeregisteredFromATerminalIsBackForThePagesNextAction() throws IOException {
        ok(shell("sec-human", "/home/sec").run("deregister", "--as", "human"));
        Response r = request(
                "POST",
                "/" + web.token() + "/api/actions/send",
                Map.of("Origin", web.origin(), "X-Clambake-Token", web.token()),
                "to=" + agent + "&subject=still+here");
        assertEquals(200, r.status, r.body);
        assertTrue(r.body.contains("\"from\":\"human\""), r.body);
    }

    @Test
    void optionLikeValuesAreStoredAsTheyWere() throws IOException, SQLException {
        Map<String, String> headers = Map.of("Origin", web.origin(), "X-Clambake-Token", web.token());
        String subject = "--to=@all @/etc/passwd";
        Response r = request(
                "POST",
                "/" + web.token() + "/api/actions/send",
                headers,
                "to=" + agent + "&subject=" + encode(subject) + "&body=-");
        assertEquals(200, r.status, r.body);
        assertEquals(
                1,
                count(
                        "SELECT count(*) FROM messages m JOIN instances r ON r.id = m.recipient_id"
                                + " WHERE m.subject = ? AND m.body = '-' AND r.name = ?",
                        subject,
                        agent));
    }

    @Test
    void itListensOnLoopbackOnly() throws IOException {
        List<InetAddress> others = new ArrayList<>();
        for (NetworkInterface nic : NetworkInterface.networkInterfaces().toList()) {
            nic.inetAddresses()
                    .filter(a -> a instanceof Inet4Address && !a.isLoopbackAddress())
                    .forEach(others::add);
        }
        assertFalse(others.isEmpty(), "this machine has no address besides loopback to try");
        for (InetAddress address : others) {
            assertThrows(
                    IOException.class,
                    () -> {
                        try (Socket s = new Socket()) {
                            s.connect(new InetSocketAddress(address, web.port()), 2_000);
                        }
                    },
                    address.toString());
        }
    }

    /**
     * The database going away under a running page: the panels and the actions answer 503 with
     * Clambake's own line (where the database is and why it cannot be used), as a verb would
     * print it, and what the server prints says the same; none of the pool's or driver's text.
     */
    @Test
    void withTheDatabaseGoneThePageSaysWhereAndWhyInOneLine() throws IOException {
        FreezingProxy proxy = new FreezingProxy(db.url(), "never sent \u0000");
        String url = proxy.url(db.url());
        url += (url.contains("?") ? "&" : "?") + "connectRetry=0";
        String where = "PostgreSQL at 127.0.0.1:" + proxy.port() + "/" + db.name();
        try (WebProcess down = WebProcess.start(url)) {
            Map<String, String> headers = Map.of("Origin", down.origin(), "X-Clambake-Token", down.token());
            assertEquals(200, request(down, "GET", "/" + down.token() + "/api/panels", Map.of(), null).status);
            proxy.close();
            Response panels = request(down, "GET", "/" + down.token() + "/api/panels", Map.of(), null);
            Response send = request(
                    down, "POST", "/" + down.token() + "/api/actions/send", headers, "to=@all&subject=anyone%3F");
            for (Response r : List.of(panels, send)) {
                assertEquals(503, r.status, r.body);
                assertTrue(r.body.startsWith("{\"error\":{\"exit_code\":" + ExitCode.UNAVAILABLE + ","), r.body);
                assertTrue(r.body.contains(where), r.body);
                assertEquals(1, r.body.strip().lines().count(), r.body);
                assertNoRawText(r.body);
            }
            String printed = down.stderr();
            System.out.println("web with its database gone: " + panels.body.strip() + "; printed: " + printed.strip());
            for (String line : printed.lines().toList()) {
                assertTrue(line.startsWith("clambake web: "), printed);
                assertNoRawText(line);
            }
        }
    }

    /** Started with no database to reach, it says so in one line and exits 5, also with --json. */
    @Test
    void withNoDatabaseItSaysWhereAndWhyAndExits5() {
        String nowhere = "postgresql://postgres@127.0.0.1:1/nowhere?connectRetry=0";
        Jar.Result text = Jar.run(Jar.command("web", "--db-url", nowhere), Path.of("."), Map.of(), "");
        assertEquals(ExitCode.UNAVAILABLE, text.code(), text.toString());
        assertEquals("", text.out(), text.toString());
        assertEquals(
                "clambake web: cannot use PostgreSQL at 127.0.0.1:1/nowhere as postgres:"
                        + " connection refused (is the server running?)\n",
                text.err(),
                text.toString());
        Jar.Result json = Jar.run(Jar.command("web", "--json", "--db-url", nowhere), Path.of("."), Map.of(), "");
        assertEquals(ExitCode.UNAVAILABLE, json.code(), json.toString());
        assertTrue(
                json.out()
                        .startsWith(
                                "{\"error\":{\"exit_code\":5,\"message\":\"cannot use PostgreSQL at 127.0.0.1:1/nowhere"),
                json.toString());
    }

    private static void assertNoRawText(String text) {
        for (String raw : List.of("Hikari", "Connection is not available", "I/O error", "Exception", "\tat ")) {
            assertFalse(text.contains(raw), raw + " in: " + text);
        }
    }

    private Response get(String pathAfterToken) throws IOException {
        return request("GET", "/" + web.token() + pathAfterToken, Map.of(), null);
    }

    private static String encode(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8);
    }

    /** One HTTP/1.1 request with exactly these headers (Host defaults to the server's address). */
    private Response request(String method, String path, Map<String, String> headers, String body) throws IOException {
        return request(web, method, path, headers, body);
    }

    private static Response request(
            WebProcess web, String method, String path, Map<String, String> headers, String body) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", web.port())) {
            socket.setSoTimeout(10_000);
            StringBuilder head = new StringBuilder(method + " " + path + " HTTP/1.1\r\n");
            if (!headers.containsKey("Host")) {
                head.append("Host: 127.0.0.1:").append(web.port()).append("\r\n");
            }
            headers.forEach((name, value) ->
                    head.append(name).append(": ").append(value).append("\r\n"));
            byte[] content = body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
            if (body != null) {
                head.append("Content-Type: application/x-www-form-urlencoded\r\n");
                head.append("Content-Length: ").append(content.length).append("\r\n");
            }
            head.append("Connection: close\r\n\r\n");
            OutputStream out = socket.getOutputStream();
            out.write(head.toString().getBytes(StandardCharsets.US_ASCII));
            out.write(content);
            out.flush();
            return Response.read(socket.getInputStream());
        }
    }

    private record Response(int status, Map<String, String> headers, String body) {
        String header(String name) {
            return headers.get(name);
        }

        static Response read(InputStream in) throws IOException {
            ByteArrayOutputStream all = new ByteArrayOutputStream();
            in.transferTo(all);
            String text = all.toString(StandardCharsets.UTF_8);
            int end = text.indexOf("\r\n\r\n");
            String[] lines = text.substring(0, end).split("\r\n");
            Map<String, String> headers = new LinkedHashMap<>();
            for (int i = 1; i < lines.length; i++) {
                int colon = lines[i].indexOf(':');
                headers.put(
                        lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT),
                        lines[i].substring(colon + 1).trim());
            }
            String body = text.substring(end + 4);
            if ("chunked".equals(headers.get("transfer-encoding"))) {
                body = unchunk(body);
            }
            assertNull(headers.get("access-control-allow-origin"));
            return new Response(Integer.parseInt(lines[0].split(" ")[1]), headers, body);
        }

        private static String unchunk(String chunked) {
            StringBuilder body = new StringBuilder();
            int at = 0;
            while (true) {
                int lineEnd = chunked.indexOf("\r\n", at);
                int size = Integer.parseInt(chunked.substring(at, lineEnd).trim(), 16);
                if (size == 0) {
                    return body.toString();
                }
                body.append(chunked, lineEnd + 2, lineEnd + 2 + size);
                at = lineEnd + 2 + size + 2;
            }
        }
    }
}

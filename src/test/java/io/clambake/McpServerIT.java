package io.clambake;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.clambake.domain.ExitCode;
import io.clambake.support.ChildEnvironment;
import io.clambake.support.Cli;
import io.clambake.support.DatabaseTest;
import io.clambake.support.Jar;
import io.clambake.support.McpClients;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.spec.McpSchema;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** `clambake mcp` run from the built jar, driven over stdio by raw JSON-RPC and by the official SDK's client. */
class McpServerIT extends DatabaseTest {
    @TempDir
    Path temp;

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> TOOLS = List.of(
            "status",
            "inbox",
            "read",
            "send",
            "thread",
            "ack",
            "close",
            "search",
            "heartbeat",
            "log",
            "remember",
            "recall",
            "update-memory",
            "lease",
            "release",
            "leases");

    @Test
    void initializeAndAToolsListUnderTenThousandCharacters() throws Exception {
        Path dir = Files.createDirectories(temp.resolve("raw"));
        ProcessBuilder builder = new ProcessBuilder(Jar.command("mcp", "--project", "demo", "--dir", dir.toString()))
                .redirectError(ProcessBuilder.Redirect.DISCARD);
        ChildEnvironment.isolate(builder.environment()).putAll(env());
        Process server = builder.start();
        JsonNode initialized;
        String toolsList;
        try (Writer in = new OutputStreamWriter(server.getOutputStream(), StandardCharsets.UTF_8);
                BufferedReader out =
                        new BufferedReader(new InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8))) {
            in.write(
                    "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":{\"protocolVersion\":\"2025-06-18\","
                            + "\"capabilities\":{},\"clientInfo\":{\"name\":\"raw\",\"version\":\"1\"}}}\n");
            in.flush();
            initialized = JSON.readTree(out.readLine());
            in.write("{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}\n");
            in.write("{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/list\"}\n");
            in.flush();
            toolsList = out.readLine();
            assertEquals(1, liveInstances(), "registered while it runs");
        }
        assertTrue(server.waitFor(20, TimeUnit.SECONDS), "exits when its stdin closes");

        assertEquals("clambake", initialized.at("/result/serverInfo/name").asText(), initialized.toString());
        assertEquals("2025-06-18", initialized.at("/result/protocolVersion").asText());
        System.out.println("tools/list answer: " + toolsList.length() + " characters");
        assertTrue(toolsList.length() < 10_000, "tools/list is " + toolsList.length() + " characters");
        JsonNode tools = JSON.readTree(toolsList).at("/result/tools");
        List<String> names = new ArrayList<>();
        for (JsonNode tool : tools) {
            names.add(tool.get("name").asText());
            assertEquals("object", tool.at("/inputSchema/type").asText(), tool.toString());
        }
        assertEquals(TOOLS, names);
        JsonNode send = tools.get(3).get("inputSchema");
        assertEquals(
                List.of("to", "type", "subject", "body", "ttl", "reply_to", "idempotency_key"),
                fieldNames(send.get("properties")));
        assertFalse(send.has("required"), "to and subject may come from the message replied to");
        assertFalse(tools.get(1).at("/inputSchema/properties").has("wait"), "a tool call never blocks");
        assertEquals(ExitCode.OK, server.exitValue());
        assertEquals(0, liveInstances(), "deregistered on exit");
    }

    @Test
    void twoServersExchangeAMessage() throws Exception {
        McpSyncClient alpha = client("alpha");
        McpSyncClient beta = client("beta");
        try {
            alpha.initialize();
            beta.initialize();
            String a = call(alpha, "status", Map.of()).get("me").asText();
            String b = call(beta, "status", Map.of()).get("me").asText();
            assertNotEquals(a, b);
            assertEquals(
                    2,
                    call(alpha, "status", Map.of("project", "demo"))
                            .get("instances")
                            .size());

            JsonNode sent = call(
                    alpha,
                    "send",
                    Map.of(
                            "to",
                            b,
                            "type",
                            "request",
                            "subject",
                            "Review my PR",
                            "body",
                            "the retry logic in payments/"));
            long id = sent.at("/message/id").asLong();
            JsonNode inbox = call(beta, "inbox", Map.of("limit", 5));
            JsonNode read = call(beta, "read", Map.of("id", id));
            JsonNode after = call(beta, "inbox", Map.of());
            JsonNode acked = call(beta, "ack", Map.of("id", id));
            JsonNode reply = call(beta, "send", Map.of("reply_to", id, "body", "on it, retries look fine"));
            JsonNode thread = call(alpha, "thread", Map.of("id", id));
            JsonNode found = call(alpha, "search", Map.of("query", "retrying"));
            long blocker = call(alpha, "send", Map.of("to", "@all", "type", "blocker", "subject", "Editing CI"))
                    .at("/message/id")
                    .asLong();
            JsonNode closed = call(alpha, "close", Map.of("id", blocker));
            // A retried send with the same idempotency_key returns the first message, stores no second.
            Map<String, Object> keyed = Map.of("to", b, "subject", "keyed", "idempotency_key", "mcp-k1");
            long keyedId = call(alpha, "send", keyed).at("/message/id").asLong();
            JsonNode repeated = call(alpha, "send", keyed);
            assertEquals(keyedId, repeated.at("/message/id").asLong());
            assertTrue(repeated.get("repeated").asBoolean(), repeated::toString);
            McpSchema.CallToolResult unknown = alpha.callTool(
                    new McpSchema.CallToolRequest("send", Map.of("to", "no-such-name", "subject", "hello")));
            McpSchema.CallToolResult badArgument =
                    alpha.callTool(new McpSchema.CallToolRequest("inbox", Map.of("limits", 5)));
            Cli gamma = shell("it-host", "/work/gamma");
            register(gamma, "demo");
            long secret = json(gamma, "send", "--to", b, "--subject", "SECRET subject", "--body", "SECRET body")
                    .at("/message/id")
                    .asLong();
            JsonNode othersTraffic = call(alpha, "status", Map.of("limit", 50));
            McpSchema.CallToolResult othersMessage =
                    alpha.callTool(new McpSchema.CallToolRequest("read", Map.of("id", secret)));
            ok(gamma.run("deregister"));

            assertEquals(1, inbox.get("unread").asInt(), inbox.toString());
            assertEquals(a, inbox.at("/messages/0/from").asText());
            assertEquals("Review my PR", inbox.at("/messages/0/subject").asText());
            assertEquals(
                    "the retry logic in payments/", read.at("/message/body").asText());
            assertTrue(read.get("first_read").asBoolean());
            assertEquals(0, after.get("unread").asInt());
            assertTrue(acked.get("first_ack").asBoolean(), acked.toString());
            assertEquals(a, reply.at("/message/to").asText());
            assertEquals("Re: Review my PR", reply.at("/message/subject").asText());
            assertEquals(List.of("Review my PR", "Re: Review my PR"), subjects(thread));
            assertEquals(List.of("Re: Review my PR", "Review my PR"), subjects(found));
            assertFalse(closed.at("/message/closed_at").isNull(), closed.toString());
            assertTrue(unknown.isError());
            assertEquals(
                    ExitCode.NOT_FOUND,
                    JSON.readTree(text(unknown)).at("/error/exit_code").asInt(),
                    text(unknown));
            assertTrue(badArgument.isError());
            assertTrue(text(badArgument).contains("unknown argument 'limits'"), text(badArgument));
            assertFalse(othersTraffic.toString().contains("SECRET"), othersTraffic.toString());
            JsonNode withheld = othersTraffic.at("/messages/0");
            assertEquals(secret, withheld.get("id").asLong());
            assertTrue(
                    withheld.get("private").asBoolean() && withheld.get("body").isNull(), withheld.toString());
            assertTrue(othersMessage.isError());
            assertFalse(text(othersMessage).contains("SECRET"), text(othersMessage));
        } finally {
            alpha.closeGracefully();
            beta.closeGracefully();
        }
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (liveInstances() > 0 && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        assertEquals(0, liveInstances(), "both deregistered when their clients went away");
    }

    @Test
    void theLeaseToolsTakeArraysAndAnswerTheVerbsDocuments() throws Exception {
        McpSyncClient alpha = client("lease-alpha");
        McpSyncClient beta = client("lease-beta");
        try {
            alpha.initialize();
            beta.initialize();
            String a = call(alpha, "status", Map.of()).get("me").asText();
            JsonNode leased = call(
                    alpha,
                    "lease",
                    Map.of("target", List.of("mcp-it/a.txt", "mcp-it/b/**"), "resource", List.of("mcp-docker")));
            assertEquals(3, leased.get("leases").size(), leased.toString());
            McpSchema.CallToolResult held =
                    beta.callTool(new McpSchema.CallToolRequest("lease", Map.of("resource", "mcp-docker")));
            assertTrue(Boolean.TRUE.equals(held.isError()), text(held));
            JsonNode error = JSON.readTree(text(held)).get("error");
            assertEquals(ExitCode.HELD, error.get("exit_code").asInt());
            assertEquals(a, error.get("holder").asText());
            assertEquals(3, call(beta, "leases", Map.of()).get("leases").size());
            assertEquals(
                    3,
                    call(alpha, "release", Map.of("all", true)).get("released").size());
            assertEquals(
                    1,
                    call(beta, "lease", Map.of("resource", List.of("mcp-docker")))
                            .get("leases")
                            .size());
        } finally {
            alpha.closeGracefully();
            beta.closeGracefully();
        }
    }

    @Test
    void badArgumentsAnswerTheCommandLinesErrorDocumentAndLogNothing() throws Exception {
        List<String> stderr = new java.util.concurrent.CopyOnWriteArrayList<>();
        McpSyncClient client = client("bad-arguments", stderr::add);
        List<String> answers = new ArrayList<>();
        try {
            client.initialize();
            long messages = count("SELECT count(*) FROM messages");
            for (Map<String, Object> call : List.<Map<String, Object>>of(
                    Map.of("tool", "read", "id", "abc"),
                    Map.of("tool", "read", "id", 1.5),
                    Map.of("tool", "update-memory", "id", "abc", "status", "resolved"),
                    Map.of("tool", "inbox", "limit", "abc"),
                    Map.of("tool", "inbox", "limit", true),
                    Map.of("tool", "recall", "full", "yes"),
                    Map.of("tool", "send", "to", "@all", "subject", List.of("a", "b")),
                    Map.of("tool", "send", "to", "@all"))) {
                Map<String, Object> arguments = new java.util.HashMap<>(call);
                String tool = (String) arguments.remove("tool");
                McpSchema.CallToolResult result = client.callTool(new McpSchema.CallToolRequest(tool, arguments));
                String text = text(result);
                answers.add(call + " -> " + text);
                assertTrue(Boolean.TRUE.equals(result.isError()), call + ": " + text);
                JsonNode error = JSON.readTree(text).get("error");
                assertEquals(ExitCode.USAGE, error.get("exit_code").asInt(), call + ": " + text);
                assertFalse(error.get("message").asText().isBlank(), text);
            }
            assertEquals(messages, count("SELECT count(*) FROM messages"), "nothing was sent");
            JsonNode numericText =
                    JSON.readTree(text(client.callTool(new McpSchema.CallToolRequest("inbox", Map.of("limit", "3")))));
            assertTrue(numericText.has("messages"), "a number written as text is still a number: " + numericText);
        } finally {
            client.closeGracefully();
        }
        Thread.sleep(500);
        System.out.println(String.join("\n", answers));
        assertTrue(
                stderr.stream().noneMatch(line -> line.contains("WARN") || line.contains("validation")),
                () -> "logged: " + stderr);
    }

    @Test
    void aNulCharacterInAnyArgumentIsRefusedBeforeTheDatabase() throws Exception {
        McpSyncClient client = client("nul");
        try {
            client.initialize();
            long messages = count("SELECT count(*) FROM messages");
            for (Map<String, Object> call : List.<Map<String, Object>>of(
                    Map.of("tool", "send", "to", "@all", "subject", "a\u0000b"),
                    Map.of("tool", "send", "to", "@all", "subject", "ok", "body", "a\u0000b"),
                    Map.of("tool", "remember", "type", "gotcha", "title", "t", "content", "\u0000"),
                    Map.of("tool", "recall", "search", "dead\u0000lock"))) {
                Map<String, Object> arguments = new java.util.HashMap<>(call);
                String tool = (String) arguments.remove("tool");
                String text = text(client.callTool(new McpSchema.CallToolRequest(tool, arguments)));
                JsonNode error = JSON.readTree(text).get("error");
                assertEquals(ExitCode.USAGE, error.get("exit_code").asInt(), call + ": " + text);
                assertTrue(error.get("message").asText().contains("NUL character"), call + ": " + text);
            }
            assertEquals(messages, count("SELECT count(*) FROM messages"), "nothing was sent");
        } finally {
            client.closeGracefully();
        }
    }

    private McpSyncClient client(String name) throws Exception {
        return client(name, line -> {});
    }

    /** A client for a server registered in the directory {@code name} under this test's temporary one. */
    private McpSyncClient client(String name, java.util.function.Consumer<String> stderr) throws Exception {
        Path dir = Files.createDirectories(temp.resolve(name));
        return McpClients.client(Jar.command("mcp", "--project", "demo", "--dir", dir.toString()), env(), stderr);
    }

    private static JsonNode call(McpSyncClient client, String tool, Map<String, Object> arguments) throws Exception {
        return McpClients.call(client, tool, arguments);
    }

    private static String text(McpSchema.CallToolResult result) {
        return McpClients.text(result);
    }

    private Map<String, String> env() {
        return Map.of(
                "CLAMBAKE_DB_URL",
                db.url(),
                "CLAMBAKE_HOST",
                "it-host",
                "XDG_CONFIG_HOME",
                "/nonexistent-clambake-test-config");
    }

    private int liveInstances() throws Exception {
        try (Connection c = db.connect("clambake");
                Statement st = c.createStatement();
                ResultSet rs =
                        st.executeQuery("SELECT count(*) FROM instances WHERE left_at IS NULL AND kind = 'agent'")) {
            rs.next();
            return rs.getInt(1);
        }
    }

    private static List<String> fieldNames(JsonNode object) {
        List<String> names = new ArrayList<>();
        object.fieldNames().forEachRemaining(names::add);
        return names;
    }
}

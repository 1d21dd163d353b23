package io.clambake.support;

import static org.junit.jupiter.api.Assertions.assertFalse;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.ServerParameters;
import io.modelcontextprotocol.client.transport.StdioClientTransport;
import io.modelcontextprotocol.json.McpJsonDefaults;
import io.modelcontextprotocol.spec.McpSchema;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/** The official MCP SDK's client driving `clambake mcp` processes, as Claude Code would. */
public final class McpClients {
    private static final ObjectMapper JSON = new ObjectMapper();

    private McpClients() {}

    /** A client for a server started as {@code command} with {@code env}; {@code initialize()} starts it. */
    public static McpSyncClient client(List<String> command, Map<String, String> env) {
        return client(command, env, line -> {});
    }

    /** The same, with the server's stderr lines passed to {@code stderr}. */
    public static McpSyncClient client(List<String> command, Map<String, String> env, Consumer<String> stderr) {
        ServerParameters parameters = ServerParameters.builder(command.get(0))
                .args(command.subList(1, command.size()))
                .env(withOverrides(env))
                .build();
        StdioClientTransport transport = new StdioClientTransport(parameters, McpJsonDefaults.getMapper());
        transport.setStdErrorHandler(stderr);
        return McpClient.sync(transport)
                // Generous: a JVM starting on a machine whose load average is 30 took over 30 s.
                .requestTimeout(Duration.ofSeconds(120))
                .initializationTimeout(Duration.ofSeconds(120))
                .build();
    }

    /** The server runs with a scratch home and none of the developer's own Clambake settings. */
    private static Map<String, String> withOverrides(Map<String, String> env) {
        Map<String, String> all = ChildEnvironment.overrides();
        all.putAll(env);
        return all;
    }

    /** Calls a tool that must succeed and returns its JSON answer. */
    public static JsonNode call(McpSyncClient client, String tool, Map<String, Object> arguments) throws Exception {
        McpSchema.CallToolResult result = client.callTool(new McpSchema.CallToolRequest(tool, arguments));
        assertFalse(Boolean.TRUE.equals(result.isError()), () -> tool + ": " + text(result));
        return JSON.readTree(text(result));
    }

    public static String text(McpSchema.CallToolResult result) {
        return ((McpSchema.TextContent) result.content().get(0)).text();
    }
}

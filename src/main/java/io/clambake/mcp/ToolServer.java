package io.clambake.mcp;

import io.clambake.claude.Protocol;
import io.clambake.config.DatabaseSettings;
import io.clambake.config.Environment;
import io.clambake.db.AgentSessionDao;
import io.clambake.db.ConnectionSource;
import io.clambake.db.Pool;
import io.clambake.domain.ClambakeException;
import io.clambake.domain.ExitCode;
import io.clambake.domain.Failure;
import io.clambake.domain.Instance;
import io.clambake.domain.NameGenerator;
import io.clambake.output.Json;
import io.clambake.output.Views;
import io.clambake.run.Outcome;
import io.clambake.run.Runner;
import io.modelcontextprotocol.json.McpJsonDefaults;
import io.modelcontextprotocol.server.McpServer;
import io.modelcontextprotocol.server.McpServerFeatures.SyncToolSpecification;
import io.modelcontextprotocol.server.McpSyncServer;
import io.modelcontextprotocol.server.transport.StdioServerTransportProvider;
import io.modelcontextprotocol.spec.McpSchema;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import picocli.CommandLine.Model.CommandSpec;

/**
 * The MCP server behind {@code clambake mcp}: each tool call runs the verb of the same name
 * in-process, as this server's instance, with {@code --json} and a pooled connection, so the
 * tools behave, validate and answer exactly as the command line does. Kept apart from
 * McpCommand so that no other verb loads the MCP SDK.
 */
public final class ToolServer {
    public static final List<String> VERBS = List.of(
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
    private static final Duration HEARTBEAT = Duration.ofMinutes(5);
    private static final int POOL_SIZE = 4;

    private final Environment env;
    private final DatabaseSettings settings;
    private final AgentSessionDao.Request request;
    private final PrintWriter err;
    private final Map<String, CommandSpec> verbs;
    private final Function<ConnectionSource, Runner> runners;
    private Pool pool;
    private Runner runner;
    private boolean ended;
    private volatile Instance me;

    /**
     * {@code verbs}: the models of {@link #VERBS}, read for the tools' schemas; {@code runners}:
     * the in-process runner whose verbs take connections from the server's pool.
     */
    public ToolServer(
            Environment env,
            DatabaseSettings settings,
            AgentSessionDao.Request request,
            PrintWriter err,
            Map<String, CommandSpec> verbs,
            Function<ConnectionSource, Runner> runners) {
        // Tools act in the instance's directory (lease paths are relative to it), wherever the
        // client started the server.
        this.env = new Environment(
                env.variables(),
                java.nio.file.Path.of(request.place().dir()),
                env.home(),
                InputStream.nullInputStream(),
                env.callerPid());
        this.settings = settings;
        this.request = request;
        this.err = err;
        this.verbs = verbs;
        this.runners = runners;
    }

    /** Serves until the client closes stdin or the process is told to stop; deregisters either way. */
    public int serve(InputStream in, OutputStream out) throws InterruptedException {
        pool = Pool.open(settings, POOL_SIZE);
        runner = runners.apply(pool);
        try {
            attach();
        } catch (ClambakeException e) {
            warn(e.getMessage() + "; registering again on the first tool call");
        }
        CountDownLatch closed = new CountDownLatch(1);
        var transport = new StdioServerTransportProvider(McpJsonDefaults.getMapper(), watchForEnd(in, closed), out);
        McpSyncServer server = McpServer.sync(transport)
                .serverInfo("clambake", "0.1.0")
                .instructions(Protocol.text() + "\nThe tools are clambake's verbs, run as this session's instance;"
                        + " results are JSON.\n")
                .capabilities(
                        McpSchema.ServerCapabilities.builder().tools(false).build())
                // ToolSchema checks arguments and answers the command line's error document; the
                // SDK's validator would answer its own text and log a warning instead.
                .validateToolInputs(false)
                .tools(tools())
                .build();
        ScheduledExecutorService heartbeat = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "clambake-heartbeat");
            t.setDaemon(true);
            return t;
        });
        heartbeat.scheduleAtFixedRate(this::heartbeat, HEARTBEAT.toSeconds(), HEARTBEAT.toSeconds(), TimeUnit.SECONDS);
        Thread onSignal = new Thread(this::end, "clambake-deregister");
        Runtime.getRuntime().addShutdownHook(onSignal);
        closed.await();
        heartbeat.shutdownNow();
        end();
        server.closeGracefully();
        Runtime.getRuntime().removeShutdownHook(onSignal);
        return ExitCode.OK;
    }

    /** One tool per verb, its input schema read from the verb's own options. */
    private List<SyncToolSpecification> tools() {
        List<SyncToolSpecification> tools = new ArrayList<>();
        for (String verb : VERBS) {
            ToolSchema schema = ToolSchema.of(verbs.get(verb));
            tools.add(SyncToolSpecification.builder()
                    .tool(McpSchema.Tool.builder()
                            .name(verb)
                            .description(schema.description())
                            .inputSchema(schema.inputSchema())
                            .build())
                    .callHandler((exchange, call) -> call(schema, call.arguments()))
                    .build());
        }
        return tools;
    }

    private McpSchema.CallToolResult call(ToolSchema schema, Map<String, Object> arguments) {
        List<String> args;
        try {
            args = schema.commandLine(arguments);
        } catch (ClambakeException e) {
            return error(e);
        }
        Outcome run;
        try {
            attachIfNeeded();
            run = run(args);
            if (run.code() == ExitCode.NOT_REGISTERED) {
                // Removed as stale, or deregistered by hand: the process is alive, so it comes back.
                me = null;
                attachIfNeeded();
                run = run(args);
            }
        } catch (ClambakeException e) {
            return error(e);
        }
        String text = run.out().isBlank() ? run.err().strip() : run.out().strip();
        return McpSchema.CallToolResult.builder()
                .addTextContent(text)
                .isError(run.code() != ExitCode.OK)
                .build();
    }

    private Outcome run(List<String> args) {
        List<String> full = new ArrayList<>(args);
        full.addAll(1, List.of("--json", "--as", me.name()));
        return runner.capture(env, full.toArray(String[]::new));
    }

    /** A failure before the verb ran, answered with the verb's own error document. */
    private static McpSchema.CallToolResult error(ClambakeException e) {
        StringWriter text = new StringWriter();
        Json.print(new PrintWriter(text), Views.error(e.failure().exitCode(), e.getMessage()));
        return McpSchema.CallToolResult.builder()
                .addTextContent(text.toString().strip())
                .isError(true)
                .build();
    }

    private synchronized void attachIfNeeded() {
        if (me == null) {
            attach();
        }
    }

    private synchronized void attach() {
        try (Connection c = pool.connect()) {
            me = new AgentSessionDao(c)
                    .attach(request, true, new NameGenerator(new SecureRandom()))
                    .instance();
        } catch (SQLException e) {
            throw new ClambakeException(Failure.DATABASE_UNAVAILABLE, "database error: " + e.getMessage(), e);
        }
    }

    private void heartbeat() {
        try (Connection c = pool.connect()) {
            new AgentSessionDao(c).touch(request.sessionId(), Duration.ZERO);
        } catch (Exception e) {
            warn("heartbeat failed: " + e.getMessage());
        }
    }

    /**
     * Deregisters once. Synchronized rather than a bare flag: when a signal arrives while the main
     * thread is ending, the shutdown hook must wait for it, or the JVM halts mid-way.
     */
    private synchronized void end() {
        if (ended) {
            return;
        }
        ended = true;
        try (Connection c = pool.connect()) {
            new AgentSessionDao(c).end(request.sessionId());
        } catch (Exception e) {
            warn("could not deregister: " + e.getMessage());
        } finally {
            pool.close();
        }
    }

    private void warn(String message) {
        err.println("clambake mcp: " + message);
        err.flush();
    }

    /** The transport reads stdin until it ends; the end of stdin is the client going away. */
    private static InputStream watchForEnd(InputStream in, CountDownLatch closed) {
        return new FilterInputStream(in) {
            @Override
            public int read() throws IOException {
                try {
                    return seen(super.read());
                } catch (IOException e) {
                    closed.countDown();
                    throw e;
                }
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                try {
                    return seen(super.read(b, off, len));
                } catch (IOException e) {
                    closed.countDown();
                    throw e;
                }
            }

            private int seen(int n) {
                if (n < 0) {
                    closed.countDown();
                }
                return n;
            }
        };
    }
}

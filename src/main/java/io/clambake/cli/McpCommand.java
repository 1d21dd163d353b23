package io.clambake.cli;

import io.clambake.claude.ClaudeCodeProcess;
import io.clambake.mcp.ToolServer;
import java.io.PrintStream;
import java.util.UUID;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(
        name = "mcp",
        description = {
            "Serve the verbs as MCP tools over stdio (Claude Code starts it from .mcp.json).",
            "The server process is one instance: registered when it starts, deregistered when it exits.",
            "Started by Claude Code (CLAUDE_CODE_SESSION_ID set), it joins that session's instance."
        })
final class McpCommand extends Verb {
    @Mixin
    DatabaseOptions database;

    @Mixin
    RegistrationOptions registration;

    /** stdout carries the MCP protocol only. */
    @Override
    boolean takesJson() {
        return false;
    }

    @Override
    protected int run(Session session) throws Exception {
        var request = session.agentSession(
                "mcp-" + UUID.randomUUID(),
                session.registrableOption(registration.dir),
                registration.project,
                registration.name(),
                ClaudeCodeProcess.ofMcpServer(environment()));
        // stdout carries the protocol and nothing else: anything a library prints goes to stderr.
        PrintStream protocol = System.out;
        System.setOut(System.err);
        ToolServer server = new ToolServer(
                environment(),
                session.settings(),
                request,
                spec.commandLine().getErr(),
                CommandRunner.verbs(environment(), ToolServer.VERBS),
                CommandRunner::new);
        return server.serve(environment().stdin(), protocol);
    }
}

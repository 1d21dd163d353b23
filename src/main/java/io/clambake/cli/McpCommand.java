package io.clambake.cli;

import io.clambake.config.ProjectNames;
import io.clambake.db.AgentSessionDao;
import io.clambake.domain.Rules;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.UUID;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "mcp", description = {
    "Serve the verbs as MCP tools over stdio (Claude Code starts it from .mcp.json).",
    "The server process is one instance: registered when it starts, deregistered when it exits."})
final class McpCommand extends Verb {
    @Option(names = "--project", paramLabel = "P", description = "Project to register (default: the git repository's name).")
    String project;

    @Option(names = "--dir", paramLabel = "D", description = "Working directory to register (default: current).")
    String dir;

    @Option(names = "--name", paramLabel = "N", description = "Ask for this name instead of a generated one.")
    String name;

    @Override
    protected int run(Session session) throws Exception {
        if (name != null) {
            Rules.name(name);
        }
        Path directory = session.directory(dir);
        String projectName = Rules.project(project != null ? project : ProjectNames.guess(directory));
        Long pid = ProcessHandle.current().parent().map(ProcessHandle::pid).orElse(null);
        var request = new AgentSessionDao.Request("mcp-" + UUID.randomUUID(), session.env().host(),
                directory.toString(), projectName, pid, name);
        // stdout carries the protocol and nothing else: anything a library prints goes to stderr.
        PrintStream protocol = System.out;
        System.setOut(System.err);
        return new ToolServer(environment(), session.settings(), request, spec.commandLine().getErr())
                .serve(environment().stdin(), protocol);
    }
}

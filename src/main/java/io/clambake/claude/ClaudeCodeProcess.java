package io.clambake.claude;

import io.clambake.config.Environment;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Set;

/**
 * The Claude Code session a hook or an MCP server runs for: the session id it was given and
 * Claude Code's pid. Hooks and the MCP server of one session share the id at first; after
 * /clear the hooks get a new one while the server keeps its own, and only the pid still ties
 * them. Both fields are null when Claude Code did not start the process.
 */
public record ClaudeCodeProcess(String sessionId, Long pid) {
    private static final Set<String> SHELLS = Set.of("sh", "bash", "dash", "zsh", "ksh", "fish", "busybox");
    private static final int MAX_WRAPPERS = 3;

    /** A hook: the session id of its input; Claude Code's pid from CLAUDE_PID. */
    public static ClaudeCodeProcess ofHook(String sessionId, Environment env) {
        return new ClaudeCodeProcess(sessionId, number(env.get("CLAUDE_PID")));
    }

    /**
     * An MCP server: CLAUDE_CODE_SESSION_ID, which Claude Code sets for the servers it starts,
     * and its parent, Claude Code, past any shell that wrapped the command (as bin/clambake
     * does on the run that makes its class archive).
     */
    public static ClaudeCodeProcess ofMcpServer(Environment env) {
        String session = env.get("CLAUDE_CODE_SESSION_ID");
        if (session == null) {
            return new ClaudeCodeProcess(null, null);
        }
        Optional<ProcessHandle> parent = ProcessHandle.current().parent();
        for (int i = 0; i < MAX_WRAPPERS && parent.isPresent() && isShell(parent.get()); i++) {
            parent = parent.get().parent();
        }
        return new ClaudeCodeProcess(session, parent.map(ProcessHandle::pid).orElse(null));
    }

    private static boolean isShell(ProcessHandle process) {
        return process.info()
                .command()
                .map(command -> SHELLS.contains(Path.of(command).getFileName().toString()))
                .orElse(false);
    }

    private static Long number(String text) {
        try {
            return text == null ? null : Long.valueOf(text.trim());
        } catch (NumberFormatException e) {
            return null;
        }
    }
}

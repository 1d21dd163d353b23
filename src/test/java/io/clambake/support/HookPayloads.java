package io.clambake.support;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * Claude Code hook inputs as the hooks reference documents them (src/test/resources/claude-code),
 * with the session id and working directory of the session a test plays.
 */
public final class HookPayloads {
    private static final String RECORDED_SESSION = "0b5c6f1e-8d3a-4c2e-9f6b-2a7d1e4c9b10";
    private static final String RECORDED_CWD = "/home/dev/shop";

    private HookPayloads() {}

    /** {@code name}: session-start, session-start-compact, user-prompt-submit, post-tool-use, ... */
    public static String payload(String name, String sessionId, String cwd) {
        try (InputStream in = HookPayloads.class.getResourceAsStream("/claude-code/" + name + ".json")) {
            if (in == null) {
                throw new IllegalArgumentException("no recorded payload " + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8)
                    .replace(RECORDED_SESSION, sessionId)
                    .replace(RECORDED_CWD, cwd);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

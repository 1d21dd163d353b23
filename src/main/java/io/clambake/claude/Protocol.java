package io.clambake.claude;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The session protocol as agents under Claude Code get it, from one text (protocol.md beside this
 * class): whole in CLAUDE.md's Clambake section and in the MCP server's instructions, and its
 * list of duties in the SessionStart briefing.
 */
public final class Protocol {
    private static final String DUTIES_HEADING = "What is left to you";

    private Protocol() {}

    /** The whole protocol, Markdown. */
    public static String text() {
        try (InputStream in = Protocol.class.getResourceAsStream("protocol.md")) {
            if (in == null) {
                throw new IllegalStateException("protocol.md is missing from the jar");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The duties left to the agent, one line each: the items of the list after "What is left to you". */
    public static List<String> duties() {
        List<String> duties = new ArrayList<>();
        boolean inList = false;
        for (String line : text().split("\n")) {
            if (line.startsWith(DUTIES_HEADING)) {
                inList = true;
            } else if (inList && line.startsWith("- ")) {
                duties.add(line.substring(2).strip());
            } else if (inList && line.startsWith("  ") && !duties.isEmpty()) {
                duties.set(duties.size() - 1, duties.get(duties.size() - 1) + " " + line.strip());
            } else if (inList && !line.isBlank()) {
                break;
            }
        }
        return duties;
    }
}

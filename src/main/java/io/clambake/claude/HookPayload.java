package io.clambake.claude;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.io.JsonEOFException;
import java.io.CharConversionException;
import java.io.IOException;
import java.io.InputStream;
import java.util.HashMap;
import java.util.Map;

/**
 * The fields of a Claude Code hook input that Clambake uses. Read with the streaming parser:
 * hooks run on every tool call, and a data-binding mapper would cost more than the hook's work.
 * Other fields (tool_input, tool_response, which can be large) are skipped, never built.
 */
public record HookPayload(
        String event, String sessionId, String cwd, String source, String reason, String toolName, String filePath) {

    /** Reads the payload; an IOException's message says in one line what is wrong with the input. */
    public static HookPayload read(InputStream in) throws IOException {
        Map<String, String> fields = new HashMap<>();
        try (JsonParser parser = new JsonFactory().createParser(in)) {
            JsonToken first = parser.nextToken();
            if (first == null) {
                throw new IOException("the hook input on stdin is empty (Claude Code sends a JSON object)");
            }
            if (first != JsonToken.START_OBJECT) {
                throw new IOException("the hook input on stdin is not a JSON object");
            }
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String name = parser.currentName();
                JsonToken value = parser.nextToken();
                if (value == JsonToken.VALUE_STRING) {
                    fields.put(name, parser.getText());
                } else if (value == JsonToken.START_OBJECT && name.equals("tool_input")) {
                    // Only the edited file's path: the rest (old and new text) is skipped unread.
                    while (parser.nextToken() == JsonToken.FIELD_NAME) {
                        String field = parser.currentName();
                        if (parser.nextToken() == JsonToken.VALUE_STRING
                                && (field.equals("file_path") || field.equals("notebook_path"))) {
                            fields.put("tool_input." + field, parser.getText());
                        } else {
                            parser.skipChildren();
                        }
                    }
                } else {
                    parser.skipChildren();
                }
            }
        } catch (JsonProcessingException e) {
            throw new IOException(describe(e), e);
        } catch (CharConversionException e) {
            throw new IOException("the hook input on stdin is not valid UTF-8", e);
        }
        String event = fields.get("hook_event_name");
        if (event == null) {
            throw new IOException("the hook input on stdin has no hook_event_name");
        }
        String file = fields.getOrDefault("tool_input.file_path", fields.get("tool_input.notebook_path"));
        return new HookPayload(
                event,
                fields.get("session_id"),
                fields.get("cwd"),
                fields.get("source"),
                fields.get("reason"),
                fields.get("tool_name"),
                file);
    }

    private static String describe(JsonProcessingException e) {
        if (String.valueOf(e.getOriginalMessage()).contains("UTF-8")) {
            return "the hook input on stdin is not valid UTF-8";
        }
        JsonLocation at = e.getLocation();
        return "the hook input on stdin is not valid JSON ("
                + JsonProblem.describe(
                        e.getOriginalMessage(),
                        at == null ? 0 : at.getLineNr(),
                        at == null ? 0 : at.getColumnNr(),
                        e instanceof JsonEOFException)
                + ")";
    }

    /**
     * Resume and compaction continue a conversation; startup and clear begin one, and so does
     * fork: a forked session has a session id of its own and is registered and briefed afresh.
     */
    public boolean continuesConversation() {
        return "resume".equals(source) || "compact".equals(source);
    }
}

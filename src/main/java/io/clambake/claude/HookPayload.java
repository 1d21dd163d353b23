package io.clambake.claude;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.io.InputStream;
import java.util.HashMap;
import java.util.Map;

/**
 * The fields of a Claude Code hook input that Clambake uses. Read with the streaming parser:
 * hooks run on every tool call, and a data-binding mapper would cost more than the hook's work.
 * Other fields (tool_input, tool_response, which can be large) are skipped, never built.
 */
public record HookPayload(String event, String sessionId, String cwd, String source, String reason) {

    public static HookPayload read(InputStream in) throws IOException {
        Map<String, String> fields = new HashMap<>();
        try (JsonParser parser = new JsonFactory().createParser(in)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                throw new IOException("hook input is not a JSON object");
            }
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String name = parser.currentName();
                if (parser.nextToken() == JsonToken.VALUE_STRING) {
                    fields.put(name, parser.getText());
                } else {
                    parser.skipChildren();
                }
            }
        }
        String event = fields.get("hook_event_name");
        if (event == null) {
            throw new IOException("hook input has no hook_event_name");
        }
        return new HookPayload(
                event, fields.get("session_id"), fields.get("cwd"), fields.get("source"), fields.get("reason"));
    }

    /** Resume and compaction continue a conversation; startup and clear begin one. */
    public boolean continuesConversation() {
        return "resume".equals(source) || "compact".equals(source);
    }
}

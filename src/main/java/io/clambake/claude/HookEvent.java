package io.clambake.claude;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The Claude Code hook events Clambake handles: {@code init} installs a hook for each, and
 * {@code hook} dispatches on them, so a new event is one entry here and its handler.
 */
public enum HookEvent {
    SESSION_START("SessionStart"),
    USER_PROMPT_SUBMIT("UserPromptSubmit"),
    POST_TOOL_USE("PostToolUse"),
    SESSION_END("SessionEnd");

    private final String label;

    HookEvent(String label) {
        this.label = label;
    }

    /** The event's name in Claude Code's settings and hook input. */
    public String label() {
        return label;
    }

    public static Optional<HookEvent> of(String label) {
        for (HookEvent event : values()) {
            if (event.label.equals(label)) {
                return Optional.of(event);
            }
        }
        return Optional.empty();
    }

    /** The hook's answer that adds {@code text} to the agent's context. */
    public Map<String, Object> context(String text) {
        Map<String, Object> output = new LinkedHashMap<>();
        output.put("hookEventName", label);
        output.put("additionalContext", text);
        return Map.of("hookSpecificOutput", output);
    }
}

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
    /**
     * Before a file edit: denies one under another live instance's exclusive lease, warns of
     * another's recent edit. MultiEdit is gone from current Claude Code; older clients have it.
     */
    PRE_TOOL_USE("PreToolUse", "Edit|Write|NotebookEdit|MultiEdit"),
    POST_TOOL_USE("PostToolUse"),
    SESSION_END("SessionEnd"),
    /**
     * The agent finished a turn: in the background ({@code asyncRewake}) the hook waits for mail
     * that should wake it, and exits 2 with a reminder on stderr when some comes. Claude Code
     * kills it after an hour; its own wait ({@code hook --stop-wait}) ends sooner.
     */
    STOP("Stop", null, 3600, true);

    /** Claude Code kills a hook after this long; Clambake's own bounds end it much sooner. */
    static final int TIMEOUT_SECONDS = 10;

    private final String label;
    private final String matcher;
    private final int timeoutSeconds;
    private final boolean rewakes;

    HookEvent(String label) {
        this(label, null, TIMEOUT_SECONDS, false);
    }

    HookEvent(String label, String matcher) {
        this(label, matcher, TIMEOUT_SECONDS, false);
    }

    HookEvent(String label, String matcher, int timeoutSeconds, boolean rewakes) {
        this.label = label;
        this.matcher = matcher;
        this.timeoutSeconds = timeoutSeconds;
        this.rewakes = rewakes;
    }

    /** The event's name in Claude Code's settings and hook input. */
    public String label() {
        return label;
    }

    /** The tools whose calls fire the hook ({@code "matcher"} in settings), or null for every firing. */
    public String matcher() {
        return matcher;
    }

    public int timeoutSeconds() {
        return timeoutSeconds;
    }

    /** Whether the hook runs in the background and wakes the agent when it exits 2 ({@code asyncRewake}). */
    public boolean rewakes() {
        return rewakes;
    }

    public static Optional<HookEvent> of(String label) {
        for (HookEvent event : values()) {
            if (event.label.equals(label)) {
                return Optional.of(event);
            }
        }
        return Optional.empty();
    }

    /** The file-editing tools: PreToolUse checks their calls, PostToolUse records their edits. */
    public static boolean editsFiles(String toolName) {
        return toolName != null && toolName.matches(PRE_TOOL_USE.matcher);
    }

    /**
     * PreToolUse's refusal of the tool call, with the reason the model is shown. Clambake never
     * answers "allow": where it has nothing to say, Claude Code's own permissions decide.
     */
    public static Map<String, Object> deny(String reason) {
        Map<String, Object> output = new LinkedHashMap<>();
        output.put("hookEventName", PRE_TOOL_USE.label);
        output.put("permissionDecision", "deny");
        output.put("permissionDecisionReason", reason);
        return Map.of("hookSpecificOutput", output);
    }

    /** The hook's answer that adds {@code text} to the agent's context. */
    public Map<String, Object> context(String text) {
        Map<String, Object> output = new LinkedHashMap<>();
        output.put("hookEventName", label);
        output.put("additionalContext", text);
        return Map.of("hookSpecificOutput", output);
    }
}

package io.clambake.domain;

public enum MessageType {
    INFO,
    WARNING,
    BLOCKER,
    REQUEST,
    DONE;

    public String label() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    public static MessageType parse(String text) {
        for (MessageType type : values()) {
            if (type.label().equals(text)) {
                return type;
            }
        }
        throw ClambakeException.invalid(
                "unknown message type '" + text + "' (expected info, warning, blocker, request or done)");
    }
}

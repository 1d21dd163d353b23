package io.clambake.domain;

public enum MemoryStatus {
    ACTIVE,
    RESOLVED,
    OBSOLETE;

    public String label() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    public static MemoryStatus parse(String text) {
        for (MemoryStatus status : values()) {
            if (status.label().equals(text)) {
                return status;
            }
        }
        throw ClambakeException.invalid("unknown memory status '" + text + "' (expected active, resolved or obsolete)");
    }
}

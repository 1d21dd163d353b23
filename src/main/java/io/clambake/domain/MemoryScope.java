package io.clambake.domain;

public enum MemoryScope {
    PROJECT,
    GLOBAL;

    public String label() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    public static MemoryScope parse(String text) {
        return "global".equals(text) ? GLOBAL : PROJECT;
    }
}

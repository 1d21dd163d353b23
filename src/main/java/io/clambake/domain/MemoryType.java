package io.clambake.domain;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** Memory types; project knowledge and cross-project (global) knowledge use disjoint sets. */
public enum MemoryType {
    ARCHITECTURE(MemoryScope.PROJECT),
    FEATURE(MemoryScope.PROJECT),
    ISSUE(MemoryScope.PROJECT),
    FIX(MemoryScope.PROJECT),
    DECISION(MemoryScope.PROJECT),
    PATTERN(MemoryScope.PROJECT),
    GOTCHA(MemoryScope.PROJECT),
    UPDATE(MemoryScope.PROJECT),
    INFRASTRUCTURE(MemoryScope.GLOBAL),
    CONVENTION(MemoryScope.GLOBAL),
    TOOL(MemoryScope.GLOBAL),
    PREFERENCE(MemoryScope.GLOBAL),
    CREDENTIAL(MemoryScope.GLOBAL),
    LESSON(MemoryScope.GLOBAL);

    private final MemoryScope scope;

    MemoryType(MemoryScope scope) {
        this.scope = scope;
    }

    public MemoryScope scope() {
        return scope;
    }

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static MemoryType parse(String text, MemoryScope scope) {
        for (MemoryType type : values()) {
            if (type.label().equals(text) && type.scope == scope) {
                return type;
            }
        }
        throw ClambakeException.invalid(
                "unknown " + scope.label() + " memory type '" + text + "' (expected " + labels(scope) + ")");
    }

    public static String labels(MemoryScope scope) {
        return Arrays.stream(values())
                .filter(t -> t.scope == scope)
                .map(MemoryType::label)
                .collect(Collectors.joining(", "));
    }
}

package io.clambake.output;

import java.util.List;

/**
 * A unified diff of two versions of a small file, as one hunk from the first changed line to the
 * last: exact, if not minimal, which is what a preview of a merge needs.
 */
public final class Diff {
    private static final int CONTEXT = 3;

    private Diff() {}

    public static String unified(String path, String before, String after) {
        List<String> a = before == null ? List.of() : before.lines().toList();
        List<String> b = after.lines().toList();
        int prefix = 0;
        while (prefix < a.size() && prefix < b.size() && a.get(prefix).equals(b.get(prefix))) {
            prefix++;
        }
        int suffix = 0;
        while (suffix < a.size() - prefix
                && suffix < b.size() - prefix
                && a.get(a.size() - 1 - suffix).equals(b.get(b.size() - 1 - suffix))) {
            suffix++;
        }
        int start = Math.max(0, prefix - CONTEXT);
        int endA = Math.min(a.size(), a.size() - suffix + CONTEXT);
        int endB = Math.min(b.size(), b.size() - suffix + CONTEXT);
        StringBuilder out = new StringBuilder();
        out.append("--- ").append(before == null ? "/dev/null" : "a/" + path).append('\n');
        out.append("+++ b/").append(path).append('\n');
        out.append("@@ -")
                .append(range(start, endA - start))
                .append(" +")
                .append(range(start, endB - start))
                .append(" @@\n");
        for (int i = start; i < prefix; i++) {
            out.append(' ').append(a.get(i)).append('\n');
        }
        for (int i = prefix; i < a.size() - suffix; i++) {
            out.append('-').append(a.get(i)).append('\n');
        }
        for (int i = prefix; i < b.size() - suffix; i++) {
            out.append('+').append(b.get(i)).append('\n');
        }
        for (int i = a.size() - suffix; i < endA; i++) {
            out.append(' ').append(a.get(i)).append('\n');
        }
        return out.toString();
    }

    private static String range(int start, int length) {
        return length == 0 ? start + ",0" : (start + 1) + "," + length;
    }
}

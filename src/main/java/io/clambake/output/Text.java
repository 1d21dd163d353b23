package io.clambake.output;

import java.io.PrintWriter;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;

/** Plain-text output: short ages, one-line previews, aligned columns. */
public final class Text {
    private Text() {}

    public static String age(OffsetDateTime then, OffsetDateTime now) {
        Duration d = Duration.between(then, now);
        if (d.isNegative() || d.toSeconds() < 5) {
            return "just now";
        }
        return span(d) + " ago";
    }

    public static String span(Duration d) {
        long s = Math.max(0, d.toSeconds());
        if (s < 60) {
            return s + "s";
        }
        if (s < 3600) {
            return s / 60 + "m";
        }
        if (s < 172_800) {
            return s / 3600 + "h";
        }
        return s / 86_400 + "d";
    }

    /** Whitespace folded to single spaces, cut to {@code max} characters with an ellipsis. */
    public static String oneLine(String text, int max) {
        if (text == null) {
            return "";
        }
        String folded = text.strip().replaceAll("\\s+", " ");
        return folded.length() <= max ? folded : folded.substring(0, Math.max(0, max - 1)) + "…";
    }

    /** Columns separated by two spaces; the last column is never padded. */
    public static final class Table {
        private final List<String[]> rows = new ArrayList<>();

        public Table row(String... cells) {
            rows.add(cells);
            return this;
        }

        public void print(PrintWriter out) {
            int columns = rows.stream().mapToInt(r -> r.length).max().orElse(0);
            int[] widths = new int[columns];
            for (String[] row : rows) {
                for (int c = 0; c < row.length; c++) {
                    widths[c] = Math.max(widths[c], row[c].length());
                }
            }
            for (String[] row : rows) {
                StringBuilder line = new StringBuilder();
                for (int c = 0; c < row.length; c++) {
                    line.append(c == row.length - 1 ? row[c] : pad(row[c], widths[c] + 2));
                }
                out.println(line.toString().stripTrailing());
            }
        }

        private static String pad(String cell, int width) {
            return cell + " ".repeat(width - cell.length());
        }
    }
}

package io.clambake.output;

import io.clambake.domain.Rules;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.Writer;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Plain-text output: short ages, one-line previews, aligned columns, and the one rule for stored
 * text, which may hold anything another client wrote: print it through {@link #line},
 * {@link #oneLine}, {@link #block} or a {@link Table}, so that no control character reaches a
 * terminal or an agent's context raw (ESC shows as {@code \x1b}, U+202E as {@code \u202e}).
 * {@link #writer} applies {@link #block} to everything a verb prints as text.
 */
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

    /** How a message's sender is named to its reader: the overseer as the person it is. */
    public static String sender(String name) {
        return Rules.OVERSEER.equals(name) ? "the human" : name;
    }

    /** A stored one-line field shown whole: every control character escaped, newlines and tabs too. */
    public static String line(String text) {
        return text == null ? "" : escape(text, false);
    }

    /** Text that may span lines (a body, a memory's content): newlines and tabs kept, the rest escaped. */
    public static String block(String text) {
        return text == null ? "" : escape(text, true);
    }

    /** Whitespace folded to single spaces, control characters escaped, cut to {@code max} characters with an ellipsis. */
    public static String oneLine(String text, int max) {
        if (text == null) {
            return "";
        }
        return cut(line(text.strip().replaceAll("\\s+", " ")), max);
    }

    /** At most {@code max} characters (code points, never half of one), the last an ellipsis when cut. */
    public static String cut(String text, int max) {
        if (text.codePointCount(0, text.length()) <= max) {
            return text;
        }
        return text.substring(0, text.offsetByCodePoints(0, Math.max(0, max - 1))) + "…";
    }

    /**
     * A writer that prints what it is given as {@link #block} shows it; a carriage return is kept
     * only where it ends a line ({@code \r\n}). Writes through at once, so it mixes safely with
     * writes to {@code target}; {@link PrintWriter#close()} flushes without closing {@code target}.
     */
    public static PrintWriter writer(Writer target) {
        return new PrintWriter(new EscapingWriter(target));
    }

    private static String escape(String text, boolean keepLines) {
        StringBuilder out = null;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            boolean kept = !Rules.isControl(c)
                    || (keepLines && (c == '\n' || c == '\t'))
                    || (keepLines && c == '\r' && i + 1 < text.length() && text.charAt(i + 1) == '\n');
            if (kept) {
                if (out != null) {
                    out.append(c);
                }
            } else {
                if (out == null) {
                    out = new StringBuilder(text.length() + 16).append(text, 0, i);
                }
                out.append(escaped(c));
            }
        }
        return out == null ? text : out.toString();
    }

    private static String escaped(char c) {
        return c <= 0xff
                ? String.format(Locale.ROOT, "\\x%02x", (int) c)
                : String.format(Locale.ROOT, "\\u%04x", (int) c);
    }

    private static final class EscapingWriter extends Writer {
        private final Writer target;
        private boolean pendingReturn;

        EscapingWriter(Writer target) {
            this.target = target;
        }

        @Override
        public void write(char[] buffer, int offset, int length) throws IOException {
            StringBuilder out = new StringBuilder(length + 8);
            for (int i = offset; i < offset + length; i++) {
                char c = buffer[i];
                if (pendingReturn) {
                    pendingReturn = false;
                    out.append(c == '\n' ? "\r" : escaped('\r'));
                }
                if (c == '\r') {
                    pendingReturn = true;
                } else if (c == '\n' || c == '\t' || !Rules.isControl(c)) {
                    out.append(c);
                } else {
                    out.append(escaped(c));
                }
            }
            target.write(out.toString());
        }

        @Override
        public void flush() throws IOException {
            target.flush();
        }

        @Override
        public void close() throws IOException {
            if (pendingReturn) {
                pendingReturn = false;
                target.write(escaped('\r'));
            }
            target.flush();
        }
    }

    /** Columns separated by two spaces; the last column is never padded. Cells are stored text, escaped. */
    public static final class Table {
        private final List<String[]> rows = new ArrayList<>();

        public Table row(String... cells) {
            String[] safe = new String[cells.length];
            for (int c = 0; c < cells.length; c++) {
                safe[c] = line(cells[c]);
            }
            rows.add(safe);
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

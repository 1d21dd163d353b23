package io.clambake.domain;

import java.time.Duration;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Input rules shared by every verb and every MCP tool; the schema's CHECK constraints enforce
 * the same limits. Lengths are counted in characters (Unicode code points), as PostgreSQL's
 * {@code length()} counts them, not in Java's UTF-16 units.
 */
public final class Rules {
    public static final int MAX_SUBJECT = 200;
    public static final int MAX_TITLE = 200;
    public static final int MAX_TEXT = 65_536;
    public static final int MAX_TASK = 500;
    public static final int MAX_ACTION = 100;
    public static final int MAX_SUMMARY = 2_000;
    public static final int MAX_IDEMPOTENCY_KEY = 200;

    /** How long a message lives: {@code send --ttl}. */
    public static final DurationRange TTL = new DurationRange(Duration.ofSeconds(1), Duration.ofDays(365));
    /**
     * When an unseen instance counts as stale ({@code status} and {@code cleanup --stale-after}).
     * The floor stays well above the MCP server's 5-minute heartbeat, so that a quiet but open
     * session is never removed by a short threshold.
     */
    public static final DurationRange STALE_AFTER = new DurationRange(Duration.ofMinutes(10), Duration.ofDays(365));
    /** How often a hook looks for new messages after tool calls; 0s looks after every call. */
    public static final DurationRange TOOL_INTERVAL = new DurationRange(Duration.ZERO, Duration.ofHours(1));
    /** {@code lease --ttl}: at least a second, at most a working day; renew a longer lease. */
    public static final DurationRange LEASE_TTL = new DurationRange(Duration.ofSeconds(1), Duration.ofHours(24));
    /** {@code lease --wait}. */
    public static final DurationRange LEASE_WAIT = new DurationRange(Duration.ZERO, Duration.ofHours(1));
    /** {@code hook --edit-window}: how recent another instance's edit must be to be worth a warning. */
    public static final DurationRange EDIT_WINDOW = new DurationRange(Duration.ZERO, Duration.ofHours(24));

    public static final int MAX_REASON = 500;
    /** How long {@code inbox --wait} and {@code read --next --wait} wait for mail. */
    public static final DurationRange WAIT = new DurationRange(Duration.ZERO, Duration.ofDays(1));
    /**
     * How long a Stop hook waits for mail that should wake its agent ({@code hook --stop-wait});
     * Claude Code kills the hook at its timeout, an hour (HookEvent).
     */
    public static final DurationRange STOP_WAIT = new DurationRange(Duration.ZERO, Duration.ofMinutes(55));
    /** How long the resident process waits for a command before it exits. */
    public static final DurationRange RESIDENT_IDLE = new DurationRange(Duration.ofSeconds(1), Duration.ofDays(7));
    /**
     * The instance name of the human overseer, who speaks through {@code clambake web}: agents
     * send to it by this name, and no agent may take it.
     */
    public static final String OVERSEER = "human";

    private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9._-]{0,39}");
    private static final Pattern PROJECT = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");
    private static final Pattern DURATION = Pattern.compile("(\\d{1,9})([smhd])");

    private Rules() {}

    /** The range a duration option accepts, both ends included. */
    public record DurationRange(Duration min, Duration max) {
        public boolean contains(Duration d) {
            return d.compareTo(min) >= 0 && d.compareTo(max) <= 0;
        }

        /** As the help and README write it: {@code 1s to 365d}. */
        @Override
        public String toString() {
            return shortForm(min) + " to " + shortForm(max);
        }
    }

    public static String name(String name) {
        if (name == null || !NAME.matcher(name).matches()) {
            throw ClambakeException.invalid(
                    "invalid instance name '" + name
                            + "' (1-40 characters: lower-case letters, digits, '.', '_' or '-', starting with a letter or digit)");
        }
        return name;
    }

    /** A name an agent may register under: any valid name but the overseer's. */
    public static String agentName(String name) {
        if (OVERSEER.equals(name(name))) {
            throw ClambakeException.invalid("the name '" + OVERSEER + "' is reserved for the human overseer");
        }
        return name;
    }

    public static String project(String project) {
        if (project == null || !PROJECT.matcher(project).matches()) {
            throw ClambakeException.invalid("invalid project name '" + project
                    + "' (1-64 characters: letters, digits, '.', '_' or '-', starting with a letter or digit)");
        }
        return project;
    }

    /** A stored id: ids are positive. */
    public static long id(String what, long id) {
        if (id < 1) {
            throw ClambakeException.invalid(what + " must be a positive number (got " + id + ")");
        }
        return id;
    }

    /**
     * A required one-line text (a subject, title, action, summary; any future reason or target):
     * not blank, at most {@code max} characters, no control character (see {@link #isControl}).
     */
    public static String line(String what, String value, int max) {
        requireNonBlank(what, value);
        return optionalLine(what, value, max);
    }

    /** As {@link #line}, but null and blank pass (a task that clears). */
    public static String optionalLine(String what, String value, int max) {
        optionalText(what, value, max);
        if (value != null) {
            int at = firstControl(value);
            if (at >= 0) {
                throw ClambakeException.invalid(what + " holds a control character ("
                        + codePoint(value.codePointAt(at)) + " at character " + (characters(value, at) + 1)
                        + "); it must be one line");
            }
        }
        return value;
    }

    /** A required text that may span lines (a body, a memory's content): not blank, at most {@code max}, no NUL. */
    public static String text(String what, String value, int max) {
        requireNonBlank(what, value);
        return optionalText(what, value, max);
    }

    /** As {@link #text}, but null and blank pass. */
    public static String optionalText(String what, String value, int max) {
        if (value == null) {
            return null;
        }
        int length = characters(value, value.length());
        if (length > max) {
            throw ClambakeException.invalid(what + " is " + length + " characters; the limit is " + max);
        }
        return noNul(what, value);
    }

    /** PostgreSQL cannot store U+0000 in text; it is refused before it reaches the database. */
    public static String noNul(String what, String value) {
        int at = value == null ? -1 : value.indexOf('\0');
        if (at >= 0) {
            throw ClambakeException.invalid(
                    what + " holds a NUL character (at character " + (characters(value, at) + 1) + ")");
        }
        return value;
    }

    /**
     * Characters that no one-line field may hold and that text output never prints raw: C0 controls
     * (newline and tab included), DEL, C1 controls, the line and paragraph separators, and the bidi
     * embedding, override and isolate controls that can make text read differently from what it
     * is ("Trojan source").
     */
    public static boolean isControl(int c) {
        return c < 0x20
                || (c >= 0x7f && c <= 0x9f)
                || c == 0x2028
                || c == 0x2029
                || (c >= 0x202a && c <= 0x202e)
                || (c >= 0x2066 && c <= 0x2069);
    }

    /** Characters (code points) in the first {@code end} UTF-16 units of {@code value}. */
    public static int characters(String value, int end) {
        return value.codePointCount(0, end);
    }

    /**
     * Parses {@code 90s}, {@code 30m}, {@code 2h}, {@code 7d} (or ISO-8601 such as {@code PT2H})
     * and checks it against the option's range.
     */
    public static Duration duration(String what, String text, DurationRange range) {
        Matcher m = DURATION.matcher(text.trim().toLowerCase(Locale.ROOT));
        Duration duration;
        try {
            if (m.matches()) {
                long n = Long.parseLong(m.group(1));
                duration = switch (m.group(2)) {
                    case "s" -> Duration.ofSeconds(n);
                    case "m" -> Duration.ofMinutes(n);
                    case "h" -> Duration.ofHours(n);
                    default -> Duration.ofDays(n);
                };
            } else {
                duration = Duration.parse(text.trim().toUpperCase(Locale.ROOT));
            }
        } catch (RuntimeException e) {
            throw ClambakeException.invalid(what + " '" + text + "' is not a duration (e.g. 90s, 30m, 2h, 7d)");
        }
        if (!range.contains(duration)) {
            throw ClambakeException.invalid(what + " " + text.strip() + " is out of range: " + range);
        }
        return duration;
    }

    private static void requireNonBlank(String what, String value) {
        if (value == null || value.isBlank()) {
            throw ClambakeException.invalid(what + " must not be empty");
        }
    }

    /** The index of the first control character, or -1. */
    private static int firstControl(String value) {
        for (int i = 0; i < value.length(); i++) {
            if (isControl(value.charAt(i))) {
                return i;
            }
        }
        return -1;
    }

    private static String codePoint(int c) {
        return String.format(Locale.ROOT, "U+%04X", c);
    }

    private static String shortForm(Duration d) {
        long s = d.toSeconds();
        if (s % 86_400 == 0 && s > 0) {
            return s / 86_400 + "d";
        }
        if (s % 3600 == 0 && s > 0) {
            return s / 3600 + "h";
        }
        if (s % 60 == 0 && s > 0) {
            return s / 60 + "m";
        }
        return s + "s";
    }
}

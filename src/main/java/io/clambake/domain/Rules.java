package io.clambake.domain;

import java.time.Duration;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Input rules shared by every verb; the schema's CHECK constraints enforce the same limits. */
public final class Rules {
    public static final int MAX_SUBJECT = 200;
    public static final int MAX_TITLE = 200;
    public static final int MAX_TEXT = 65_536;
    public static final int MAX_TASK = 500;
    public static final int MAX_ACTION = 100;
    public static final int MAX_SUMMARY = 2_000;

    private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9._-]{0,39}");
    private static final Pattern PROJECT = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");
    private static final Pattern DURATION = Pattern.compile("(\\d{1,9})([smhd])");

    private Rules() {}

    public static String name(String name) {
        if (name == null || !NAME.matcher(name).matches()) {
            throw ClambakeException.invalid(
                    "invalid instance name '" + name
                            + "' (1-40 characters: lower-case letters, digits, '.', '_' or '-', starting with a letter or digit)");
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

    /** Checks a required text: not blank, at most {@code max} characters. */
    public static String text(String what, String value, int max) {
        if (value == null || value.isBlank()) {
            throw ClambakeException.invalid(what + " must not be empty");
        }
        return optionalText(what, value, max);
    }

    public static String optionalText(String what, String value, int max) {
        if (value != null && value.length() > max) {
            throw ClambakeException.invalid(what + " is " + value.length() + " characters; the limit is " + max);
        }
        return value;
    }

    /** Parses {@code 90s}, {@code 30m}, {@code 2h}, {@code 7d} (or ISO-8601 such as {@code PT2H}). */
    public static Duration duration(String what, String text) {
        Matcher m = DURATION.matcher(text.trim().toLowerCase(Locale.ROOT));
        Duration duration;
        if (m.matches()) {
            long n = Long.parseLong(m.group(1));
            duration = switch (m.group(2)) {
                case "s" -> Duration.ofSeconds(n);
                case "m" -> Duration.ofMinutes(n);
                case "h" -> Duration.ofHours(n);
                default -> Duration.ofDays(n);
            };
        } else {
            try {
                duration = Duration.parse(text.trim().toUpperCase(Locale.ROOT));
            } catch (RuntimeException e) {
                throw ClambakeException.invalid(what + " '" + text + "' is not a duration (e.g. 90s, 30m, 2h, 7d)");
            }
        }
        if (duration.isNegative() || duration.isZero()) {
            throw ClambakeException.invalid(what + " must be positive");
        }
        return duration;
    }
}

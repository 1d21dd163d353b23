package io.clambake.claude;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A JSON parser's complaint in plain words with where it is, for a person fixing a file by hand:
 * "line 3, column 5: unexpected '}' where a property name in double quotes should be". Works from
 * the parser's message, so Jackson 2 (hook input) and Jackson 3 (init's files) read alike.
 */
final class JsonProblem {
    private static final Pattern FOUND = Pattern.compile(
            "^(?:Unrecognized token '(.*?)'|Unexpected character \\('(.*?)' \\(code|Unexpected close marker '(.)')");
    private static final Pattern EXPECTED_CHARACTER = Pattern.compile("expected '(.)'");
    private static final int SHOWN = 20;

    private JsonProblem() {}

    /** {@code line} and {@code column} count from 1; 0 or less when the parser did not say. */
    static String describe(String parserMessage, int line, int column, boolean endOfInput) {
        String where = line > 0 ? "line " + line + (column > 0 ? ", column " + column : "") + ": " : "";
        String message = parserMessage == null ? "" : parserMessage;
        if (endOfInput) {
            return where + "the text ends before the JSON does (a closing '\"', '}' or ']' is missing)";
        }
        if (message.startsWith("Trailing token")) {
            return where + "more text after the end of the JSON value";
        }
        if (message.startsWith("Illegal unquoted character")) {
            return where + "a control character inside a string (write it as an escape such as \\n)";
        }
        if (message.startsWith("Invalid numeric value")) {
            return where + "a malformed number";
        }
        Matcher found = FOUND.matcher(message);
        if (!found.find()) {
            return where + "not valid JSON";
        }
        String token =
                found.group(1) != null ? found.group(1) : found.group(2) != null ? found.group(2) : found.group(3);
        String expected = expected(message);
        return where + "unexpected '" + printable(token) + "'"
                + (expected == null ? "" : " where " + expected + " should be");
    }

    private static String expected(String message) {
        if (message.contains("start property name")) {
            return "a property name in double quotes";
        }
        if (message.contains("comma to separate")) {
            return "a comma";
        }
        if (message.contains("colon to separate")) {
            return "a colon";
        }
        if (message.contains("JSON String, Number, Array, Object")) {
            return "a value";
        }
        Matcher character = EXPECTED_CHARACTER.matcher(message);
        return character.find() ? "'" + character.group(1) + "'" : null;
    }

    private static String printable(String token) {
        StringBuilder shown = new StringBuilder();
        token.codePoints().limit(SHOWN).forEach(c -> {
            if (Character.isISOControl(c)) {
                shown.append(String.format("\\u%04x", c));
            } else {
                shown.appendCodePoint(c);
            }
        });
        return token.codePointCount(0, token.length()) > SHOWN ? shown + "…" : shown.toString();
    }
}

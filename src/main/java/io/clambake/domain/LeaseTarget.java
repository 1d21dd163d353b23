package io.clambake.domain;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * What a lease is on: a file or directory ({@code PATH}), a glob ({@code GLOB}) or a named
 * resource ({@code RESOURCE}). Paths and globs are relative to the repository root, with
 * {@code /} between segments; {@code "."} is the whole repository. In a glob, {@code *} and
 * {@code ?} match within one segment and a segment {@code **} matches any number of segments;
 * every other character is literal.
 *
 * <p>The overlap rule, conservative on purpose (two leases that might touch one file conflict):
 * a target's literal part is its path, or a glob's segments before its first segment with a
 * wildcard ({@code ""}, the repository root, for {@code *.sql}). Two file targets overlap when
 * one's literal part is the other's or a directory above it. So {@code src/db/**} overlaps
 * {@code src/db/x.sql}, {@code src/**} and {@code src/*.sql}, and not {@code src/web/**};
 * {@code src/*.sql} overlaps {@code src/app.py} although no file matches both. A resource
 * overlaps only the resource of the same name, never a file.
 *
 * <p>A file is under a lease ({@link #covers}) exactly: it is the leased path or below it, or
 * matches the glob.
 */
public record LeaseTarget(Kind kind, String target, String prefix) {
    public enum Kind {
        PATH("path"),
        GLOB("glob"),
        RESOURCE("resource");

        private final String label;

        Kind(String label) {
            this.label = label;
        }

        public String label() {
            return label;
        }

        public static Kind of(String label) {
            for (Kind k : values()) {
                if (k.label.equals(label)) {
                    return k;
                }
            }
            throw new IllegalArgumentException("no lease kind " + label);
        }
    }

    public static final int MAX_TARGET = 1024;
    private static final Pattern RESOURCE_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:/-]{0,99}");

    /** A stored target. */
    public static LeaseTarget of(String kind, String target, String prefix) {
        return new LeaseTarget(Kind.of(kind), target, prefix);
    }

    public static LeaseTarget resource(String name) {
        if (name == null || !RESOURCE_NAME.matcher(name).matches()) {
            throw ClambakeException.invalid("--resource '" + name
                    + "' is not a resource name (1-100 of A-Z a-z 0-9 . _ : / -, starting with a letter or digit)");
        }
        return new LeaseTarget(Kind.RESOURCE, name, name);
    }

    /**
     * The target for {@code raw} (a path or glob as the user wrote it, relative to {@code cwd}
     * unless absolute) in the repository at {@code root}; both absolute and normalized, with
     * {@code /} separators. Outside the repository is invalid input.
     */
    public static LeaseTarget file(String raw, String root, String cwd) {
        Rules.line("TARGET", raw, MAX_TARGET);
        String full = raw.startsWith("/") ? raw : cwd + "/" + raw;
        List<String> segments = new ArrayList<>();
        boolean wild = false;
        for (String segment : full.split("/", -1)) {
            if (segment.isEmpty() || segment.equals(".")) {
                continue;
            }
            if (segment.equals("..")) {
                if (wild) {
                    throw ClambakeException.invalid("TARGET '" + raw + "': '..' after a wildcard");
                }
                if (segments.isEmpty()) {
                    throw ClambakeException.invalid("TARGET '" + raw + "' goes above the file-system root");
                }
                segments.remove(segments.size() - 1);
                continue;
            }
            wild |= isWild(segment);
            segments.add(segment);
        }
        List<String> rootSegments =
                List.of(root.split("/")).stream().filter(s -> !s.isEmpty()).toList();
        if (segments.size() < rootSegments.size()
                || !segments.subList(0, rootSegments.size()).equals(rootSegments)) {
            throw ClambakeException.invalid("TARGET '" + raw + "' is outside the repository " + root
                    + " (leases are on files of the repository, or --resource NAME)");
        }
        List<String> inside = segments.subList(rootSegments.size(), segments.size());
        for (String segment : inside) {
            if (segment.contains("**") && !segment.equals("**")) {
                throw ClambakeException.invalid(
                        "TARGET '" + raw + "': '**' must be a whole segment (src/**/x.sql, not src/a**)");
            }
        }
        return relative(inside.isEmpty() ? "." : String.join("/", inside));
    }

    /** A target already relative to the repository root (as stored, or from a hook). */
    public static LeaseTarget relative(String path) {
        List<String> literal = new ArrayList<>();
        boolean glob = false;
        if (!path.equals(".")) {
            for (String segment : path.split("/")) {
                if (isWild(segment)) {
                    glob = true;
                    break;
                }
                literal.add(segment);
            }
        }
        return new LeaseTarget(glob ? Kind.GLOB : Kind.PATH, path, String.join("/", literal));
    }

    private static boolean isWild(String segment) {
        return segment.indexOf('*') >= 0 || segment.indexOf('?') >= 0;
    }

    public boolean isFile() {
        return kind != Kind.RESOURCE;
    }

    /** The rule in the class comment. */
    public boolean overlaps(LeaseTarget other) {
        if (isFile() != other.isFile()) {
            return false;
        }
        if (!isFile()) {
            return target.equals(other.target);
        }
        return within(prefix, other.prefix) || within(other.prefix, prefix);
    }

    /** Whether {@code path} is {@code dir} or below it ({@code ""}: the repository root). */
    public static boolean within(String path, String dir) {
        return dir.isEmpty() || path.equals(dir) || path.startsWith(dir + "/");
    }

    /**
     * The literal parts a lease covering {@code path} can have: the root ({@code ""}), each
     * directory above the path, and the path itself. A lease whose literal part is none of them
     * cannot cover the file, so the checks read only those leases (by equality, through an index).
     */
    public static List<String> ancestors(String path) {
        List<String> parts = new ArrayList<>();
        parts.add("");
        for (int slash = path.indexOf('/'); slash >= 0; slash = path.indexOf('/', slash + 1)) {
            parts.add(path.substring(0, slash));
        }
        parts.add(path);
        return parts;
    }

    /** Whether the file at {@code path} (relative to the repository root) is under this lease. */
    public boolean covers(String path) {
        return switch (kind) {
            case RESOURCE -> false;
            case PATH -> within(path, prefix);
            case GLOB -> globPattern().matcher(path).matches();
        };
    }

    private Pattern globPattern() {
        StringBuilder regex = new StringBuilder();
        String[] segments = target.split("/");
        for (int i = 0; i < segments.length; i++) {
            String segment = segments[i];
            boolean last = i == segments.length - 1;
            if (segment.equals("**")) {
                regex.append(last ? ".*" : "(?:[^/]*/)*");
                continue;
            }
            for (int c = 0; c < segment.length(); c++) {
                char ch = segment.charAt(c);
                if (ch == '*') {
                    regex.append("[^/]*");
                } else if (ch == '?') {
                    regex.append("[^/]");
                } else {
                    regex.append(Pattern.quote(String.valueOf(ch)));
                }
            }
            if (!last) {
                regex.append('/');
            }
        }
        return Pattern.compile(regex.toString());
    }

    /** How the target reads in messages: the path or glob, or {@code resource NAME}. */
    public String label() {
        return kind == Kind.RESOURCE ? "resource " + target : target;
    }
}

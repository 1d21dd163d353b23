package io.clambake;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The packages of src/main depend on each other one way, as README.md's code map says: a new
 * package, or an import against the grain, fails here until the map (and this list) agree.
 */
class PackageDependencyTest {
    private static final Path SOURCES = Path.of("src/main/java/io/clambake");
    private static final Pattern IMPORT =
            Pattern.compile("^import (?:static )?io\\.clambake\\.([a-z]+)\\.", Pattern.MULTILINE);

    /** Package -> the packages it may import. The root package (Main) may import any. */
    private static final Map<String, Set<String>> ALLOWED = Map.ofEntries(
            Map.entry("domain", Set.<String>of()),
            Map.entry("config", Set.<String>of("domain")),
            Map.entry("output", Set.<String>of("domain")),
            Map.entry("run", Set.<String>of("config", "domain")),
            Map.entry("git", Set.<String>of()),
            Map.entry("db", Set.<String>of("config", "domain")),
            Map.entry("embedded", Set.<String>of("config", "domain")),
            Map.entry("claude", Set.<String>of("db", "output", "config", "domain")),
            Map.entry("mcp", Set.<String>of("claude", "run", "db", "output", "config", "domain")),
            Map.entry("daemon", Set.<String>of("run", "db", "output", "config", "domain")),
            Map.entry("web", Set.<String>of("run", "db", "output", "config", "domain")),
            Map.entry(
                    "cli",
                    Set.<String>of(
                            "web",
                            "mcp",
                            "daemon",
                            "claude",
                            "embedded",
                            "git",
                            "run",
                            "db",
                            "output",
                            "config",
                            "domain")));

    /** What the domain must stay free of: it is records and rules only. */
    private static final Pattern DOMAIN_FORBIDDEN =
            Pattern.compile("^import (java\\.sql|picocli|com\\.fasterxml|tools\\.jackson)\\.", Pattern.MULTILINE);

    @Test
    void everyPackageImportsOnlyThePackagesBelowIt() throws IOException {
        List<String> violations = new ArrayList<>();
        for (Path file : javaFiles()) {
            String pkg = packageOf(file);
            if (pkg.isEmpty()) {
                continue;
            }
            Set<String> allowed = ALLOWED.get(pkg);
            if (allowed == null) {
                violations.add(pkg + "/ is not in the code map (README.md) nor in this test");
                continue;
            }
            String source = Files.readString(file);
            Matcher m = IMPORT.matcher(source);
            while (m.find()) {
                String target = m.group(1);
                if (!target.equals(pkg) && !allowed.contains(target)) {
                    violations.add(SOURCES.relativize(file) + " imports " + target + "/");
                }
            }
            if (pkg.equals("domain") && DOMAIN_FORBIDDEN.matcher(source).find()) {
                violations.add(SOURCES.relativize(file) + " imports JDBC, picocli or Jackson into the domain");
            }
        }
        assertEquals(List.of(), violations);
    }

    @Test
    void readmesCodeMapNamesEveryPackage() throws IOException {
        String readme = Files.readString(Path.of("README.md"));
        Set<String> missing = new TreeSet<>();
        for (Path file : javaFiles()) {
            String pkg = packageOf(file);
            if (!pkg.isEmpty() && !readme.contains("| `" + pkg + "/` |")) {
                missing.add(pkg);
            }
        }
        assertTrue(missing.isEmpty(), "README.md's code map has no row for " + missing);
    }

    private static List<Path> javaFiles() throws IOException {
        try (Stream<Path> files = Files.walk(SOURCES)) {
            return files.filter(f -> f.toString().endsWith(".java")).toList();
        }
    }

    private static String packageOf(Path file) {
        Path relative = SOURCES.relativize(file);
        return relative.getNameCount() == 1 ? "" : relative.getName(0).toString();
    }
}

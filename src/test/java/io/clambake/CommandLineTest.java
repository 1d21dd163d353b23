package io.clambake;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.clambake.domain.ExitCode;
import io.clambake.support.Cli;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * How the command line fails before any verb runs: every error is one stderr line and, with
 * --json anywhere in argv, the error document; an option a verb would ignore is refused. None of
 * these reaches a database (the one configured here does not exist).
 */
class CommandLineTest {
    private static final Cli CLI = new Cli(
            Map.of(
                    "CLAMBAKE_DB_URL", "postgresql://clambake@127.0.0.1:1/nowhere?connectRetry=0",
                    "XDG_CONFIG_HOME", "/nonexistent-clambake-test-config"),
            Path.of("/"));

    @Test
    void withJsonAnywhereEveryErrorIsTheErrorDocument() {
        for (List<String> args : List.of(
                List.of("inbox", "--limit", "abc", "--json"),
                List.of("inbox", "--json", "--limit", "abc"),
                List.of("inbox", "--limit=abc", "--json"),
                List.of("read", "abc", "--json"),
                List.of("read", "--json"),
                List.of("send", "--json", "--to", "x"),
                List.of("inbox", "--no-such-option", "--json"),
                List.of("no-such-verb", "--json"),
                List.of("--json"),
                List.of("server", "restart", "--json"),
                List.of("recall", "--project", "p", "--global", "--json"))) {
            Cli.Result r = CLI.run(args.toArray(String[]::new));
            assertEquals(ExitCode.USAGE, r.code(), () -> args + ": " + r);
            assertEquals(1, r.err().lines().count(), () -> args + ": " + r);
            JsonNode error = r.json().get("error");
            assertEquals(ExitCode.USAGE, error.get("exit_code").asInt(), () -> args + ": " + r);
            assertTrue(
                    r.err().strip().endsWith(error.get("message").asText()),
                    () -> args + ": the document repeats the stderr line: " + r);
        }
        Cli.Result text = CLI.run("inbox", "--limit", "abc");
        assertEquals(ExitCode.USAGE, text.code());
        assertEquals("", text.out(), "no document without --json");
        assertEquals(
                "clambake inbox: Invalid value for option '--limit': 'abc' is not an int"
                        + " (see 'clambake inbox --help')\n",
                text.err());
    }

    @Test
    void optionsAVerbWouldIgnoreAreRefused() {
        for (List<String> args : List.of(
                List.of("init", "--db-url", "garbage"),
                List.of("init", "--as", "nobody"),
                List.of("server", "status", "--as", "ghost"),
                List.of("register", "--project", "p", "--as", "ghost"),
                List.of("mcp", "--as", "ghost"),
                List.of("hook", "--as", "ghost"),
                List.of("hook", "--json"),
                List.of("mcp", "--json"),
                List.of("init", "--global", "--dir", "/tmp"),
                List.of("init", "--global", "--dir", "/tmp", "--json"))) {
            Cli.Result r = CLI.run(args.toArray(String[]::new));
            assertEquals(ExitCode.USAGE, r.code(), () -> args + ": " + r);
            assertEquals(1, r.err().lines().count(), () -> args + ": " + r);
        }
        assertEquals(
                "clambake init: --dir names the repository to set up; with --global there is none"
                        + " (the user-level files are written)\n",
                CLI.run("init", "--global", "--dir", "/tmp").err());
    }

    @Test
    void aConfigFileNamedByClambakeConfigMustExist() {
        Cli missing = CLI.with("CLAMBAKE_DB_URL", null).with("CLAMBAKE_CONFIG", "/nonexistent/clambake.properties");
        for (List<String> args : List.of(List.of("status"), List.of("server", "status"), List.of("inbox", "--json"))) {
            Cli.Result r = missing.run(args.toArray(String[]::new));
            assertEquals(ExitCode.USAGE, r.code(), () -> args + ": " + r);
            assertTrue(r.err().contains("/nonexistent/clambake.properties"), r::toString);
            assertTrue(r.err().contains("CLAMBAKE_CONFIG"), r::toString);
        }
        Cli.Result json = missing.run("inbox", "--json");
        assertEquals(ExitCode.USAGE, json.json().at("/error/exit_code").asInt());
    }
}

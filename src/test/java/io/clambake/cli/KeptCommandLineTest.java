package io.clambake.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.clambake.config.Environment;
import io.clambake.db.ConnectionSource;
import io.clambake.db.Database;
import io.clambake.domain.ExitCode;
import io.clambake.run.Outcome;
import io.clambake.support.Cli;
import io.clambake.support.DatabaseTest;
import java.io.ByteArrayInputStream;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A long-lived process (the MCP server, the resident process) keeps a verb's command line and
 * runs it again: nothing of one run (options, the caller's variables and directory, output)
 * may reach the next.
 */
class KeptCommandLineTest extends DatabaseTest {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    /** Opens a connection per command, as a pool would lend one. */
    private static final ConnectionSource OPEN_EACH_TIME = settings -> Database.open(settings.get());

    @Test
    void aKeptCommandLineForgetsItsLastRun() throws Exception {
        Cli alice = shell("kept", "/k/alice");
        Cli bob = shell("kept", "/k/bob");
        String a = register(alice, "kept");
        String b = register(bob, "kept");
        CommandRunner runner = new CommandRunner(OPEN_EACH_TIME);

        Outcome first =
                run(runner, "/k/alice", Map.of(), "send", "--json", "--to", b, "--subject", "one", "--body", "x");
        assertEquals(ExitCode.OK, first.code(), first::toString);
        assertTrue(runner.kept("send") > 0, "send was not kept for the next run");
        Outcome second = run(runner, "/k/alice", Map.of(), "send", "--to", b, "--subject", "two", "--body", "y");
        assertEquals(ExitCode.OK, second.code(), second::toString);
        assertFalse(second.out().startsWith("{"), "--json of the last run stuck: " + second.out());

        // --limit and the caller come from each run: the second run is bob's, from his directory
        Outcome limited = run(runner, "/k/bob", Map.of(), "inbox", "--json", "--limit", "1");
        assertEquals(1, json(limited).get("messages").size(), limited::toString);
        assertTrue(runner.kept("inbox") > 0, "inbox was not kept for the next run");
        Outcome whole = run(runner, "/k/bob", Map.of(), "inbox", "--json");
        assertEquals(2, json(whole).get("messages").size(), whole::toString);
        assertEquals(b, json(whole).get("me").asText());
        Outcome asAlice = run(runner, "/k/bob", Map.of("CLAMBAKE_INSTANCE", a), "inbox", "--json");
        assertEquals(a, json(asAlice).get("me").asText(), asAlice::toString);
        assertEquals(0, json(asAlice).get("messages").size(), asAlice::toString);

        // a run that failed on its input leaves nothing either
        Outcome bad = run(runner, "/k/bob", Map.of(), "inbox", "--limit", "0");
        assertEquals(ExitCode.USAGE, bad.code(), bad::toString);
        Outcome after = run(runner, "/k/bob", Map.of(), "inbox", "--json");
        assertEquals(ExitCode.OK, after.code(), after::toString);
        assertEquals(2, json(after).get("messages").size(), after::toString);
    }

    private Outcome run(CommandRunner runner, String dir, Map<String, String> extra, String... args) {
        Map<String, String> variables = new HashMap<>();
        variables.put("CLAMBAKE_DB_URL", db.url());
        variables.put("CLAMBAKE_HOST", "kept");
        variables.put("CLAMBAKE_MACHINE_ID", "test-machine");
        variables.put("XDG_CONFIG_HOME", "/nonexistent-clambake-test-config");
        variables.put("CLAMBAKE_HOME", Cli.UNUSABLE_HOME);
        variables.putAll(extra);
        Environment env = new Environment(
                variables, Path.of(dir), Path.of("/nonexistent-home"), new ByteArrayInputStream(new byte[0]));
        return runner.capture(env, args);
    }

    private static JsonNode json(Outcome outcome) throws Exception {
        return MAPPER.readTree(outcome.out());
    }
}

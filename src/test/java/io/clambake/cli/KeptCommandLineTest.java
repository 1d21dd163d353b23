package io.clambake.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.clambake.db.ConnectionSource;
import io.clambake.db.Database;
import io.clambake.domain.ExitCode;
import io.clambake.support.Cli;
import io.clambake.support.DatabaseTest;
import org.junit.jupiter.api.Test;

/**
 * A long-lived process (the MCP server, the resident process) keeps a verb's command line and
 * runs it again: nothing of one run (options, the caller's variables and directory, output)
 * may reach the next.
 */
class KeptCommandLineTest extends DatabaseTest {
    /** Opens a connection per command, as a pool would lend one. */
    private static final ConnectionSource OPEN_EACH_TIME = settings -> Database.open(settings.get());

    @Test
    void aKeptCommandLineForgetsItsLastRun() throws Exception {
        Cli alice = shell("kept", "/k/alice");
        Cli bob = shell("kept", "/k/bob");
        String a = register(alice, "kept");
        String b = register(bob, "kept");
        CommandRunner runner = new CommandRunner(OPEN_EACH_TIME);

        Cli.Result first = alice.runWith(runner, "send", "--json", "--to", b, "--subject", "one", "--body", "x");
        assertEquals(ExitCode.OK, first.code(), first::toString);
        assertTrue(runner.kept("send") > 0, "send was not kept for the next run");
        Cli.Result second = alice.runWith(runner, "send", "--to", b, "--subject", "two", "--body", "y");
        assertEquals(ExitCode.OK, second.code(), second::toString);
        assertFalse(second.out().startsWith("{"), "--json of the last run stuck: " + second.out());

        // --limit and the caller come from each run: the second run is bob's, from his directory
        Cli.Result limited = bob.runWith(runner, "inbox", "--json", "--limit", "1");
        assertEquals(1, limited.json().get("messages").size(), limited::toString);
        assertTrue(runner.kept("inbox") > 0, "inbox was not kept for the next run");
        Cli.Result whole = bob.runWith(runner, "inbox", "--json");
        assertEquals(2, whole.json().get("messages").size(), whole::toString);
        assertEquals(b, whole.json().get("me").asText());
        Cli.Result asAlice = bob.with("CLAMBAKE_INSTANCE", a).runWith(runner, "inbox", "--json");
        assertEquals(a, asAlice.json().get("me").asText(), asAlice::toString);
        assertEquals(0, asAlice.json().get("messages").size(), asAlice::toString);

        // a run that failed on its input leaves nothing either
        Cli.Result bad = bob.runWith(runner, "inbox", "--limit", "0");
        assertEquals(ExitCode.USAGE, bad.code(), bad::toString);
        Cli.Result after = bob.runWith(runner, "inbox", "--json");
        assertEquals(ExitCode.OK, after.code(), after::toString);
        assertEquals(2, after.json().get("messages").size(), after::toString);
    }
}

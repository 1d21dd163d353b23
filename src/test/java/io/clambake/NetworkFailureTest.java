package io.clambake;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.clambake.domain.ExitCode;
import io.clambake.support.Cli;
import io.clambake.support.DatabaseTest;
import io.clambake.support.FreezingProxy;
import java.net.ServerSocket;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A network or server that stops answering ends a command with exit 5 and one line that names
 * the server and the cause, never a hang (issues 9.6, 9.16, 14.2, 14.5); a lost answer to a write
 * says that the outcome is unknown, and a send retried with its idempotency key stores nothing
 * twice.
 */
@Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class NetworkFailureTest extends DatabaseTest {

    @Test
    void aServerThatAcceptsAndNeverAnswersEndsTheLogin() throws Exception {
        try (FreezingProxy silent = new FreezingProxy(db.url(), null)) {
            String url = silent.url(db.url()) + "?loginTimeout=1&connectRetry=0";
            Cli.Result result = shell("h", "/w").with("CLAMBAKE_DB_URL", url).run("status");
            assertEquals(ExitCode.UNAVAILABLE, result.code(), result::toString);
            assertEquals(1, result.err().lines().count(), result::toString);
            assertTrue(result.err().contains("127.0.0.1:" + silent.port() + "/" + db.name()), result::toString);
            assertTrue(result.err().contains("no answer to the login within 1 s"), result::toString);
        }
    }

    @Test
    void theDefaultsBoundEveryPhase() throws Exception {
        // No URL parameter: the defaults alone must end the command (before them it hung forever),
        // after a retry of the login (at most connectRetry 15 s + loginTimeout 10 s).
        try (FreezingProxy silent = new FreezingProxy(db.url(), null)) {
            Cli.Result result = shell("h", "/w")
                    .with("CLAMBAKE_DB_URL", silent.url(db.url()))
                    .run("status");
            assertEquals(ExitCode.UNAVAILABLE, result.code(), result::toString);
            // sslmode=prefer tries twice: connectTimeout (5 s) ends an attempt, loginTimeout (10 s) both.
            assertTrue(
                    result.err().contains("did not answer the login within 5 s")
                            || result.err().contains("no answer to the login within 10 s"),
                    result::toString);
        }
    }

    @Test
    void aLinkLostAfterTheInsertSaysTheOutcomeIsUnknownAndTheKeyedRetryStoresNothingTwice() throws Exception {
        Cli a = shell("h", "/w/lost");
        register(a, "lost");
        try (FreezingProxy proxy = new FreezingProxy(db.url(), "INSERT INTO messages")) {
            String url = proxy.url(db.url()) + "?socketTimeout=2";
            Cli.Result lost = a.with("CLAMBAKE_DB_URL", url)
                    .run("send", "--to", "@all", "--subject", "once", "--idempotency-key", "k-lost");
            assertTrue(proxy.frozen());
            assertEquals(ExitCode.UNAVAILABLE, lost.code(), lost::toString);
            assertEquals(1, lost.err().lines().count(), lost::toString);
            assertTrue(lost.err().contains("127.0.0.1:" + proxy.port() + "/" + db.name()), lost::toString);
            assertTrue(lost.err().contains("no answer within 2 s"), lost::toString);
            assertTrue(lost.err().contains("unknown"), lost::toString);
        }
        // The row is there although the sender never heard so; the retry returns it.
        assertEquals(1, count("SELECT count(*) FROM messages WHERE subject = 'once'"));
        long id = sent(a, "--to", "@all", "--subject", "once", "--idempotency-key", "k-lost");
        assertEquals(1, count("SELECT count(*) FROM messages WHERE subject = 'once'"));
        assertEquals(id, count("SELECT id FROM messages WHERE subject = 'once'"));
    }

    @Test
    void eachNetworkCauseIsSaidInTheLine() throws Exception {
        int closed;
        try (ServerSocket s = new ServerSocket(0)) {
            closed = s.getLocalPort();
        }
        Cli shell = shell("h", "/w");
        List<String[]> cases = List.of(
                new String[] {
                    "postgresql://postgres@127.0.0.1:" + closed + "/db?connectRetry=0", "5", "connection refused"
                },
                new String[] {"postgresql://postgres@no-such-host.invalid/db", "5", "unknown host no-such-host.invalid"
                },
                new String[] {"postgresql://postgres@127.0.0.1:99999/db", "2", "port 99999, not one from 1 to 65535"},
                new String[] {"postgresql://postgres@127.0.0.1:abc/db", "2", "port that is not a number"},
                new String[] {
                    db.url().replaceFirst("://[^@/]*@", "://no_such_role_x@"),
                    "5",
                    "role \"no_such_role_x\" does not exist"
                });
        for (String[] c : cases) {
            Cli.Result result = shell.run("status", "--db-url", c[0]);
            assertEquals(Integer.parseInt(c[1]), result.code(), result::toString);
            assertEquals(1, result.err().lines().count(), result::toString);
            assertTrue(result.err().contains(c[2]), result::toString);
            assertFalse(result.err().contains("FATAL"), result::toString);
            assertFalse(result.err().contains("The connection attempt failed"), result::toString);
        }
    }
}

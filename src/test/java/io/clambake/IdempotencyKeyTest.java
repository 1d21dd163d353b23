package io.clambake;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.clambake.domain.ExitCode;
import io.clambake.support.Cli;
import io.clambake.support.DatabaseTest;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/** send --idempotency-key: a retry after a lost answer returns the first message, never a second (issue 14.3). */
class IdempotencyKeyTest extends DatabaseTest {

    @Test
    void aRepeatedKeyReturnsTheFirstMessage() throws Exception {
        Cli a = shell("h", "/w/idem-a");
        Cli b = shell("h", "/w/idem-b");
        register(a, "idem");
        String beta = register(b, "idem");
        JsonNode first = json(a, "send", "--to", beta, "--subject", "deploy", "--idempotency-key", "k1");
        JsonNode again = json(a, "send", "--to", beta, "--subject", "deploy", "--idempotency-key", "k1");
        assertEquals(first.get("message").get("id"), again.get("message").get("id"));
        assertEquals(false, first.get("repeated").asBoolean());
        assertEquals(true, again.get("repeated").asBoolean());
        Cli.Result text = ok(a.run("send", "--to", beta, "--subject", "deploy", "--idempotency-key", "k1"));
        assertTrue(
                text.out()
                        .startsWith("already sent #"
                                + first.get("message").get("id").asLong()),
                text::toString);
        assertEquals(1, count("SELECT count(*) FROM messages WHERE subject = 'deploy'"));
        // Another key, no key, or another sender with the same key: new messages.
        long other = sent(a, "--to", beta, "--subject", "deploy", "--idempotency-key", "k2");
        long plain = sent(a, "--to", beta, "--subject", "deploy");
        long fromB = sent(b, "--to", "@all", "--subject", "deploy", "--idempotency-key", "k1");
        assertEquals(4, new HashSet<>(List.of(first.get("message").get("id").asLong(), other, plain, fromB)).size());
    }

    @Test
    void anExpiredMessageGivesItsKeyUp() throws Exception {
        Cli a = shell("h", "/w/idem-expire");
        register(a, "idem-expire");
        long first = sent(a, "--to", "@all", "--subject", "ping", "--idempotency-key", "kx");
        try (var c = db.connect("clambake");
                var st = c.createStatement()) {
            st.executeUpdate("UPDATE messages SET expires_at = now() - interval '1 second' WHERE id = " + first);
        }
        long second = sent(a, "--to", "@all", "--subject", "ping", "--idempotency-key", "kx");
        assertNotEquals(first, second);
    }

    @Test
    void aBadKeyIsRefused() {
        Cli a = shell("h", "/w/idem-bad");
        register(a, "idem-bad");
        for (String key : List.of("", "a\nb", "x".repeat(201))) {
            Cli.Result r = a.run("send", "--to", "@all", "--subject", "s", "--idempotency-key", key);
            assertEquals(ExitCode.USAGE, r.code(), r::toString);
            assertEquals(1, r.err().lines().count(), r::toString);
        }
    }

    @Test
    void racingSendsWithOneKeyStoreOneMessage() throws Exception {
        Cli a = shell("h", "/w/idem-race");
        register(a, "idem-race");
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            for (int round = 0; round < 5; round++) {
                String key = "race-" + round;
                CountDownLatch start = new CountDownLatch(1);
                List<Future<Long>> ids = new ArrayList<>();
                for (int i = 0; i < 8; i++) {
                    ids.add(pool.submit(() -> {
                        start.await();
                        return sent(a, "--to", "@all", "--subject", key, "--idempotency-key", key);
                    }));
                }
                start.countDown();
                Set<Long> distinct = new HashSet<>();
                for (Future<Long> id : ids) {
                    distinct.add(id.get());
                }
                assertEquals(1, distinct.size(), key + ": " + distinct);
                assertEquals(1, count("SELECT count(*) FROM messages WHERE subject = ?", key));
            }
        } finally {
            pool.shutdownNow();
        }
    }
}

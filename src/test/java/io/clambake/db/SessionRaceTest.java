package io.clambake.db;

import static io.clambake.support.HookPayloads.payload;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.clambake.domain.ExitCode;
import io.clambake.domain.Instance;
import io.clambake.support.Cli;
import io.clambake.support.DatabaseTest;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/**
 * Sessions racing in the database, released at one instant so that their statements overlap:
 * hooks of one session claiming new messages, and sessions of one instance ending together.
 */
class SessionRaceTest extends DatabaseTest {
    private static final int RACERS = 8;
    private static final int MESSAGES = 30;

    @Test
    void racingRemindersClaimEachMessageOnce() throws Exception {
        Cli other = shell("h1", "/work/other");
        register(other, "demo");
        String me = startSession(shell("h1", "/work/alpha"), "race", "/work/alpha", "demo");
        for (int i = 0; i < MESSAGES; i++) {
            assertEquals(
                    ExitCode.OK,
                    other.run("send", "--to", me, "--subject", "m" + i).code());
        }
        List<Long> shown = new ArrayList<>();
        CyclicBarrier start = new CyclicBarrier(RACERS);
        ExecutorService pool = Executors.newFixedThreadPool(RACERS);
        try {
            List<Future<List<Long>>> claims = new ArrayList<>();
            for (int i = 0; i < RACERS; i++) {
                claims.add(pool.submit(() -> {
                    try (Connection c = db.connect("clambake")) {
                        Instance reader = new InstanceDao(c).findByName(me).orElseThrow();
                        MessageDao messages = new MessageDao(c);
                        start.await();
                        return messages.remind(reader, "race", 10, false).items().stream()
                                .map(m -> m.id())
                                .toList();
                    }
                }));
            }
            for (Future<List<Long>> claim : claims) {
                shown.addAll(claim.get());
            }
        } finally {
            pool.shutdown();
        }

        assertEquals(shown.size(), shown.stream().distinct().count(), "a message came back twice: " + shown);
        assertTrue(shown.size() >= 10, "at least one racer took its 10: " + shown);
    }

    @Test
    void theLastOfSessionsEndingTogetherDeregistersTheirInstance() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            for (int round = 0; round < 10; round++) {
                String dir = "/work/shared-" + round;
                Cli claude = shell("h2", dir);
                for (String session : List.of("a" + round, "b" + round)) {
                    assertEquals(
                            ExitCode.OK,
                            claude.runWithStdin(payload("session-start", session, dir), "hook", "--project", "demo")
                                    .code());
                }
                CyclicBarrier together = new CyclicBarrier(2);
                List<Future<?>> ends = new ArrayList<>();
                for (String session : List.of("a" + round, "b" + round)) {
                    ends.add(pool.submit(() -> {
                        try (Connection c = db.connect("clambake")) {
                            AgentSessionDao sessions = new AgentSessionDao(c);
                            together.await();
                            return sessions.end(session);
                        }
                    }));
                }
                for (Future<?> end : ends) {
                    end.get();
                }
                assertTrue(
                        claude.run("status", "--json").json().get("me").isNull(),
                        "round " + round + ": still registered");
            }
        } finally {
            pool.shutdown();
        }
    }
}

package io.clambake.bench;

import io.clambake.support.Cli;
import io.clambake.support.TestDatabase;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * How soon {@code read --next --wait} returns after a message is sent from another connection,
 * and what a waiting thread costs. Per round: a waiter (its own thread and connections) waits
 * until it sits listening (pg_stat_activity), then another instance sends; the wake-up latency
 * is from the send command's return (its commit happened just before) to the waiter's return,
 * and the upper bound from the send command's start. Then one waiter waits 5 s for nothing, and
 * its thread's CPU time is printed. Run by bench/wait-latency.sh.
 */
public final class WaitLatency {
    private WaitLatency() {}

    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 30;
        ExecutorService threads = Executors.newCachedThreadPool();
        try (TestDatabase db = TestDatabase.create()) {
            Cli a = Cli.shell(db, "bench-wait", "/work/bench/a");
            Cli b = Cli.shell(db, "bench-wait", "/work/bench/b");
            a.run("register", "--project", "bench");
            String beta = b.run("register", "--project", "bench")
                    .out()
                    .lines()
                    .findFirst()
                    .orElseThrow();
            b.run("read", "--next", "--wait", "1s"); // warm the code paths
            List<Double> fromCommit = new ArrayList<>();
            List<Double> fromStart = new ArrayList<>();
            for (int i = 0; i < rounds; i++) {
                Future<Long> waiter = threads.submit(() -> {
                    Cli.Result r = b.run("read", "--next", "--wait", "60s", "--json");
                    if (r.code() != 0 || !r.out().contains("\"id\"")) {
                        throw new IllegalStateException(r.toString());
                    }
                    return System.nanoTime();
                });
                awaitListening(db);
                long start = System.nanoTime();
                Cli.Result sent = a.run("send", "--to", beta, "--subject", "wake " + i);
                long committed = System.nanoTime();
                if (sent.code() != 0) {
                    throw new IllegalStateException(sent.toString());
                }
                long returned = waiter.get(60, TimeUnit.SECONDS);
                fromCommit.add(Math.max(0, returned - committed) / 1e6);
                fromStart.add((returned - start) / 1e6);
            }
            System.out.printf("wake-up after the send's commit (ms): %s%n", summary(fromCommit));
            System.out.printf("wake-up after the send began (ms):    %s%n", summary(fromStart));
            ThreadMXBean cpu = ManagementFactory.getThreadMXBean();
            long[] used = new long[2];
            threads.submit(() -> {
                        long before = cpu.getCurrentThreadCpuTime();
                        long wall = System.nanoTime();
                        b.run("inbox", "--wait", "5s");
                        used[0] = cpu.getCurrentThreadCpuTime() - before;
                        used[1] = System.nanoTime() - wall;
                        return null;
                    })
                    .get();
            System.out.printf(
                    "an empty 5 s wait: %.0f ms wall, %.1f ms CPU in its thread (connect, LISTEN, one look)%n",
                    used[1] / 1e6, used[0] / 1e6);
        } finally {
            threads.shutdownNow();
        }
    }

    private static void awaitListening(TestDatabase db) throws Exception {
        for (int i = 0; i < 1000; i++) {
            try (Connection c = db.connect("clambake");
                    PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM pg_stat_activity"
                            + " WHERE datname = current_database() AND state = 'idle'"
                            + " AND query LIKE '%unread_messages%' AND query NOT LIKE '%pg_stat_activity%'");
                    ResultSet rs = ps.executeQuery()) {
                rs.next();
                if (rs.getInt(1) > 0) {
                    return;
                }
            }
            Thread.sleep(20);
        }
        throw new IllegalStateException("the waiter never listened");
    }

    private static String summary(List<Double> values) {
        List<Double> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        return String.format(
                "median %.1f, p90 %.1f, worst %.1f over %d",
                sorted.get(sorted.size() / 2),
                sorted.get((int) Math.min(sorted.size() - 1, Math.round(sorted.size() * 0.9))),
                sorted.get(sorted.size() - 1),
                sorted.size());
    }
}

package io.clambake.support;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;

/** Races: tasks on as many threads, released at the same moment, each with its own connections. */
public final class Parallel {
    private Parallel() {}

    /** Runs {@code task(0..threads-1)} on that many threads released at once; rethrows the first failure. */
    public static <T> List<T> inParallel(int threads, IntFunction<T> task) throws Exception {
        return inParallel(threads, task, finished -> {});
    }

    /**
     * As above, running {@code meanwhile} on the calling thread once the threads are released; it
     * is given a latch that counts the tasks down as they finish.
     */
    public static <T> List<T> inParallel(int threads, IntFunction<T> task, Meanwhile meanwhile) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        CountDownLatch ready = new CountDownLatch(threads);
        CountDownLatch go = new CountDownLatch(1);
        CountDownLatch finished = new CountDownLatch(threads);
        try {
            List<Future<T>> futures = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int n = t;
                futures.add(pool.submit(() -> {
                    ready.countDown();
                    go.await();
                    try {
                        return task.apply(n);
                    } finally {
                        finished.countDown();
                    }
                }));
            }
            assertTrue(ready.await(30, TimeUnit.SECONDS), "threads did not start");
            go.countDown();
            meanwhile.run(finished);
            List<T> results = new ArrayList<>();
            for (Future<T> f : futures) {
                try {
                    results.add(f.get(120, TimeUnit.SECONDS));
                } catch (ExecutionException e) {
                    if (e.getCause() instanceof Error error) {
                        throw error;
                    }
                    throw e;
                }
            }
            return results;
        } finally {
            pool.shutdownNow();
        }
    }

    @FunctionalInterface
    public interface Meanwhile {
        void run(CountDownLatch finished) throws Exception;
    }
}

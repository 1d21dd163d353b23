package io.clambake.embedded;

import static io.clambake.embedded.ServerErrors.describe;
import static io.clambake.embedded.ServerErrors.failure;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.function.Supplier;

/**
 * One starter or stopper at a time per state directory, across processes (a lock on
 * server.lock) and across the threads of one JVM (a monitor, since file locks belong to a process).
 * The lock is released by the operating system when its holder dies.
 */
final class ServerLock {
    private static final long WAIT_MILLIS = 120_000;
    private static final ConcurrentMap<Path, Object> MONITORS = new ConcurrentHashMap<>();

    private ServerLock() {}

    static <T> T holding(ServerHome home, Supplier<T> action) {
        home.prepare();
        synchronized (MONITORS.computeIfAbsent(home.dir(), dir -> new Object())) {
            try (FileChannel channel =
                            FileChannel.open(home.lockFile(), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                    FileLock ignored = acquire(home, channel)) {
                return action.get();
            } catch (IOException e) {
                throw failure("cannot lock " + home.lockFile() + ": " + describe(e), e);
            }
        }
    }

    private static FileLock acquire(ServerHome home, FileChannel channel) throws IOException {
        long deadline = System.currentTimeMillis() + WAIT_MILLIS;
        while (true) {
            FileLock lock = channel.tryLock();
            if (lock != null) {
                return lock;
            }
            if (System.currentTimeMillis() > deadline) {
                throw failure("another clambake command has held " + home.lockFile() + " for " + WAIT_MILLIS / 1000
                        + " s while starting or stopping the server");
            }
            EmbeddedServer.sleep(50);
        }
    }
}

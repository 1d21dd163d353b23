package io.clambake.embedded;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The postmaster.pid a running PostgreSQL keeps in its data directory: line 1 the pid, line 3
 * its start time, line 4 the port, line 8 the status ({@code starting}, {@code ready},
 * {@code stopping}). It survives a kill -9 or a reboot, so a reader checks that the pid still
 * names the process that wrote it.
 */
record PidFile(long pid, long startedEpochSecond, int port, String status) {

    static Optional<PidFile> read(Path file) {
        try {
            List<String> lines = Files.readAllLines(file, StandardCharsets.ISO_8859_1);
            if (lines.size() < 4) {
                return Optional.empty();
            }
            String status = lines.size() >= 8 ? lines.get(7).trim() : "";
            return Optional.of(new PidFile(
                    Long.parseLong(lines.get(0).trim()),
                    Long.parseLong(lines.get(2).trim()),
                    Integer.parseInt(lines.get(3).trim()),
                    status));
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    boolean ready() {
        return status.equals("ready");
    }

    /** The process lives and is the postmaster: after a reboot the pid may belong to anything. */
    boolean alive() {
        return process().filter(process -> !startedAtAnotherTime(process)).isPresent();
    }

    boolean reused() {
        return process().filter(this::startedAtAnotherTime).isPresent();
    }

    private Optional<ProcessHandle> process() {
        return ProcessHandle.of(pid).filter(ProcessHandle::isAlive);
    }

    private boolean startedAtAnotherTime(ProcessHandle process) {
        Optional<Instant> started = process.info().startInstant();
        return started.isPresent()
                && Duration.between(Instant.ofEpochSecond(startedEpochSecond), started.get())
                                .abs()
                                .compareTo(Duration.ofSeconds(5))
                        > 0;
    }
}

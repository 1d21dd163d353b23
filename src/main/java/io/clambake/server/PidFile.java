package io.clambake.server;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * The postmaster.pid a running PostgreSQL keeps in its data directory: line 1 the pid, line 4
 * the port, line 8 the status ({@code starting}, {@code ready}, {@code stopping}). It survives a
 * kill -9, so a reader checks that the process still lives.
 */
record PidFile(long pid, int port, String status) {

    static Optional<PidFile> read(Path file) {
        try {
            List<String> lines = Files.readAllLines(file, StandardCharsets.ISO_8859_1);
            if (lines.size() < 4) {
                return Optional.empty();
            }
            String status = lines.size() >= 8 ? lines.get(7).trim() : "";
            return Optional.of(new PidFile(Long.parseLong(lines.get(0).trim()), Integer.parseInt(lines.get(3).trim()),
                    status));
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    boolean ready() {
        return status.equals("ready");
    }
}

package io.clambake.daemon;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** This process's resident memory now and at its peak (Linux /proc; elsewhere unknown). */
final class Memory {
    private Memory() {}

    /** {@code rss_kib=N\npeak_rss_kib=N\n}, or nothing where /proc is not there. */
    static String ofThisProcess() {
        StringBuilder lines = new StringBuilder();
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmRSS:")) {
                    lines.append("rss_kib=").append(kib(line)).append('\n');
                } else if (line.startsWith("VmHWM:")) {
                    lines.append("peak_rss_kib=").append(kib(line)).append('\n');
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux
        }
        return lines.toString();
    }

    private static String kib(String line) {
        return line.replaceAll("[^0-9]", "");
    }
}

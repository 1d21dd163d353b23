package io.clambake.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The project a directory belongs to when nobody names one: the name of its git repository's
 * top directory (the main checkout's, for a worktree), else the directory's own name. Read from
 * the file system rather than by running git, which would cost a process per hook.
 */
public final class ProjectNames {
    private static final int MAX = 64;

    private ProjectNames() {}

    public static String guess(Path dir) {
        Path start = dir.toAbsolutePath().normalize();
        for (Path p = start; p != null; p = p.getParent()) {
            Path git = p.resolve(".git");
            if (Files.isDirectory(git)) {
                return sanitize(nameOf(p));
            }
            if (Files.isRegularFile(git)) {
                return sanitize(nameOf(mainCheckout(git).orElse(p)));
            }
        }
        return sanitize(nameOf(start));
    }

    /** A worktree's {@code .git} file says {@code gitdir: /main/.git/worktrees/NAME}. */
    private static Optional<Path> mainCheckout(Path gitFile) {
        try {
            String line = Files.readString(gitFile).strip();
            int marker = line.indexOf("/.git/worktrees/");
            if (line.startsWith("gitdir:") && marker > 0) {
                return Optional.of(
                        Path.of(line.substring("gitdir:".length(), marker).strip()));
            }
        } catch (IOException | RuntimeException e) {
            // not a worktree we understand: the checkout's own name will do
        }
        return Optional.empty();
    }

    private static String nameOf(Path p) {
        return p.getFileName() == null ? "" : p.getFileName().toString();
    }

    /** Fits a name to the project rule: 1-64 of {@code A-Z a-z 0-9 . _ -}, starting with a letter or digit. */
    static String sanitize(String name) {
        String cleaned = name.replaceAll("[^A-Za-z0-9._-]+", "-").replaceAll("^[^A-Za-z0-9]+", "");
        if (cleaned.length() > MAX) {
            cleaned = cleaned.substring(0, MAX);
        }
        return cleaned.isEmpty() ? "default" : cleaned;
    }
}

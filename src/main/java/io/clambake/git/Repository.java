package io.clambake.git;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * A git working tree, as leases see it: its top level (the root lease paths are relative to),
 * and the files a commit is about to change. Finding the top level walks up to the nearest
 * {@code .git} (a directory, or a file in worktrees and submodules) without starting git: the
 * PreToolUse hook does this before every edit.
 */
public final class Repository {
    private final Path top;

    private Repository(Path top) {
        this.top = top;
    }

    /** The working tree that contains {@code dir} (absolute), if any. */
    public static Optional<Repository> containing(Path dir) {
        for (Path p = dir.toAbsolutePath().normalize(); p != null; p = p.getParent()) {
            if (Files.exists(p.resolve(".git"))) {
                return Optional.of(new Repository(p));
            }
        }
        return Optional.empty();
    }

    public Path top() {
        return top;
    }

    /**
     * The paths (relative to the top level, {@code /}-separated) that the staged changes add,
     * modify, delete or rename, both sides of a rename included.
     */
    public List<String> stagedPaths() throws IOException {
        String out = run(top, "git", "diff", "--cached", "--name-only", "--no-renames", "-z");
        List<String> paths = new ArrayList<>();
        for (String path : out.split("\0")) {
            if (!path.isEmpty()) {
                paths.add(path);
            }
        }
        return paths;
    }

    /** Runs git in {@code dir}; its standard output, or an IOException with its first error line. */
    static String run(Path dir, String... command) throws IOException {
        Process process = new ProcessBuilder(command)
                .directory(dir.toFile())
                .redirectError(ProcessBuilder.Redirect.PIPE)
                .start();
        process.getOutputStream().close();
        byte[] out;
        byte[] err;
        try (InputStream stdout = process.getInputStream();
                InputStream stderr = process.getErrorStream()) {
            ByteArrayOutputStream errors = new ByteArrayOutputStream();
            Thread drain = new Thread(() -> {
                try {
                    stderr.transferTo(errors);
                } catch (IOException ignored) {
                    // the exit code tells
                }
            });
            drain.start();
            out = stdout.readAllBytes();
            drain.join(10_000);
            err = errors.toByteArray();
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IOException(String.join(" ", command) + " did not finish in 30 s");
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while running git", e);
        }
        if (process.exitValue() != 0) {
            String first =
                    new String(err, StandardCharsets.UTF_8).lines().findFirst().orElse("");
            throw new IOException(String.join(" ", command) + " failed (exit " + process.exitValue() + "): " + first);
        }
        return new String(out, StandardCharsets.UTF_8);
    }
}

package io.clambake.git;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Clambake's lines in a repository's git pre-commit hook, between {@code # clambake:begin} and
 * {@code # clambake:end}. They go into whatever hook is there (where {@code core.hooksPath} or a
 * worktree puts it: {@code git rev-parse --git-path hooks}), right after its first line, so the
 * user's own checks still run after Clambake's; a second install replaces them in place. Only
 * exit 6 (held by another) stops the commit: any other failure of the guard, clambake missing
 * from PATH included, lets the commit through, as every Clambake hook fails open.
 */
public final class PreCommitHook {
    static final String BEGIN = "# clambake:begin";
    static final String END = "# clambake:end";

    private PreCommitHook() {}

    /** Where git runs the repository's pre-commit hook from. */
    public static Path location(Path repository) throws IOException {
        String hooks = Repository.run(repository, "git", "rev-parse", "--git-path", "hooks")
                .strip();
        return repository.resolve(hooks).normalize().resolve("pre-commit");
    }

    /** The lines Clambake adds, running {@code command} (the guard's shell command line). */
    public static String block(String command) {
        return BEGIN + " (added by clambake init: refuses a commit of files under another live instance's exclusive"
                + " lease; git commit --no-verify skips it)\n"
                + command + "\n"
                + "clambake_status=$?\n"
                + "if [ \"$clambake_status\" -eq 6 ]; then exit 6; fi\n"
                + END + "\n";
    }

    /**
     * The hook with Clambake's block in it: a new shell script, the block replaced where it is,
     * or inserted after the first line (the shebang) of a shell script. Empty when the hook
     * there is another language's script, which Clambake will not edit.
     */
    public static Optional<String> merge(String existing, String block) {
        if (existing == null || existing.isBlank()) {
            return Optional.of("#!/bin/sh\n" + block);
        }
        int begin = existing.indexOf(BEGIN);
        if (begin >= 0) {
            int end = existing.indexOf(END, begin);
            if (end < 0) {
                return Optional.empty();
            }
            int after = existing.indexOf('\n', end);
            return Optional.of(existing.substring(0, begin) + block + (after < 0 ? "" : existing.substring(after + 1)));
        }
        List<String> lines = existing.lines().toList();
        String first = lines.get(0);
        if (!first.startsWith("#!")) {
            return Optional.of("#!/bin/sh\n" + block + existing);
        }
        if (!first.matches("#!\\s*(/usr)?/bin/(env\\s+)?(sh|bash|dash|zsh|ksh)\\b.*")) {
            return Optional.empty();
        }
        int newline = existing.indexOf('\n');
        return Optional.of(existing.substring(0, newline + 1) + block + existing.substring(newline + 1));
    }
}

package io.clambake.cli;

import io.clambake.claude.ClaudeCodeFiles;
import io.clambake.claude.Launcher;
import io.clambake.config.ProjectNames;
import io.clambake.domain.ClambakeException;
import io.clambake.domain.ExitCode;
import io.clambake.domain.Rules;
import io.clambake.git.PreCommitHook;
import io.clambake.git.Repository;
import io.clambake.output.Diff;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.UnaryOperator;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
        name = "init",
        description = {
            "Set a repository up for Claude Code: protocol, hooks and MCP server, and git's pre-commit lease guard.",
            "Merges, keeping what is there (a second run changes nothing): Clambake's section into CLAUDE.md,"
                    + " its MCP server into .mcp.json, and its hooks and the permission for its tools"
                    + " (mcp__clambake) into .claude/settings.json; in a git repository, the 'clambake guard' lines"
                    + " into the pre-commit hook git runs, wherever the hooks path puts it, keeping an existing hook,"
                    + " which runs after them.",
            "--global writes the user-level files instead:",
            "~/.claude/CLAUDE.md, ~/.claude/settings.json and ~/.claude.json."
        })
final class InitCommand extends Verb {
    @Option(names = "--dir", paramLabel = "D", description = "Repository to set up (default: current directory).")
    String dir;

    @Option(
            names = "--project",
            paramLabel = "P",
            description =
                    "Project the sessions register under (default: the repository's name; with --global, each repository's).")
    String project;

    @Option(names = "--global", description = "Write the user-level files, for every repository.")
    boolean global;

    @Option(names = "--dry-run", description = "Print the changes as a diff; write nothing.")
    boolean dryRun;

    @Option(
            names = "--launcher",
            paramLabel = "CMD",
            description =
                    "Command that runs clambake in hooks and for the MCP server (default: this jar, or bin/clambake beside it).")
    String launcher;

    private record Change(Path path, String shown, String before, String after) {
        String action() {
            return before == null ? "created" : before.equals(after) ? "unchanged" : "updated";
        }
    }

    @Override
    protected int run(Session session) throws Exception {
        if (launcher != null && launcher.isBlank()) {
            throw ClambakeException.invalid("--launcher must not be empty");
        }
        if (global && dir != null) {
            throw ClambakeException.invalid(
                    "--dir names the repository to set up; with --global there is none (the user-level files are written)");
        }
        Path base = session.directory(dir);
        String projectName = project != null ? Rules.project(project) : global ? null : ProjectNames.guess(base);
        List<String> command = launcher != null ? List.of(launcher.strip().split("\\s+")) : Launcher.detect();
        List<String> projectArgs = projectName == null ? List.of() : List.of("--project", projectName);
        List<String> shortRuns = launcher != null ? command : Launcher.forShortRuns(command);
        String hook = Launcher.shell(concat(shortRuns, List.of("hook"), projectArgs));
        List<String> mcpArgs = concat(command.subList(1, command.size()), List.of("mcp"), projectArgs);
        Path claudeDir = global ? claudeConfigDir() : base.resolve(".claude");
        Path mcpFile = global ? userMcpConfig() : base.resolve(".mcp.json");
        Path claudeMd = global ? claudeDir.resolve("CLAUDE.md") : base.resolve("CLAUDE.md");
        Path settings = claudeDir.resolve("settings.json");
        List<Change> changes = new ArrayList<>();
        changes.add(change(
                base,
                claudeMd,
                text -> ClaudeCodeFiles.withSection(text, ClaudeCodeFiles.section(), claudeMd.toString())));
        changes.add(change(base, settings, text -> ClaudeCodeFiles.withHooks(text, settings.toString(), hook)));
        changes.add(change(
                base,
                mcpFile,
                text -> ClaudeCodeFiles.withMcpServer(text, mcpFile.toString(), command.get(0), mcpArgs)));
        Path preCommit = null;
        if (!global) {
            String guard = Launcher.shell(concat(shortRuns, List.of("guard"), projectArgs));
            preCommit = preCommit(base, guard, changes);
        }
        if (!dryRun) {
            for (Change c : changes) {
                if (!"unchanged".equals(c.action())) {
                    write(c.path(), c.after());
                    if (c.path().equals(preCommit)) {
                        executable(c.path());
                    }
                }
            }
        }
        return report(changes);
    }

    /**
     * The git pre-commit guard, when {@code base} is in a git repository: Clambake's lines merged
     * into the hook git runs (see {@link PreCommitHook}), never replacing it. Where that cannot be
     * done (no git, a hook in another language), a line on stderr says what to add by hand.
     */
    private Path preCommit(Path base, String guard, List<Change> changes) throws IOException {
        Optional<Repository> repository = Repository.containing(base);
        if (repository.isEmpty()) {
            return null;
        }
        Path hook;
        try {
            hook = PreCommitHook.location(repository.get().top());
        } catch (IOException e) {
            spec.commandLine().getErr().println("clambake init: no git pre-commit guard: " + e.getMessage());
            return null;
        }
        String before = Files.exists(hook) ? Files.readString(hook, StandardCharsets.UTF_8) : null;
        Optional<String> after = PreCommitHook.merge(before, PreCommitHook.block(guard));
        if (after.isEmpty()) {
            spec.commandLine()
                    .getErr()
                    .println("clambake init: " + hook + " is not a shell script; to guard commits"
                            + " against others' leases, make it run: " + guard + " (exit 6 means refused)");
            return null;
        }
        Path shown = hook.startsWith(base) ? base.relativize(hook) : hook;
        changes.add(new Change(hook, shown.toString(), before, after.get()));
        return hook;
    }

    private static void executable(Path path) throws IOException {
        try {
            Files.setPosixFilePermissions(path, PosixFilePermissions.fromString("rwxr-xr-x"));
        } catch (UnsupportedOperationException e) {
            path.toFile().setExecutable(true);
        }
    }

    private int report(List<Change> changes) {
        if (json()) {
            List<Map<String, Object>> files = new ArrayList<>();
            for (Change c : changes) {
                Map<String, Object> file = new LinkedHashMap<>();
                file.put("path", c.path().toString());
                file.put("action", c.action());
                files.add(file);
            }
            Map<String, Object> doc = new LinkedHashMap<>();
            doc.put("dry_run", dryRun);
            doc.put("files", files);
            return printJson(doc);
        }
        for (Change c : changes) {
            if (dryRun && !"unchanged".equals(c.action())) {
                out().print(Diff.unified(c.shown(), c.before(), c.after()));
            }
        }
        for (Change c : changes) {
            String action = dryRun && !"unchanged".equals(c.action()) ? "would be " + c.action() : c.action();
            out().println(action + ": " + c.shown());
        }
        return ExitCode.OK;
    }

    private static Change change(Path base, Path path, UnaryOperator<String> merge) throws IOException {
        String before = Files.exists(path) ? Files.readString(path, StandardCharsets.UTF_8) : null;
        Path shown = path.startsWith(base) ? base.relativize(path) : path;
        return new Change(path, shown.toString(), before, merge.apply(before));
    }

    /** Written beside the old file and moved over it, so a reader never sees half a file. */
    private static void write(Path path, String text) throws IOException {
        Path parent = path.toAbsolutePath().getParent();
        Files.createDirectories(parent);
        Path temporary = Files.createTempFile(parent, "." + path.getFileName(), ".clambake-tmp");
        try {
            Files.writeString(temporary, text, StandardCharsets.UTF_8);
            try {
                Files.move(temporary, path, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temporary, path, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(temporary);
        }
    }

    /** Claude Code's user directory: $CLAUDE_CONFIG_DIR, else ~/.claude. */
    private Path claudeConfigDir() {
        String configured = environment().get("CLAUDE_CONFIG_DIR");
        return configured != null
                ? environment().path(configured)
                : environment().home().resolve(".claude");
    }

    /** User-scoped MCP servers live in ~/.claude.json (inside $CLAUDE_CONFIG_DIR when that is set). */
    private Path userMcpConfig() {
        String configured = environment().get("CLAUDE_CONFIG_DIR");
        return configured != null
                ? environment().path(configured).resolve(".claude.json")
                : environment().home().resolve(".claude.json");
    }

    @SafeVarargs
    private static List<String> concat(List<String>... parts) {
        List<String> all = new ArrayList<>();
        for (List<String> part : parts) {
            all.addAll(part);
        }
        return all;
    }
}

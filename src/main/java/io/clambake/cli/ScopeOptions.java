package io.clambake.cli;

import io.clambake.domain.ClambakeException;
import io.clambake.domain.Instance;
import io.clambake.domain.MemoryScope;
import io.clambake.domain.Rules;
import java.util.Optional;
import picocli.CommandLine.Option;

/** {@code --project P | --global}; with neither, the caller's own project. */
final class ScopeOptions {
    @Option(names = "--project", paramLabel = "P", description = "Project memory (default: your project).")
    String project;

    @Option(names = "--global", description = "Global (cross-project) memory.")
    boolean global;

    MemoryScope scope() {
        return global ? MemoryScope.GLOBAL : MemoryScope.PROJECT;
    }

    /** The project the verb is about, or null for global memory. */
    String project(Optional<Instance> caller) {
        if (global) {
            return null;
        }
        if (project != null) {
            return Rules.project(project);
        }
        return caller.map(Instance::project)
                .orElseThrow(() -> ClambakeException.invalid("name a project with --project P, or use --global"));
    }
}

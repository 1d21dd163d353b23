package io.clambake.cli;

import io.clambake.domain.Rules;
import picocli.CommandLine.Option;

/** How a new instance registers: its project, its directory and, if asked for, its name. */
final class RegistrationOptions {
    @Option(
            names = "--project",
            paramLabel = "P",
            description = "Project to register in (register requires it; mcp defaults to the git repository's name).")
    String project;

    @Option(names = "--dir", paramLabel = "D", description = "Existing directory to register (default: current).")
    String dir;

    @Option(names = "--name", paramLabel = "N", description = "Ask for this name instead of a generated one.")
    String name;

    /** The asked-for name, checked, or null for a generated one. */
    String name() {
        return name == null ? null : Rules.agentName(name);
    }
}

package io.clambake.cli;

import picocli.CommandLine.Option;

/** Options every verb takes. */
public final class CommonOptions {
    @Option(names = "--json", description = "Print one JSON document instead of text.")
    boolean json;

    @Option(names = "--debug", description = "Print the stack trace of an error.")
    boolean debug;

    @Option(
            names = {"-h", "--help"},
            usageHelp = true,
            description = "Show this help and exit.")
    boolean help;
}

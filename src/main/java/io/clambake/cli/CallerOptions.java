package io.clambake.cli;

import picocli.CommandLine.Option;

/** The options of verbs an instance runs: the database, and who is calling. */
final class CallerOptions extends DatabaseOptions {
    @Option(
            names = "--as",
            paramLabel = "NAME",
            description = "Act as this instance. Default: $CLAMBAKE_INSTANCE, then the instance registered "
                    + "on this machine for the current directory or its nearest registered parent "
                    + "(when two are registered there, exit 2: name one).")
    String as;
}

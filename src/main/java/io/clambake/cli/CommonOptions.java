package io.clambake.cli;

import picocli.CommandLine.Option;

/** Options every verb takes. There is deliberately no password option: argv is visible to every user. */
public final class CommonOptions {
    @Option(names = "--json", description = "Print one JSON document instead of text.")
    boolean json;

    @Option(names = "--db-url", paramLabel = "URL",
            description = "Database URL (postgresql://USER@HOST:PORT/DB or jdbc:postgresql://...); "
                    + "default: $CLAMBAKE_DB_URL, then the config file.")
    String dbUrl;

    @Option(names = "--as", paramLabel = "NAME",
            description = "Act as this instance. Default: $CLAMBAKE_INSTANCE, then the instance registered "
                    + "on this host for the current directory or its nearest registered parent.")
    String as;

    @Option(names = "--debug", description = "Print the stack trace of an error.")
    boolean debug;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
    boolean help;
}

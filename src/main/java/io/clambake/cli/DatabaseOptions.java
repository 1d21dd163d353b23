package io.clambake.cli;

import picocli.CommandLine.Option;

/**
 * The database option of verbs that use the database. There is deliberately no password
 * option: argv is visible to every user.
 */
class DatabaseOptions {
    @Option(
            names = "--db-url",
            paramLabel = "URL",
            description = "Database URL (default: $CLAMBAKE_DB_URL, then the config file), e.g."
                    + " postgresql://USER@HOST:PORT/DB.")
    String dbUrl;
}

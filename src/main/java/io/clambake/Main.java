package io.clambake;

import io.clambake.cli.CommandRunner;
import io.clambake.config.Environment;
import io.clambake.db.SchemaMigrator;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

public final class Main {
    private Main() {}

    public static void main(String[] args) {
        quietLibraries(args);
        // UTF-8 whatever the locale: under LANG=C Java 17 would print every non-ASCII character as '?'.
        int code = new CommandRunner()
                .run(
                        Environment.ofProcess(),
                        new PrintWriter(new OutputStreamWriter(System.out, StandardCharsets.UTF_8), true),
                        new PrintWriter(new OutputStreamWriter(System.err, StandardCharsets.UTF_8), true),
                        args);
        System.out.flush();
        // bin/clambake records a class archive from a command's run; one that migrated the schema
        // would have every later command load Flyway, so it is told to throw this recording away.
        String untypical = System.getProperty("clambake.untypicalRunMarker");
        if (untypical != null && SchemaMigrator.migratedInThisProcess()) {
            try {
                Files.writeString(Path.of(untypical), "migrated\n");
            } catch (IOException | RuntimeException e) {
                // the launcher then keeps the archive: slower, still correct
            }
        }
        System.exit(code);
    }

    /**
     * The driver (java.util.logging) and the pool and MCP SDK (SLF4J) log warnings to stderr, where
     * they would come before, or instead of, Clambake's one line: they stay silent unless --debug.
     */
    static void quietLibraries(String[] args) {
        for (String arg : args) {
            if (arg.equals("--")) {
                break;
            }
            if (arg.equals("--debug")) {
                return;
            }
        }
        System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "off");
        java.util.logging.LogManager.getLogManager().reset();
        java.util.logging.Logger.getLogger("").setLevel(java.util.logging.Level.OFF);
    }
}

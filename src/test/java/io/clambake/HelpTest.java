package io.clambake;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.clambake.domain.ExitCode;
import io.clambake.support.Cli;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Every verb explains itself without a database and without its required options. */
class HelpTest {

    @ParameterizedTest
    @MethodSource("io.clambake.cli.Clambake#verbs")
    void everyVerbHasHelp(String verb) {
        Cli.Result result = new Cli(Map.of(), Path.of("/")).run(verb, "--help");
        assertEquals(ExitCode.OK, result.code(), result::toString);
        assertTrue(result.out().startsWith("Usage: clambake " + verb), result.out());
        assertTrue(result.out().contains("--json"), result.out());
        assertEquals("", result.err());
    }
}

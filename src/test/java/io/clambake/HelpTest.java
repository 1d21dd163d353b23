package io.clambake;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.clambake.cli.CommandRunner;
import io.clambake.domain.ExitCode;
import io.clambake.support.Cli;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Every verb explains itself without a database and without its required options. */
class HelpTest {

    static List<String> verbs() {
        return CommandRunner.verbNames();
    }

    @ParameterizedTest
    @MethodSource("verbs")
    void everyVerbHasHelp(String verb) {
        Cli.Result result = new Cli(Map.of(), Path.of("/")).run(verb, "--help");
        assertEquals(ExitCode.OK, result.code(), result::toString);
        assertTrue(result.out().startsWith("Usage: clambake " + verb), result.out());
        assertTrue(result.out().contains("--json"), result.out());
        assertEquals("", result.err());
        assertTrue(result.out().lines().allMatch(line -> line.length() <= 80), result.out());
    }
}

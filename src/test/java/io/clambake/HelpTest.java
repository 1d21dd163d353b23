package io.clambake;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.clambake.cli.Clambake;
import io.clambake.cli.CommandRunner;
import io.clambake.config.Environment;
import io.clambake.domain.ExitCode;
import io.clambake.support.Cli;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/** Every verb explains itself without a database and without its required options, in 80 columns. */
class HelpTest {
    private static final List<String> VERBS = Clambake.verbs();
    private static final Cli CLI = new Cli(Map.of(), Path.of("/"));
    private static final Environment ENV =
            new Environment(Map.of(), Path.of("/"), Path.of("/"), InputStream.nullInputStream());

    @ParameterizedTest
    @MethodSource("io.clambake.cli.Clambake#verbs")
    void everyVerbHasHelp(String verb) {
        Cli.Result result = CLI.run(verb, "--help");
        assertEquals(ExitCode.OK, result.code(), result::toString);
        assertTrue(result.out().startsWith("Usage: clambake " + verb), result.out());
        assertTrue(result.out().contains("--help"), result.out());
        assertEquals("", result.err());
        assertTrue(result.out().lines().allMatch(line -> line.length() <= 80), result.out());
    }

    @Test
    void everyHelpPageFitsEightyColumnsAndSplitsNoWord() {
        Map<String, CommandSpec> pages = new LinkedHashMap<>();
        pages.put("", new CommandLine(new Clambake(ENV)).getCommandSpec());
        pages.putAll(CommandRunner.verbs(ENV, VERBS));
        for (Map.Entry<String, CommandSpec> page : pages.entrySet()) {
            Cli.Result help = page.getKey().isEmpty() ? CLI.run("--help") : CLI.run(page.getKey(), "--help");
            assertEquals(ExitCode.OK, help.code(), help::toString);
            for (String line : help.out().lines().toList()) {
                assertTrue(line.length() <= 80, () -> "over 80 columns in '" + page.getKey() + " --help': " + line);
            }
            Set<String> shown = new HashSet<>(Arrays.asList(help.out().split("\\s+")));
            List<String> texts =
                    new ArrayList<>(Arrays.asList(page.getValue().usageMessage().description()));
            for (OptionSpec option : page.getValue().options()) {
                texts.addAll(Arrays.asList(option.description()));
            }
            for (String text : texts) {
                for (String word : text.replace("%%", "%").split("\\s+")) {
                    if (!word.isEmpty() && !word.contains("${")) {
                        assertTrue(
                                shown.contains(word),
                                () -> "'" + page.getKey() + " --help' splits '" + word + "' across lines:\n"
                                        + help.out());
                    }
                }
            }
            for (String paragraph : page.getValue().usageMessage().description()) {
                assertTrue(
                        paragraph.isEmpty() || paragraph.endsWith(".") || paragraph.endsWith(":"),
                        () -> "a description line is a whole paragraph, wrapped by picocli, not by hand: " + paragraph);
            }
        }
    }

    @Test
    void theCommandListShowsEveryVerbsWholeSummary() {
        String root = CLI.run("--help").out();
        String commands = root.substring(
                root.indexOf("Commands:\n") + "Commands:\n".length(), root.indexOf("\n\n" + "Exit codes:"));
        Map<String, String> listed = new LinkedHashMap<>();
        String current = null;
        for (String line : commands.lines().toList()) {
            if (line.startsWith("  ") && !line.startsWith("   ")) {
                String[] parts = line.strip().split("\\s+", 2);
                current = parts[0];
                listed.put(current, parts.length > 1 ? parts[1] : "");
            } else {
                listed.put(current, listed.get(current) + " " + line.strip());
            }
        }
        assertEquals(VERBS, List.copyOf(listed.keySet()));
        Map<String, CommandSpec> specs = CommandRunner.verbs(ENV, VERBS);
        for (String verb : VERBS) {
            String summary = specs.get(verb).usageMessage().description()[0];
            assertEquals(summary, listed.get(verb), verb);
            assertTrue(summary.endsWith("."), () -> verb + "'s summary is a whole sentence: " + summary);
        }
    }
}

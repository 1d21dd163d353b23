package io.clambake.embedded;

import static io.clambake.embedded.ServerErrors.describe;
import static io.clambake.embedded.ServerErrors.failure;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Runs initdb and pg_ctl to completion. Their output goes to a scratch file rather than a pipe:
 * the postmaster that pg_ctl leaves running must not hold anything of ours open.
 */
final class Programs {
    private static final long TIMEOUT_SECONDS = 120;
    private static final Pattern FATAL = Pattern.compile("\\b(FATAL|PANIC):\\s+(.*)");
    private static final Pattern TIMESTAMPED = Pattern.compile("\\d{4}-\\d\\d-\\d\\d \\S+ \\S+ \\[\\d+\\]");

    private Programs() {}

    record Result(int code, String output) {
        String problem() {
            return Programs.problem(output, code);
        }
    }

    static Result run(Path scratchDir, Optional<RunAs> runAs, List<String> command) {
        String program = Path.of(command.get(0)).getFileName().toString();
        Path output = null;
        try {
            output = Files.createTempFile(scratchDir, "program-", ".out");
            ProcessBuilder builder = new ProcessBuilder(
                            runAs.map(r -> r.wrap(command)).orElse(command))
                    .redirectErrorStream(true)
                    .redirectOutput(output.toFile());
            builder.environment().keySet().removeIf(name -> name.startsWith("PG"));
            builder.environment().put("LC_ALL", "C");
            Process process = builder.start();
            process.getOutputStream().close();
            if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw failure(program + " did not finish in " + TIMEOUT_SECONDS + " s");
            }
            return new Result(process.exitValue(), Files.readString(output, StandardCharsets.ISO_8859_1));
        } catch (IOException e) {
            throw failure("cannot run " + program + ": " + describe(e), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw failure("interrupted while running " + program);
        } finally {
            PostgresBinaries.deleteQuietly(output);
        }
    }

    /**
     * The line worth showing from a failed program's output or the server log: the first FATAL
     * or PANIC, else the first "error:", else the last lines postgres wrote before its logging
     * began (up to three, joined), else the exit code.
     */
    static String problem(String text, int code) {
        List<String> lines =
                text.lines().map(String::strip).filter(line -> !line.isEmpty()).toList();
        for (String line : lines) {
            Matcher fatal = FATAL.matcher(line);
            if (fatal.find()) {
                return fatal.group(2);
            }
        }
        for (String line : lines) {
            if (line.contains("error: ")) {
                return line;
            }
        }
        List<String> plain = lines.stream()
                .filter(line -> !TIMESTAMPED.matcher(line).lookingAt() && !line.contains(" ... "))
                .toList();
        return plain.isEmpty()
                ? "exit code " + code
                : String.join(" ", plain.subList(Math.max(0, plain.size() - 3), plain.size()));
    }
}

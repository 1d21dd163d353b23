package io.clambake;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.clambake.domain.ExitCode;
import io.clambake.support.ChildEnvironment;
import io.clambake.support.EmbeddedHome;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The built jar as separate processes with no database configured and HOME a new empty
 * directory: README's first command, then a second shell elsewhere, then a restart.
 */
class EmbeddedServerIT {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final Path JAR = Path.of("target", "clambake.jar").toAbsolutePath();

    @TempDir
    Path home;

    private EmbeddedHome state;

    @BeforeEach
    void createState() {
        state = EmbeddedHome.create("clambake-it-");
    }

    @AfterEach
    void stopServer() {
        state.close();
    }

    @Test
    void processesStartingAtOnceFromNothingShareOneServer() throws Exception {
        List<Process> processes = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            processes.add(start(home, "server", "start", "--json"));
        }
        List<Long> pids = new ArrayList<>();
        for (Process process : processes) {
            JsonNode server = json(finish(process)).get("server");
            assertTrue(server.get("running").asBoolean(), server::toString);
            pids.add(server.get("pid").asLong());
        }
        assertEquals(1, pids.stream().distinct().count(), pids::toString);
        assertEquals(
                1,
                ProcessHandle.allProcesses()
                        .filter(p -> p.info()
                                .commandLine()
                                .map(line -> line.contains(
                                        state.dir().resolve("data").toString()))
                                .orElse(false))
                        .count());
    }

    @Test
    void readmeFirstCommandThenASecondShellThenARestart() throws Exception {
        Path alpha = Files.createDirectories(home.resolve("alpha"));
        Path beta = Files.createDirectories(home.resolve("beta"));
        String name = finish(start(alpha, "register", "--project", "demo"))
                .lines()
                .findFirst()
                .orElseThrow();

        assertTrue(finish(start(beta, "status")).contains(name));
        finish(start(beta, "register", "--project", "demo"));
        finish(start(beta, "send", "--to", name, "--subject", "seen you"));
        assertTrue(finish(start(beta, "server", "stop")).startsWith("stopped"));
        assertTrue(finish(start(alpha, "inbox")).contains("seen you"), "any verb brings it back, data intact");
        assertTrue(finish(start(beta, "server", "status")).startsWith("running"));
    }

    private Process start(Path cwd, String... args) throws Exception {
        List<String> command = new ArrayList<>(
                List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar", JAR.toString()));
        command.addAll(List.of(args));
        ProcessBuilder builder =
                new ProcessBuilder(command).directory(cwd.toFile()).redirectErrorStream(true);
        Map<String, String> env = ChildEnvironment.isolate(builder.environment());
        env.keySet().removeIf(key -> key.startsWith("PG"));
        env.putAll(state.variables());
        env.put("HOME", home.toString());
        return builder.start();
    }

    private static String finish(Process process) throws Exception {
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(120, TimeUnit.SECONDS), "finished");
        assertEquals(ExitCode.OK, process.exitValue(), output);
        return output;
    }

    private static JsonNode json(String output) throws Exception {
        return MAPPER.readTree(output);
    }
}

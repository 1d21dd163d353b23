package io.clambake.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.clambake.domain.ClambakeException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Where the machine id comes from: the variable, the system's id, or one kept in the config directory. */
class MachineIdTest {
    private static final String SYSTEM_ID = "4f1c2a9e8b7d6c5e4f3a2b1c0d9e8f7a";

    @TempDir
    Path temp;

    @Test
    void theSystemIdIsUsedThroughADigestThatDoesNotShowIt() throws Exception {
        Path system = Files.writeString(temp.resolve("machine-id"), SYSTEM_ID + "\n");
        Path other = Files.writeString(temp.resolve("other-machine-id"), SYSTEM_ID.replace('4', '5') + "\n");

        String id = MachineId.of(env(Map.of()), List.of(system), temp.resolve("config/machine-id"));

        assertTrue(id.matches("[0-9a-f]{16}"), id);
        assertTrue(!SYSTEM_ID.contains(id), "the system's id does not show: " + id);
        assertEquals(id, MachineId.of(env(Map.of()), List.of(system), temp.resolve("config/machine-id")));
        assertNotEquals(id, MachineId.of(env(Map.of()), List.of(other), temp.resolve("config/machine-id")));
        assertTrue(Files.notExists(temp.resolve("config")), "nothing stored when the system has an id");
    }

    @Test
    void withoutASystemIdOneIsMadeOnceAndKeptPrivate() throws Exception {
        Path empty = Files.writeString(temp.resolve("empty-machine-id"), "");
        Path stored = temp.resolve("config/clambake/machine-id");

        String first = MachineId.of(env(Map.of()), List.of(temp.resolve("missing"), empty), stored);
        String second = MachineId.of(env(Map.of()), List.of(empty), stored);

        assertTrue(first.matches("[0-9a-f]{16}"), first);
        assertEquals(first, second);
        assertEquals(first, Files.readString(stored).strip());
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(stored)));
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(stored.getParent())));
        try (var files = Files.list(stored.getParent())) {
            assertEquals(1, files.count(), "no scratch file left behind");
        }
    }

    @Test
    void commandsRacingToMakeTheIdAgreeOnOne() throws Exception {
        Path stored = temp.resolve("race/machine-id");
        int racers = 8;
        CyclicBarrier start = new CyclicBarrier(racers);
        ExecutorService pool = Executors.newFixedThreadPool(racers);
        Set<String> ids = new HashSet<>();
        try {
            List<Future<String>> futures = new ArrayList<>();
            for (int i = 0; i < racers; i++) {
                futures.add(pool.submit(() -> {
                    start.await();
                    return MachineId.of(env(Map.of()), List.of(), stored);
                }));
            }
            for (Future<String> f : futures) {
                ids.add(f.get());
            }
        } finally {
            pool.shutdown();
        }
        assertEquals(1, ids.size(), ids::toString);
        assertEquals(ids.iterator().next(), Files.readString(stored).strip());
    }

    @Test
    void anIdThatCannotBeKeptIsNoId() throws Exception {
        Path file = Files.writeString(temp.resolve("a-file"), "x");
        assertEquals("", MachineId.of(env(Map.of()), List.of(), file.resolve("clambake/machine-id")));
    }

    @Test
    void theVariableWinsAndMustBeAnId() throws Exception {
        Path system = Files.writeString(temp.resolve("machine-id"), SYSTEM_ID);
        assertEquals(
                "clone-7",
                MachineId.of(env(Map.of(MachineId.VARIABLE, "clone-7")), List.of(system), temp.resolve("x")));
        assertThrows(
                ClambakeException.class,
                () -> MachineId.of(env(Map.of(MachineId.VARIABLE, "two words")), List.of(system), temp.resolve("x")));
    }

    private Environment env(Map<String, String> variables) {
        return new Environment(variables, temp, temp, InputStream.nullInputStream());
    }
}

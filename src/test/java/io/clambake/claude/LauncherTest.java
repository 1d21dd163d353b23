package io.clambake.claude;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** How init and the briefing spell the command that runs clambake once. */
class LauncherTest {
    @TempDir
    Path dir;

    @Test
    void theBashLauncherIsRunByBashWithoutEnvInBetween() throws Exception {
        Path script = dir.resolve("clambake");
        Files.copy(Path.of("bin/clambake"), script);
        assertEquals(List.of("bash", script.toString()), Launcher.forShortRuns(List.of(script.toString())));
        assertEquals(
                "bash " + script + " hook --project shop",
                Launcher.shell(List.of("bash", script.toString(), "hook", "--project", "shop")));
    }

    @Test
    void anyOtherLauncherIsRunAsItIs() throws Exception {
        Path script = Files.writeString(dir.resolve("clambake"), "#!/bin/sh\nexec java -jar x.jar \"$@\"\n");
        assertEquals(List.of(script.toString()), Launcher.forShortRuns(List.of(script.toString())));
        assertEquals(List.of("clambake"), Launcher.forShortRuns(List.of("clambake")));
        assertEquals(
                List.of("/opt/java/bin/java", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-jar", "/opt/c.jar"),
                Launcher.forShortRuns(List.of("/opt/java/bin/java", "-jar", "/opt/c.jar")));
    }
}

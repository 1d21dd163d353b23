package io.clambake.embedded;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.clambake.domain.ClambakeException;
import io.clambake.domain.Failure;
import java.net.URL;
import org.junit.jupiter.api.Test;

class PlatformTest {

    @Test
    void everyPlatformWeShipMapsToAnArchiveInTheBuild() {
        String[][] platforms = {
            {"Linux", "amd64"},
            {"Linux", "aarch64"},
            {"Mac OS X", "x86_64"},
            {"Mac OS X", "aarch64"},
            {"Windows 11", "amd64"}
        };
        for (String[] p : platforms) {
            Platform platform = Platform.of(p[0], p[1]);
            URL archive = Platform.class.getResource("/" + platform.archive());
            assertNotNull(archive, platform + " has no archive on the class path");
        }
        assertEquals(Platform.of("Mac OS X", "x86_64"), Platform.of("Mac OS X", "aarch64"), "one universal archive");
        assertEquals("pg_ctl.exe", Platform.of("Windows 10", "amd64").executable("pg_ctl"));
        assertEquals("pg_ctl", Platform.of("Linux", "amd64").executable("pg_ctl"));
    }

    @Test
    void aPlatformWithoutBinariesFailsWithOneLineThatSaysWhatToDo() {
        ClambakeException e = assertThrows(ClambakeException.class, () -> Platform.of("FreeBSD", "amd64"));
        assertEquals(Failure.DATABASE_UNAVAILABLE, e.failure());
        assertTrue(
                e.getMessage().contains("FreeBSD on amd64") && e.getMessage().contains("CLAMBAKE_DB_URL"),
                e.getMessage());
        assertThrows(ClambakeException.class, () -> Platform.of("Linux", "riscv64"));
        assertThrows(ClambakeException.class, () -> Platform.of("Windows 11", "aarch64"));
    }

    @Test
    void theVersionInTheCodeIsTheVersionOfTheBundledBinaries() {
        URL archive = Platform.class.getResource("/" + Platform.current().archive());
        assertNotNull(archive);
        assertTrue(
                archive.toString().contains("-" + PostgresBinaries.VERSION + ".jar!"),
                "PostgresBinaries.VERSION " + PostgresBinaries.VERSION + " but the archive comes from " + archive);
    }
}

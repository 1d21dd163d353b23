package io.clambake.embedded;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** The one line a failed initdb or server start is reduced to, from output seen on real failures. */
class ProgramsTest {

    @Test
    void aFatalLineWinsAndLosesItsTimestamp() {
        String initdbOnFullDisk = """
                creating configuration files ... ok
                running bootstrap script ... 2026-11-24 12:16:45.175 UTC [4608] FATAL:  could not extend file "base/1/2691": No space left on device
                2026-11-24 12:16:45.175 UTC [4608] HINT:  Check free disk space.
                2026-11-24 12:16:45.175 UTC [4608] PANIC:  cannot abort transaction 1, it was already committed
                initdb: removing contents of data directory "/x/data.initializing"
                """;
        assertEquals(
                "could not extend file \"base/1/2691\": No space left on device",
                Programs.problem(initdbOnFullDisk, 1));
    }

    @Test
    void withoutFatalAnErrorLineThenWhatPostgresWroteBeforeLogging() {
        assertEquals(
                "initdb: error: could not access directory \"/root/x\": Permission denied",
                Programs.problem("initdb: error: could not access directory \"/root/x\": Permission denied\n", 1));
        String missingControlFile = """
                postgres: could not find the database system
                Expected to find it in the directory "/x/data",
                but could not open file "/x/data/global/pg_control": No such file or directory
                """;
        assertEquals(
                "postgres: could not find the database system Expected to find it in the directory \"/x/data\","
                        + " but could not open file \"/x/data/global/pg_control\": No such file or directory",
                Programs.problem(missingControlFile, 1));
        assertEquals("exit code 3", Programs.problem("2026-11-24 12:16:45.175 UTC [1] LOG:  shutting down\n", 3));
    }
}

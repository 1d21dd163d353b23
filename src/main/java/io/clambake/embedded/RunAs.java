package io.clambake.embedded;

import io.clambake.domain.ClambakeException;
import io.clambake.domain.Failure;
import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.UserPrincipal;
import java.nio.file.attribute.UserPrincipalNotFoundException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * initdb, pg_ctl and postgres refuse to run as root. As root, Clambake runs them as the
 * {@code postgres} account (or {@code nobody} where there is none) through runuser or su, and
 * that account owns the data directory. Windows needs nothing: pg_ctl drops administrator rights itself.
 */
record RunAs(String user, UserPrincipal principal) {
    private static final List<String> ACCOUNTS = List.of("postgres", "nobody");

    static boolean isRoot() {
        if (!FileSystems.getDefault().supportedFileAttributeViews().contains("unix")) {
            return false;
        }
        try {
            return ((Number) Files.getAttribute(Path.of("/proc/self"), "unix:uid")).intValue() == 0;
        } catch (IOException | RuntimeException e) {
            return "root".equals(ProcessHandle.current().info().user().orElse(""));
        }
    }

    /** The account to run PostgreSQL as, or empty when the current user can run it. */
    static Optional<RunAs> detect() {
        if (!isRoot()) {
            return Optional.empty();
        }
        for (String account : ACCOUNTS) {
            try {
                UserPrincipal principal =
                        FileSystems.getDefault().getUserPrincipalLookupService().lookupPrincipalByName(account);
                return Optional.of(new RunAs(account, principal));
            } catch (UserPrincipalNotFoundException e) {
                // try the next one
            } catch (IOException e) {
                break;
            }
        }
        throw new ClambakeException(
                Failure.DATABASE_UNAVAILABLE,
                "embedded PostgreSQL cannot run as root, and there "
                        + "is no 'postgres' or 'nobody' account to run it as: run clambake as another user, or set CLAMBAKE_DB_URL");
    }

    List<String> wrap(List<String> command) {
        List<String> wrapped = new ArrayList<>();
        Optional<Path> runuser = firstExecutable("/usr/sbin/runuser", "/sbin/runuser", "/usr/bin/runuser");
        if (runuser.isPresent()) {
            wrapped.addAll(List.of(runuser.get().toString(), "-u", user, "--"));
            wrapped.addAll(command);
            return wrapped;
        }
        StringBuilder shell = new StringBuilder("exec");
        for (String word : command) {
            shell.append(" '").append(word.replace("'", "'\\''")).append('\'');
        }
        wrapped.addAll(List.of(
                firstExecutable("/bin/su", "/usr/bin/su").map(Path::toString).orElse("su"),
                "-s",
                "/bin/sh",
                user,
                "-c",
                shell.toString()));
        return wrapped;
    }

    void own(Path path) throws IOException {
        Files.setOwner(path, principal);
    }

    private static Optional<Path> firstExecutable(String... candidates) {
        for (String candidate : candidates) {
            Path path = Path.of(candidate);
            if (Files.isExecutable(path)) {
                return Optional.of(path);
            }
        }
        return Optional.empty();
    }
}

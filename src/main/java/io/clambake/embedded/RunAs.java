package io.clambake.embedded;

import io.clambake.domain.ClambakeException;
import io.clambake.domain.Failure;
import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.UserPrincipal;
import java.nio.file.attribute.UserPrincipalNotFoundException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * initdb, pg_ctl and postgres refuse to run as root. As root, Clambake runs them through runuser
 * or su as a system account of its own, {@code clambake}, made with useradd when it is missing:
 * not the shared {@code postgres} account, whose owner (and the machine's own PostgreSQL, which
 * runs as it) could otherwise read root's Clambake data. That account owns the data directory. A
 * cluster made before Clambake had its own account stays with {@code postgres}; where no account
 * can be made, {@code postgres} or {@code nobody} it is (README, "The embedded server"). Windows
 * needs nothing: pg_ctl drops administrator rights itself.
 */
record RunAs(String user, UserPrincipal principal) {
    static final String OWN_ACCOUNT = "clambake";
    private static final String LEGACY_ACCOUNT = "postgres";
    private static final List<String> ACCOUNTS = List.of(OWN_ACCOUNT, LEGACY_ACCOUNT, "nobody");

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

    /** The account to run PostgreSQL as for the cluster in {@code dataDir}, or empty when the current user can run it. */
    static Optional<RunAs> detect(Path dataDir) {
        if (!isRoot()) {
            return Optional.empty();
        }
        List<String> accounts = new ArrayList<>(ACCOUNTS);
        try {
            if (Files.isDirectory(dataDir) && Files.getOwner(dataDir).getName().equals(LEGACY_ACCOUNT)) {
                accounts.add(0, LEGACY_ACCOUNT);
            } else {
                ensureOwnAccount();
            }
        } catch (IOException e) {
            // the data directory's check reports it
        }
        for (String account : accounts) {
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

    /** useradd --system clambake, when the account is missing; a failure leaves the next account in line. */
    private static void ensureOwnAccount() {
        try {
            FileSystems.getDefault().getUserPrincipalLookupService().lookupPrincipalByName(OWN_ACCOUNT);
            return;
        } catch (IOException e) {
            // missing: make it
        }
        Optional<Path> useradd = firstExecutable("/usr/sbin/useradd", "/sbin/useradd", "/usr/bin/useradd");
        if (useradd.isEmpty()) {
            return;
        }
        try {
            Process p = new ProcessBuilder(
                            useradd.get().toString(),
                            "--system",
                            "--user-group",
                            "--no-create-home",
                            "--home-dir",
                            "/nonexistent",
                            "--shell",
                            "/usr/sbin/nologin",
                            "--comment",
                            "Clambake embedded PostgreSQL",
                            OWN_ACCOUNT)
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .start();
            p.waitFor();
        } catch (IOException e) {
            // another account then
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The account's own group, through which it may enter the state directory; empty when there is none. */
    Optional<GroupPrincipal> group() {
        try {
            return Optional.of(
                    FileSystems.getDefault().getUserPrincipalLookupService().lookupPrincipalByGroupName(user));
        } catch (IOException e) {
            return Optional.empty();
        }
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

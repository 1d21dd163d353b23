package io.clambake.config;

import io.clambake.domain.ClambakeException;
import java.io.IOException;
import java.nio.file.Path;

/**
 * Which directories an instance may be registered in. A registered directory is the identity of
 * every unregistered directory below it, so none that holds other people's or other projects'
 * work may be one: a file-system root, the home directory or one of its parents, the temporary
 * directory ({@code $TMPDIR}, the JVM's, {@code /tmp}). Symbolic links are followed both ways.
 */
public final class RegistrableDirectory {
    private RegistrableDirectory() {}

    /** {@code directory}, absolute and normalised, when it may be registered; exit 2 otherwise. */
    public static Path check(Environment env, Path directory) {
        Path real = realPath(directory);
        Path home = env.home().toAbsolutePath().normalize();
        String what = null;
        if (directory.getParent() == null || real.getParent() == null) {
            what = "the root of the file system";
        } else if (directory.equals(home) || real.equals(realPath(home))) {
            what = "your home directory";
        } else if (home.startsWith(directory) || realPath(home).startsWith(real)) {
            what = "a parent of your home directory";
        } else if (isTemporaryDirectory(env, directory, real)) {
            what = "the temporary directory";
        }
        if (what != null) {
            throw ClambakeException.invalid("will not register " + directory + ", " + what
                    + ": it would be the identity of every unregistered directory below it; register in a"
                    + " project's directory");
        }
        return directory;
    }

    private static boolean isTemporaryDirectory(Environment env, Path directory, Path real) {
        for (String tmp : new String[] {env.get("TMPDIR"), System.getProperty("java.io.tmpdir"), "/tmp"}) {
            if (tmp != null) {
                Path t = Path.of(tmp).toAbsolutePath().normalize();
                if (t.equals(directory) || realPath(t).equals(real)) {
                    return true;
                }
            }
        }
        return false;
    }

    /** The path with symbolic links resolved, or the path itself when it does not exist. */
    private static Path realPath(Path p) {
        try {
            return p.toRealPath();
        } catch (IOException | RuntimeException e) {
            return p.toAbsolutePath().normalize();
        }
    }
}

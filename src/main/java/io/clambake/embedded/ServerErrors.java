package io.clambake.embedded;

import io.clambake.domain.ClambakeException;
import io.clambake.domain.Failure;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;

/** The embedded server's failures: exit code 5, like any database that cannot be used, and one line. */
final class ServerErrors {
    private ServerErrors() {}

    static ClambakeException failure(String message) {
        return failure(message, null);
    }

    static ClambakeException failure(String message, Throwable cause) {
        return new ClambakeException(Failure.DATABASE_UNAVAILABLE, "embedded PostgreSQL: " + message, cause);
    }

    /** An I/O error as a user reads it: "No space left on device", not the exception's class. */
    static String describe(IOException e) {
        if (e instanceof AccessDeniedException denied) {
            return "permission denied: " + denied.getFile();
        }
        if (e instanceof FileSystemException fs && fs.getReason() != null) {
            return (fs.getFile() == null ? "" : fs.getFile() + ": ") + fs.getReason();
        }
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }
}

package io.clambake.domain;

/** A failure with a message fit to show a user as it is: one line, no secrets. */
public class ClambakeException extends RuntimeException {
    private final Failure failure;

    public ClambakeException(Failure failure, String message) {
        this(failure, message, null);
    }

    public ClambakeException(Failure failure, String message, Throwable cause) {
        super(message, cause);
        this.failure = failure;
    }

    /** The instance that holds what the command wanted (exit 6), else null; the error document names it. */
    public String holder() {
        return null;
    }

    public Failure failure() {
        return failure;
    }

    public static ClambakeException invalid(String message) {
        return new ClambakeException(Failure.INVALID_INPUT, message);
    }

    public static ClambakeException notFound(String message) {
        return new ClambakeException(Failure.NOT_FOUND, message);
    }
}

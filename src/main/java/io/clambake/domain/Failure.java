package io.clambake.domain;

/** Why a command failed, and the one documented exit code each kind of failure ends with. */
public enum Failure {
    INVALID_INPUT(ExitCode.USAGE),
    NOT_FOUND(ExitCode.NOT_FOUND),
    NOT_REGISTERED(ExitCode.NOT_REGISTERED),
    DATABASE_UNAVAILABLE(ExitCode.UNAVAILABLE),
    HELD(ExitCode.HELD),
    INTERNAL(ExitCode.OTHER);

    private final int exitCode;

    Failure(int exitCode) {
        this.exitCode = exitCode;
    }

    public int exitCode() {
        return exitCode;
    }
}

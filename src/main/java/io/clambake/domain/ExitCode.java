package io.clambake.domain;

/** Clambake's documented exit codes, for the command line, the MCP server's error documents and the tests. */
public final class ExitCode {
    public static final int OK = 0;
    /** Anything else: a bug, or a failed schema migration. */
    public static final int OTHER = 1;

    public static final int USAGE = 2;
    public static final int NOT_FOUND = 3;
    public static final int NOT_REGISTERED = 4;
    public static final int UNAVAILABLE = 5;
    /** A lease target is held by another instance (lease, and the pre-commit guard). */
    public static final int HELD = 6;

    private ExitCode() {}
}

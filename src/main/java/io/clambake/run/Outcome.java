package io.clambake.run;

/** What a command line run in-process printed, and how it ended. */
public record Outcome(int code, String out, String err) {}

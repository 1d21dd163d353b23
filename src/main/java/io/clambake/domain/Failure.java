package io.clambake.domain;

/** Why a command failed; the CLI maps each kind to one documented exit code. */
public enum Failure {
    INVALID_INPUT,
    NOT_FOUND,
    NOT_REGISTERED,
    DATABASE_UNAVAILABLE,
    INTERNAL
}

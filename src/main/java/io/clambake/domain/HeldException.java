package io.clambake.domain;

/** A lease target held by another instance: exit 6, and the error document names the holder. */
public final class HeldException extends ClambakeException {
    private final String holder;

    public HeldException(String holder, String message) {
        super(Failure.HELD, message);
        this.holder = holder;
    }

    @Override
    public String holder() {
        return holder;
    }
}

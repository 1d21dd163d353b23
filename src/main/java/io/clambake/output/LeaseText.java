package io.clambake.output;

import io.clambake.domain.Lease;
import io.clambake.domain.LeaseTarget;
import java.time.Duration;
import java.time.OffsetDateTime;

/**
 * How a lease reads to people and agents: the refusal that {@code lease}, the PreToolUse hook
 * and the pre-commit guard all give (who holds it, their task and reason, until when, and the
 * exact commands to ask them or to wait), and one line per lease for lists.
 */
public final class LeaseText {
    private LeaseText() {}

    /** One line: {@code wanted} is held by the lease's holder, and what to do about it. */
    public static String held(LeaseTarget wanted, Lease lease, OffsetDateTime now) {
        String on = lease.target().target().equals(wanted.target())
                        && lease.target().kind() == wanted.kind()
                ? ""
                : " (under its " + (lease.shared() ? "shared " : "") + "lease on "
                        + lease.target().label() + ")";
        Duration left = Duration.between(now, lease.expiresAt());
        return wanted.label() + " is held by " + lease.holder() + on + " on host " + lease.host()
                + ", task: " + (lease.task() == null ? "(none)" : Text.oneLine(lease.task(), 100))
                + ", reason: " + (lease.reason() == null ? "(none)" : Text.oneLine(lease.reason(), 100))
                + ", until " + lease.expiresAt().toInstant() + " (in " + Text.span(left) + ")"
                + ". Ask them: clambake send --to " + lease.holder() + " --type request --subject 'Release "
                + wanted.label() + "?'; or wait for it: clambake lease " + command(wanted) + " --wait "
                + Text.span(left.plusSeconds(60));
    }

    /** The lease command line part that names the target again. */
    private static String command(LeaseTarget t) {
        return t.kind() == LeaseTarget.Kind.RESOURCE ? "--resource " + t.target() : "'" + t.target() + "'";
    }

    /** A list line: target, kind, holder, host, since, expiry, task, reason. */
    public static String[] row(Lease l, OffsetDateTime now) {
        return new String[] {
            Text.oneLine(l.target().label(), 60),
            l.shared() ? "shared" : "exclusive",
            l.holder(),
            l.host(),
            Text.age(l.acquiredAt(), now),
            "in " + Text.span(Duration.between(now, l.expiresAt())),
            Text.oneLine(l.task() == null ? "-" : l.task(), 40),
            Text.oneLine(l.reason() == null ? "-" : l.reason(), 40)
        };
    }

    public static final String[] HEADER = {"TARGET", "KIND", "HOLDER", "HOST", "SINCE", "EXPIRES", "TASK", "REASON"};
}

package io.clambake.domain;

import java.time.OffsetDateTime;

/**
 * A lease as stored: its target in a project, exclusive or shared, who holds it (name, host,
 * task, when last seen, whether live) and until when. {@code renewed}: this call renewed a lease
 * the holder already had, rather than taking a new one.
 */
public record Lease(
        long id,
        String project,
        LeaseTarget target,
        boolean shared,
        String holder,
        String host,
        String task,
        String reason,
        OffsetDateTime acquiredAt,
        OffsetDateTime expiresAt,
        OffsetDateTime holderSeen,
        boolean holderLive,
        boolean renewed) {

    public Lease renewed(boolean renewed) {
        return new Lease(
                id,
                project,
                target,
                shared,
                holder,
                host,
                task,
                reason,
                acquiredAt,
                expiresAt,
                holderSeen,
                holderLive,
                renewed);
    }

    /** Whether this lease keeps {@code wanted} (shared or not) from another holder. */
    public boolean blocks(LeaseTarget wanted, boolean wantShared) {
        return !(shared && wantShared) && target.overlaps(wanted);
    }
}

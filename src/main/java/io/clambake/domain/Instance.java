package io.clambake.domain;

import java.time.Duration;
import java.time.OffsetDateTime;

public record Instance(
        long id,
        String name,
        String host,
        String machine,
        String dir,
        String project,
        Long pid,
        String task,
        OffsetDateTime registeredAt,
        OffsetDateTime startedAt,
        OffsetDateTime lastSeen,
        OffsetDateTime leftAt,
        String leftReason) {

    public boolean live() {
        return leftAt == null;
    }

    public boolean staleAt(OffsetDateTime now, Duration staleAfter) {
        return lastSeen.plus(staleAfter).isBefore(now);
    }
}

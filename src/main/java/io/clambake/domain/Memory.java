package io.clambake.domain;

import java.time.OffsetDateTime;

/**
 * {@code updatedBy} is the instance that last changed it (its author until an update-memory);
 * {@code rank} is the full-text rank of a search hit, null when listed without a search.
 */
public record Memory(
        long id,
        MemoryScope scope,
        String project,
        MemoryType type,
        String title,
        String content,
        MemoryStatus status,
        String author,
        OffsetDateTime createdAt,
        OffsetDateTime updatedAt,
        String updatedBy,
        Double rank) {}

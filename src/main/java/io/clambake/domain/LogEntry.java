package io.clambake.domain;

import java.time.OffsetDateTime;

public record LogEntry(
        long id, String instance, String project, String action, String summary, OffsetDateTime createdAt) {}

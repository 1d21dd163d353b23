package io.clambake.domain;

import java.time.OffsetDateTime;

/**
 * A message as one reader sees it. {@code to} is the recipient's name, {@code @all} or
 * {@code @project:P}; {@code readAt} is this reader's own read mark (null while unread).
 * {@code withheld}: a direct message between two other instances, whose subject and body are
 * for them only and so are null here.
 */
public record Message(
        long id,
        String from,
        String to,
        MessageType type,
        String subject,
        String body,
        OffsetDateTime createdAt,
        OffsetDateTime expiresAt,
        OffsetDateTime readAt,
        boolean withheld) {}

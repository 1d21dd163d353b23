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
        boolean withheld,
        Long replyTo,
        long thread,
        OffsetDateTime closedAt,
        OffsetDateTime ackedAt) {
    /** A reply's default subject: "Re: " before the original's (once), cut to {@code max} characters. */
    public static String replySubject(String original, int max) {
        String subject = original.regionMatches(true, 0, "Re: ", 0, 4) ? original : "Re: " + original;
        return subject.codePointCount(0, subject.length()) <= max
                ? subject
                : subject.substring(0, subject.offsetByCodePoints(0, max));
    }
}

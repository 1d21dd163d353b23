package io.clambake.db;

import io.clambake.domain.Instance;
import io.clambake.domain.Message;
import io.clambake.domain.MessageType;
import io.clambake.domain.Page;
import io.clambake.domain.Recipient;
import io.clambake.domain.Rules;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Optional;

/** Writes of messages: sending, read marks, reminder claims and expiry. Reads that change nothing are in MessageQueries. */
public final class MessageDao {
    private final Connection connection;

    public MessageDao(Connection connection) {
        this.connection = connection;
    }

    public record Read(Message message, boolean firstRead) {}

    /** What {@link #send} stored, or found already stored under the same idempotency key. */
    public record Sent(Message message, boolean first) {}

    /**
     * {@code recipientId} is the resolved instance for a direct message, else null.
     * {@code replyTo}: the message this one answers (the caller checked the sender may read it),
     * else null; the reply joins its thread. A {@code done} reply of a blocker's sender closes
     * the blocker in the same statement. With an {@code idempotencyKey} (else null), a live
     * message of this sender under the same key is returned instead of storing another: the
     * unique index of V12 decides between racing sends (ON CONFLICT DO NOTHING waits for the
     * other insert), and the message is then read back in a statement of its own, whose snapshot
     * sees the one that won. The insert is the first statement, so a send whose answer is lost
     * has either stored its message or nothing.
     */
    public Sent send(
            long senderId,
            Recipient to,
            Long recipientId,
            MessageType type,
            String subject,
            String body,
            Duration ttl,
            Long replyTo,
            String idempotencyKey)
            throws SQLException {
        String audience =
                to instanceof Recipient.Direct ? "direct" : to instanceof Recipient.Everyone ? "all" : "project";
        String project = to instanceof Recipient.Project p ? p.project() : null;
        String sql = """
                WITH closed AS (
                    UPDATE messages SET closed_at = now(), closed_by = ?
                     WHERE id = ? AND ? = 'done' AND type = 'blocker' AND sender_id = ? AND closed_at IS NULL
                    RETURNING id),
                m AS (
                    INSERT INTO messages (sender_id, audience, recipient_id, project, type, subject, body, expires_at,
                                          reply_to, thread_id, idempotency_key)
                    VALUES (?, ?, ?, ?, ?, ?, ?, now() + make_interval(secs => ?),
                            ?, (SELECT coalesce(o.thread_id, o.id) FROM messages o WHERE o.id = ?), ?)
                    ON CONFLICT (sender_id, idempotency_key) WHERE idempotency_key IS NOT NULL DO NOTHING
                    RETURNING *)
                SELECT %s, NULL::timestamptz AS read_at FROM %s CROSS JOIN m %s
                """.formatted(MessageRows.COLUMNS, MessageRows.VIEWER, MessageRows.JOINS);
        for (int attempt = 0; ; attempt++) {
            Optional<Message> stored = Sql.one(
                    connection,
                    sql,
                    MessageRows::map,
                    senderId,
                    replyTo,
                    type.label(),
                    senderId,
                    senderId,
                    audience,
                    recipientId,
                    project,
                    type.label(),
                    subject,
                    body,
                    (double) ttl.toSeconds(),
                    replyTo,
                    replyTo,
                    idempotencyKey,
                    senderId);
            if (stored.isPresent()) {
                return new Sent(stored.get(), true);
            }
            String existing = """
                    SELECT %s, NULL::timestamptz AS read_at FROM %s CROSS JOIN messages m %s
                     WHERE m.sender_id = ? AND m.idempotency_key = ? AND m.expires_at > now()
                    """.formatted(MessageRows.COLUMNS, MessageRows.VIEWER, MessageRows.JOINS);
            Optional<Message> first =
                    Sql.one(connection, existing, MessageRows::map, senderId, senderId, idempotencyKey);
            if (first.isPresent()) {
                return new Sent(first.get(), false);
            }
            // The key's message has expired (or was cleaned up meanwhile): a key names one message
            // for that message's lifetime, so the expired one gives it up and the insert goes again.
            if (attempt >= 3) {
                throw new SQLException("idempotency key kept changing hands: " + idempotencyKey);
            }
            Sql.update(connection, """
                    UPDATE messages SET idempotency_key = NULL
                     WHERE sender_id = ? AND idempotency_key = ? AND expires_at <= now()
                    """, senderId, idempotencyKey);
        }
    }

    public record Ack(Message message, boolean first) {}

    /**
     * Records that the reader acknowledged a live message addressed to it ("seen, on it"). A
     * second ack keeps the first's time. Empty when the message is unknown, expired or not
     * addressed to the reader.
     */
    public Optional<Ack> ack(Instance reader, long id) throws SQLException {
        String sql = """
                INSERT INTO message_acks (message_id, instance_id)
                SELECT m.id, ? FROM messages m
                 WHERE m.id = ? AND m.expires_at > now() AND m.sender_id <> ?
                   AND ((m.audience = 'direct' AND m.recipient_id = ?) OR m.audience = 'all'
                        OR (m.audience = 'project' AND m.project = ?))
                ON CONFLICT (message_id, instance_id) DO UPDATE SET acked_at = message_acks.acked_at
                RETURNING (xmax = 0) AS first_ack
                """;
        Optional<Boolean> first = Sql.one(
                connection, sql, rs -> rs.getBoolean(1), reader.id(), id, reader.id(), reader.id(), reader.project());
        if (first.isEmpty()) {
            return Optional.empty();
        }
        // A statement does not see its own insert: the message, acknowledgement included, is read after it.
        return new MessageQueries(connection).readable(reader.id(), id).map(m -> new Ack(m, first.get()));
    }

    /**
     * Closes an open blocker of the caller's own, or any the human overseer sees when the caller
     * is the overseer; empty when there is none such (the caller tells the reasons apart by
     * looking the message up).
     */
    public Optional<Message> close(Instance caller, long id) throws SQLException {
        String sql = """
                WITH m AS (
                    UPDATE messages m SET closed_at = now(), closed_by = ?
                     WHERE m.id = ? AND m.type = 'blocker' AND m.closed_at IS NULL AND m.expires_at > now()
                       AND (m.sender_id = ? OR (? AND message_readable_by(m, ?)))
                    RETURNING *)
                SELECT %s, NULL::timestamptz AS read_at FROM %s CROSS JOIN m %s
                """.formatted(MessageRows.COLUMNS, MessageRows.VIEWER, MessageRows.JOINS);
        return Sql.one(
                connection,
                sql,
                MessageRows::map,
                caller.id(),
                id,
                caller.id(),
                Rules.OVERSEER.equals(caller.name()), // the name is the overseer's alone (V9)
                caller.id(),
                caller.id());
    }

    /**
     * Picks the reader's unread messages that session {@code sessionId} has not yet been
     * reminded of, urgent types (blocker, warning) first, then newest, and records them as shown
     * to that session. The record is an insert with ON CONFLICT DO NOTHING and only messages this
     * call recorded come back, so two racing hooks of one session never both return a message.
     * With {@code again} (a briefing after compaction) already-shown messages count as well and
     * all picked ones come back. {@code total} is how many were pending before this call.
     * {@code wake}: which messages count (a Stop-hook waiter's choice), null for all. A closed
     * blocker is no news any more: it stays in the inbox but is never reminded of.
     */
    public Page<Message> remind(Instance reader, String sessionId, int limit, boolean again) throws SQLException {
        // Hooks run this at every prompt and after every tool call. Planned for each run's values
        // it cost more (1.1-1.4 ms on the benchmark's data) than it took to run (0.6 ms); the
        // generic plan reads the same indexes and runs as fast (HookPlanTest explains it).
        return Sql.withGenericPlans(connection, () -> remind(reader, sessionId, limit, again, null));
    }

    public Page<Message> remind(Instance reader, String sessionId, int limit, boolean again, Wake wake)
            throws SQLException {
        String sql =
                """
                WITH pending AS MATERIALIZED (
                    SELECT m.id, m.type IN ('blocker', 'warning') AS urgent
                      FROM unread_messages(?, ?, ?) AS v JOIN messages m ON m.id = v.id
                     WHERE (? OR NOT EXISTS (SELECT 1 FROM shown_messages sm
                                              WHERE sm.session_id = ? AND sm.message_id = v.id))
                       AND (? OR (? AND m.audience = 'direct') OR m.type = ANY (?))
                       AND m.closed_at IS NULL),
                picked AS (
                    SELECT id FROM pending ORDER BY urgent DESC, id DESC LIMIT ?),
                shown AS (
                    INSERT INTO shown_messages (session_id, message_id)
                    SELECT ?, id FROM picked
                    ON CONFLICT DO NOTHING
                    RETURNING message_id AS id)
                SELECT %s, NULL::timestamptz AS read_at, (SELECT count(*) FROM pending) AS total
                  FROM %s CROSS JOIN %s p JOIN messages m ON m.id = p.id %s
                 ORDER BY m.type IN ('blocker', 'warning') DESC, m.id DESC
                """.formatted(MessageRows.COLUMNS, MessageRows.VIEWER, again ? "picked" : "shown", MessageRows.JOINS);
        return Sql.page(
                connection,
                sql,
                MessageRows::map,
                reader.id(),
                reader.project(),
                reader.registeredAt(),
                again,
                sessionId,
                wake == null,
                wake != null && wake.direct(),
                wake == null
                        ? new String[0]
                        : wake.types().stream().map(MessageType::label).toArray(String[]::new),
                limit,
                sessionId,
                reader.id());
    }

    /** Which unread messages wake a waiting agent: every direct message when {@code direct}, and those of {@code types}. */
    public record Wake(boolean direct, java.util.Set<MessageType> types) {}

    /**
     * Shows one message to the reader and marks it read for this reader only. The mark is one
     * upsert that leaves an existing read time as it is: a racing second read waits for the
     * first, then returns the first's read time (a DO NOTHING would return nothing, and a
     * look-up in the same statement could not see a mark committed after it began).
     * The reader may also look at messages it sent itself, without marking them.
     */
    public Optional<Read> read(Instance reader, long id) throws SQLException {
        String sql = """
                WITH target AS (
                    SELECT m.id,
                           (m.audience = 'direct' AND m.recipient_id = ?) OR m.audience = 'all'
                           OR (m.audience = 'project' AND m.project = ?) AS addressed
                      FROM messages m
                     WHERE m.id = ? AND m.expires_at > now()),
                mark AS (
                    INSERT INTO message_reads (message_id, reader_id)
                    SELECT id, ? FROM target WHERE addressed
                    ON CONFLICT (reader_id, message_id) DO UPDATE SET read_at = message_reads.read_at
                    RETURNING read_at, (xmax = 0) AS first_read)
                SELECT %s, (SELECT read_at FROM mark) AS read_at,
                       coalesce((SELECT first_read FROM mark), false) AS first_read
                  FROM %s CROSS JOIN messages m JOIN target t ON t.id = m.id %s
                 WHERE t.addressed OR m.sender_id = ?
                """.formatted(MessageRows.COLUMNS, MessageRows.VIEWER, MessageRows.JOINS);
        return Sql.one(
                connection,
                sql,
                rs -> new Read(MessageRows.map(rs), rs.getBoolean("first_read")),
                reader.id(),
                reader.project(),
                id,
                reader.id(),
                reader.id(),
                reader.id());
    }

    /**
     * Claims the reader's oldest unread message. Two processes racing as one reader each get a
     * different message: the loser of a tie finds the read mark taken and moves on.
     */
    public Optional<Read> readNext(Instance reader) throws SQLException {
        String sql = """
                WITH next AS (
                    SELECT v.id FROM unread_messages(?, ?, ?) AS v
                     ORDER BY v.id
                     LIMIT 1),
                mark AS (
                    INSERT INTO message_reads (message_id, reader_id)
                    SELECT id, ? FROM next
                    ON CONFLICT DO NOTHING
                    RETURNING message_id)
                SELECT (SELECT id FROM next) AS candidate, (SELECT message_id FROM mark) AS claimed
                """;
        while (true) {
            Long[] outcome = Sql.one(
                            connection,
                            sql,
                            rs -> new Long[] {Sql.nullableLong(rs, "candidate"), Sql.nullableLong(rs, "claimed")},
                            reader.id(),
                            reader.project(),
                            reader.registeredAt(),
                            reader.id())
                    .orElseThrow();
            if (outcome[0] == null) {
                return Optional.empty();
            }
            if (outcome[1] != null) {
                return read(reader, outcome[1]).map(r -> new Read(r.message(), true));
            }
        }
    }

    /**
     * Deletes expired messages in short batches, each its own statement, skipping rows another
     * cleanup holds, so concurrent cleanups share the work and never wait on each other.
     */
    public long deleteExpired(int batchSize) throws SQLException {
        String sql = """
                DELETE FROM messages
                 WHERE id IN (SELECT id FROM messages
                               WHERE expires_at <= now()
                               LIMIT ?
                               FOR UPDATE SKIP LOCKED)
                """;
        long total = 0;
        int deleted;
        do {
            deleted = Sql.update(connection, sql, batchSize);
            total += deleted;
        } while (deleted == batchSize);
        return total;
    }
}

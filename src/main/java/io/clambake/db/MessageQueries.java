package io.clambake.db;

import io.clambake.domain.Instance;
import io.clambake.domain.Message;
import io.clambake.domain.Page;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Reads of messages that change nothing: a reader's unread mail, open blockers, recent traffic. */
public final class MessageQueries {
    private final Connection connection;

    public MessageQueries(Connection connection) {
        this.connection = connection;
    }

    /** The reader's unread messages, newest first, and how many there are in all. */
    public Page<Message> unread(Instance reader, int limit) throws SQLException {
        String sql = """
                WITH unread AS MATERIALIZED (SELECT id FROM unread_messages(?, ?, ?)),
                page AS (SELECT id FROM unread ORDER BY id DESC LIMIT ?)
                SELECT %s, NULL::timestamptz AS read_at, (SELECT count(*) FROM unread) AS total
                  FROM %s CROSS JOIN page p JOIN messages m ON m.id = p.id %s
                 ORDER BY m.id DESC
                """.formatted(MessageRows.COLUMNS, MessageRows.VIEWER, MessageRows.JOINS);
        return Sql.page(
                connection,
                sql,
                MessageRows::map,
                reader.id(),
                reader.project(),
                reader.registeredAt(),
                limit,
                reader.id());
    }

    /**
     * Open blockers (not closed, sender still registered) from others addressed to the reader, read or not, newest first, and how many
     * there are. Unlike the inbox this includes broadcasts from before the reader first
     * registered: a newcomer needs to know what is blocked right now. The audience conditions let
     * the planner combine the per-audience partial indexes instead of reading every message.
     */
    public Page<Message> blockers(Instance reader, int limit) throws SQLException {
        String sql = """
                SELECT %s, NULL::timestamptz AS read_at, count(*) OVER () AS total
                  FROM %s CROSS JOIN messages m %s
                 WHERE m.type = 'blocker' AND m.closed_at IS NULL AND m.expires_at > now() AND m.sender_id <> ?
                   AND ((m.audience = 'direct' AND m.recipient_id = ?) OR m.audience = 'all'
                        OR (m.audience = 'project' AND m.project = ?))
                 ORDER BY m.id DESC
                 LIMIT ?
                """.formatted(MessageRows.COLUMNS, MessageRows.VIEWER, MessageRows.JOINS);
        return Sql.page(
                connection, sql, MessageRows::map, reader.id(), reader.id(), reader.id(), reader.project(), limit);
    }

    /**
     * The latest messages as the human overseer may see them (the one privacy rule, with the
     * overseer as the viewer): every broadcast whole, a direct message whole only when the
     * overseer sent or received it. With {@code project}: messages from or to its instances, to
     * the project, and to everyone.
     */
    public List<Message> overseen(String project, int limit) throws SQLException {
        String sql = """
                SELECT %s, NULL::timestamptz AS read_at
                  FROM %s CROSS JOIN messages m %s
                 WHERE m.expires_at > now()
                   AND (?::text IS NULL OR m.audience = 'all' OR s.project = ? OR r.project = ? OR m.project = ?)
                 ORDER BY m.id DESC
                 LIMIT ?
                """.formatted(MessageRows.COLUMNS, MessageRows.OVERSEER, MessageRows.JOINS);
        return Sql.list(connection, sql, MessageRows::map, project, project, project, project, limit);
    }

    /**
     * The latest messages of any audience, optionally those touching one project, as {@code viewer}
     * (the caller's instance id, null when it is not registered) may see them: direct messages
     * between two others come without subject and body.
     */
    public List<Message> recent(Long viewer, String project, int limit) throws SQLException {
        String sql = """
                SELECT %s, NULL::timestamptz AS read_at
                  FROM %s CROSS JOIN messages m %s
                 WHERE m.expires_at > now()
                   AND (?::text IS NULL OR s.project = ? OR r.project = ? OR m.project = ?)
                 ORDER BY m.id DESC
                 LIMIT ?
                """.formatted(MessageRows.COLUMNS, MessageRows.VIEWER, MessageRows.JOINS);
        return Sql.list(connection, sql, MessageRows::map, viewer, project, project, project, project, limit);
    }

    /**
     * The open blockers of the swarm (or of those touching one project), newest first, as
     * {@code viewer} may see them.
     */
    public List<Message> openBlockers(Long viewer, String project, int limit) throws SQLException {
        return Sql.list(connection, OPEN_BLOCKERS, MessageRows::map, viewer, project, project, project, project, limit);
    }

    private static final String OPEN_BLOCKERS =
            """
            SELECT %s, NULL::timestamptz AS read_at
              FROM %s CROSS JOIN messages m %s
             WHERE m.type = 'blocker' AND m.closed_at IS NULL AND m.expires_at > now()
               AND (?::text IS NULL OR s.project = ? OR r.project = ? OR m.project = ?)
             ORDER BY m.id DESC
             LIMIT ?
            """.formatted(MessageRows.COLUMNS, MessageRows.VIEWER, MessageRows.JOINS);

    /**
     * One live message as {@code viewer} (an instance id, or null) may read it: empty when it is
     * unknown, expired, or a direct message between two others.
     */
    public Optional<Message> readable(Long viewer, long id) throws SQLException {
        String sql = """
                SELECT %s, NULL::timestamptz AS read_at
                  FROM %s CROSS JOIN messages m %s
                 WHERE m.id = ? AND m.expires_at > now() AND message_readable_by(m, viewer.id)
                """.formatted(MessageRows.COLUMNS, MessageRows.VIEWER, MessageRows.JOINS);
        return Sql.one(connection, sql, MessageRows::map, viewer, id);
    }

    /** The live messages of a conversation, oldest first, as {@code viewer} may see them. */
    public List<Message> thread(Long viewer, long thread, int limit) throws SQLException {
        String sql = """
                SELECT %s, NULL::timestamptz AS read_at
                  FROM %s CROSS JOIN messages m %s
                 WHERE (m.id = ? OR m.thread_id = ?) AND m.expires_at > now()
                 ORDER BY m.id
                 LIMIT ?
                """.formatted(MessageRows.COLUMNS, MessageRows.VIEWER, MessageRows.JOINS);
        return Sql.list(connection, sql, MessageRows::map, viewer, thread, thread, limit);
    }

    /**
     * The live conversation message {@code id} belongs to, oldest first, as the human overseer
     * may see it (direct messages between two others withheld, as in {@link #thread}); empty when
     * the overseer may not read that message itself (unknown, expired or private to two others).
     */
    public List<Message> threadOverseen(long id, int limit) throws SQLException {
        String sql = """
                WITH start AS (
                    SELECT coalesce(t.thread_id, t.id) AS thread
                      FROM %1$s CROSS JOIN messages t
                     WHERE t.id = ? AND t.expires_at > now() AND message_readable_by(t, viewer.id))
                SELECT %2$s, NULL::timestamptz AS read_at
                  FROM %1$s CROSS JOIN start CROSS JOIN messages m %3$s
                 WHERE (m.id = start.thread OR m.thread_id = start.thread) AND m.expires_at > now()
                 ORDER BY m.id
                 LIMIT ?
                """.formatted(MessageRows.OVERSEER, MessageRows.COLUMNS, MessageRows.JOINS);
        return Sql.list(connection, sql, MessageRows::map, id, limit);
    }

    /** These live messages (any missing are left out) as the human overseer may see them. */
    public List<Message> overseenByIds(Collection<Long> ids) throws SQLException {
        String sql = """
                SELECT %s, NULL::timestamptz AS read_at
                  FROM %s CROSS JOIN messages m %s
                 WHERE m.id = ANY (?::bigint[]) AND m.expires_at > now()
                """.formatted(MessageRows.COLUMNS, MessageRows.OVERSEER, MessageRows.JOINS);
        return Sql.list(connection, sql, MessageRows::map, (Object) texts(ids));
    }

    /**
     * How many live messages each of these conversations (by thread id) has: a size only, which
     * tells nothing a private message withholds.
     */
    public Map<Long, Integer> threadSizes(Collection<Long> threads) throws SQLException {
        String sql = """
                SELECT coalesce(m.thread_id, m.id) AS thread, count(*) AS size
                  FROM messages m
                 WHERE (m.id = ANY (?::bigint[]) OR m.thread_id = ANY (?::bigint[])) AND m.expires_at > now()
                 GROUP BY 1
                """;
        String[] array = texts(threads);
        Map<Long, Integer> sizes = new HashMap<>();
        for (long[] row :
                Sql.list(connection, sql, rs -> new long[] {rs.getLong("thread"), rs.getLong("size")}, array, array)) {
            sizes.put(row[0], (int) row[1]);
        }
        return sizes;
    }

    private static String[] texts(Collection<Long> ids) {
        return ids.stream().map(String::valueOf).toArray(String[]::new);
    }

    /**
     * Full-text search (web-search syntax, English stemming, subject weighing more than body)
     * over the live messages {@code viewer} may read, best match first. The GIN index on the
     * messages' search vector finds the candidates; the privacy rule then drops others' direct
     * messages before anything is ranked or counted.
     */
    public Page<Message> search(Long viewer, String query, int limit) throws SQLException {
        String sql = """
                SELECT %s, NULL::timestamptz AS read_at, count(*) OVER () AS total
                  FROM %s CROSS JOIN websearch_to_tsquery('english', ?) AS query
                       CROSS JOIN messages m %s
                 WHERE m.search @@ query AND m.expires_at > now() AND message_readable_by(m, viewer.id)
                 ORDER BY ts_rank(m.search, query) DESC, m.id DESC
                 LIMIT ?
                """.formatted(MessageRows.COLUMNS, MessageRows.VIEWER, MessageRows.JOINS);
        return Sql.page(connection, sql, MessageRows::map, viewer, query, limit);
    }

    /**
     * The sender's live requests and open blockers sent to one instance that no one has
     * acknowledged yet, oldest first: what it is still waiting on.
     */
    public Page<Message> unacknowledged(Instance sender, int limit) throws SQLException {
        return Sql.page(connection, unacknowledged("m.sender_id = viewer.id"), MessageRows::map, sender.id(), limit);
    }

    /**
     * Every instance's unacknowledged requests and blockers (see above), or those touching one
     * project, oldest first, as the human overseer sees them.
     */
    public List<Message> unacknowledgedOverseen(String project, int limit) throws SQLException {
        String sql = unacknowledged("(?::text IS NULL OR s.project = ? OR r.project = ?)")
                .replace(MessageRows.VIEWER, MessageRows.OVERSEER);
        return Sql.list(connection, sql, MessageRows::map, project, project, project, limit);
    }

    private static String unacknowledged(String whose) {
        return """
                SELECT %s, NULL::timestamptz AS read_at, count(*) OVER () AS total
                  FROM %s CROSS JOIN messages m %s
                 WHERE %s AND m.type IN ('request', 'blocker') AND m.audience = 'direct'
                   AND m.closed_at IS NULL AND m.expires_at > now()
                   AND NOT EXISTS (SELECT 1 FROM message_acks a WHERE a.message_id = m.id)
                 ORDER BY m.id
                 LIMIT ?
                """.formatted(MessageRows.COLUMNS, MessageRows.VIEWER, MessageRows.JOINS, whose);
    }

    /** The swarm's open blockers (or those touching one project), newest first, as the human overseer sees them. */
    public List<Message> openBlockersOverseen(String project, int limit) throws SQLException {
        String sql = OPEN_BLOCKERS.replace(MessageRows.VIEWER, MessageRows.OVERSEER);
        return Sql.list(connection, sql, MessageRows::map, project, project, project, project, limit);
    }
}

package io.clambake.db;

import io.clambake.domain.Message;
import io.clambake.domain.MessageType;
import java.sql.ResultSet;
import java.sql.SQLException;

/**
 * How the message DAOs select a message with its sender's and recipient's names, and map the row.
 * Every such statement names a viewer: a direct message's subject and body come back only to its
 * sender and its recipient (the SQL function message_readable_by, migration V4), to anyone else
 * as NULL with {@code withheld} set. A statement that forgets the viewer fails; it cannot leak.
 */
final class MessageRows {
    /**
     * Columns of a message m joined with its sender s and, for a direct message, its recipient r,
     * as {@link #VIEWER} sees it.
     */
    static final String COLUMNS = """
            m.id, s.name AS sender, m.audience, r.name AS recipient, m.project, m.type,
            CASE WHEN message_readable_by(m, viewer.id) THEN m.subject END AS subject,
            CASE WHEN message_readable_by(m, viewer.id) THEN m.body END AS body,
            NOT message_readable_by(m, viewer.id) AS withheld,
            m.created_at, m.expires_at, m.reply_to, coalesce(m.thread_id, m.id) AS thread, m.closed_at,
            (SELECT min(a.acked_at) FROM message_acks a WHERE a.message_id = m.id) AS acked_at""";

    /**
     * The viewer, first in the FROM list ({@code FROM VIEWER CROSS JOIN messages m JOINS}), with
     * one parameter: the calling instance's id, or null for a caller that is not registered.
     */
    static final String VIEWER = "(SELECT ?::bigint AS id) AS viewer";

    /** The viewer that is the human overseer (migration V9), in place of {@link #VIEWER}, with no parameter. */
    static final String OVERSEER = "(SELECT max(id) AS id FROM instances WHERE kind = 'human') AS viewer";

    static final String JOINS = """
            JOIN instances s ON s.id = m.sender_id
            LEFT JOIN instances r ON r.id = m.recipient_id""";

    private MessageRows() {}

    /** A row of {@link #COLUMNS} plus a {@code read_at} column: the reader's own read mark. */
    static Message map(ResultSet rs) throws SQLException {
        String to = switch (rs.getString("audience")) {
            case "direct" -> rs.getString("recipient");
            case "all" -> "@all";
            default -> "@project:" + rs.getString("project");
        };
        return new Message(
                rs.getLong("id"),
                rs.getString("sender"),
                to,
                MessageType.parse(rs.getString("type")),
                rs.getString("subject"),
                rs.getString("body"),
                Sql.time(rs, "created_at"),
                Sql.time(rs, "expires_at"),
                Sql.time(rs, "read_at"),
                rs.getBoolean("withheld"),
                Sql.nullableLong(rs, "reply_to"),
                rs.getLong("thread"),
                Sql.time(rs, "closed_at"),
                Sql.time(rs, "acked_at"));
    }
}

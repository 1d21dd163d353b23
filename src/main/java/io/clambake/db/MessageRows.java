package io.clambake.db;

import io.clambake.domain.Message;
import io.clambake.domain.MessageType;
import java.sql.ResultSet;
import java.sql.SQLException;

/** How the message DAOs select a message with its sender's and recipient's names, and map the row. */
final class MessageRows {
    /** Columns of a message m joined with its sender s and, for a direct message, its recipient r. */
    static final String COLUMNS = """
            m.id, s.name AS sender, m.audience, r.name AS recipient, m.project, m.type, m.subject, m.body,
            m.created_at, m.expires_at""";

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
                Sql.time(rs, "read_at"));
    }
}

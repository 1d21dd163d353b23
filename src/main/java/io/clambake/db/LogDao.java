package io.clambake.db;

import io.clambake.domain.LogEntry;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;

public final class LogDao {
    private final Connection connection;

    public LogDao(Connection connection) {
        this.connection = connection;
    }

    public LogEntry append(long instanceId, String action, String summary) throws SQLException {
        String sql = """
                WITH l AS (
                    INSERT INTO action_log (instance_id, action, summary) VALUES (?, ?, ?)
                    RETURNING *)
                SELECT l.id, i.name, i.project, l.action, l.summary, l.created_at
                  FROM l JOIN instances i ON i.id = l.instance_id
                """;
        return Sql.one(connection, sql, LogDao::map, instanceId, action, summary)
                .orElseThrow();
    }

    public List<LogEntry> recent(String project, int limit) throws SQLException {
        String sql = """
                SELECT l.id, i.name, i.project, l.action, l.summary, l.created_at
                  FROM action_log l JOIN instances i ON i.id = l.instance_id
                 WHERE ?::text IS NULL OR i.project = ?
                 ORDER BY l.id DESC
                 LIMIT ?
                """;
        return Sql.list(connection, sql, LogDao::map, project, project, limit);
    }

    static LogEntry map(ResultSet rs) throws SQLException {
        return new LogEntry(
                rs.getLong("id"),
                rs.getString("name"),
                rs.getString("project"),
                rs.getString("action"),
                rs.getString("summary"),
                Sql.time(rs, "created_at"));
    }
}

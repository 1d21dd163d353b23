package io.clambake.db;

import io.clambake.domain.ClambakeException;
import io.clambake.domain.Memory;
import io.clambake.domain.MemoryScope;
import io.clambake.domain.MemoryStatus;
import io.clambake.domain.MemoryType;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;

public final class MemoryDao {
    private static final String COLUMNS = """
            m.id, m.scope, m.project, m.type, m.title, m.content, m.status, a.name AS author,
            m.created_at, m.updated_at""";

    private final Connection connection;

    public MemoryDao(Connection connection) {
        this.connection = connection;
    }

    public record Query(MemoryScope scope, String project, MemoryType type, String search,
                        List<MemoryStatus> statuses, int limit) {
    }

    public record Page(List<Memory> memories, long total) {
    }

    public Memory remember(MemoryScope scope, String project, MemoryType type, String title, String content,
                           long authorId) throws SQLException {
        String sql = """
                WITH m AS (
                    INSERT INTO memories (scope, project, type, title, content, author_id)
                    VALUES (?, ?, ?, ?, ?, ?)
                    RETURNING *)
                SELECT %s, NULL::float8 AS rank FROM m JOIN instances a ON a.id = m.author_id
                """.formatted(COLUMNS);
        return Sql.one(connection, sql, MemoryDao::map, scope.label(), project, type.label(), title, content,
                authorId).orElseThrow();
    }

    /** Newest first; with a search, best full-text match first (title weighs more than content). */
    public Page recall(Query q) throws SQLException {
        String[] statuses = q.statuses().stream().map(MemoryStatus::label).toArray(String[]::new);
        String type = q.type() == null ? null : q.type().label();
        String filter = """
                m.scope = ? AND (m.scope = 'global' OR m.project = ?)
                AND (?::text IS NULL OR m.type = ?) AND m.status = ANY (?)""";
        long[] total = {0};
        Sql.RowMapper<Memory> counting = rs -> {
            total[0] = rs.getLong("total");
            return map(rs);
        };
        List<Memory> rows;
        if (q.search() == null) {
            String sql = """
                    SELECT %s, NULL::float8 AS rank, count(*) OVER () AS total
                      FROM memories m JOIN instances a ON a.id = m.author_id
                     WHERE %s
                     ORDER BY m.id DESC
                     LIMIT ?
                    """.formatted(COLUMNS, filter);
            rows = Sql.list(connection, sql, counting, q.scope().label(), q.project(), type, type, statuses, q.limit());
        } else {
            String sql = """
                    SELECT %s, ts_rank(m.search, query) AS rank, count(*) OVER () AS total
                      FROM memories m JOIN instances a ON a.id = m.author_id,
                           websearch_to_tsquery('english', ?) AS query
                     WHERE m.search @@ query AND %s
                     ORDER BY rank DESC, m.id DESC
                     LIMIT ?
                    """.formatted(COLUMNS, filter);
            rows = Sql.list(connection, sql, counting, q.search(), q.scope().label(), q.project(), type, type,
                    statuses, q.limit());
        }
        return new Page(rows, total[0]);
    }

    /** Changes the given fields (nulls keep what is there) and stamps the update time. */
    public Memory update(long id, MemoryStatus status, String title, String content) throws SQLException {
        String sql = """
                WITH m AS (
                    UPDATE memories
                       SET status = coalesce(?, status), title = coalesce(?, title),
                           content = coalesce(?, content), updated_at = now()
                     WHERE id = ?
                    RETURNING *)
                SELECT %s, NULL::float8 AS rank FROM m JOIN instances a ON a.id = m.author_id
                """.formatted(COLUMNS);
        return Sql.one(connection, sql, MemoryDao::map, status == null ? null : status.label(), title, content, id)
                .orElseThrow(() -> ClambakeException.notFound("no memory #" + id));
    }

    static Memory map(ResultSet rs) throws SQLException {
        MemoryScope scope = MemoryScope.parse(rs.getString("scope"));
        double rankValue = rs.getDouble("rank");
        Double rank = rs.wasNull() ? null : rankValue;
        return new Memory(rs.getLong("id"), scope, rs.getString("project"),
                MemoryType.parse(rs.getString("type"), scope), rs.getString("title"), rs.getString("content"),
                MemoryStatus.parse(rs.getString("status")), rs.getString("author"), Sql.time(rs, "created_at"),
                Sql.time(rs, "updated_at"), rank);
    }
}

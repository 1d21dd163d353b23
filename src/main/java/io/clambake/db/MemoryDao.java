package io.clambake.db;

import io.clambake.domain.ClambakeException;
import io.clambake.domain.Memory;
import io.clambake.domain.MemoryScope;
import io.clambake.domain.MemoryStatus;
import io.clambake.domain.MemoryType;
import io.clambake.domain.Page;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

public final class MemoryDao {
    private static final String COLUMNS = """
            m.id, m.scope, m.project, m.type, m.title, m.content, m.status, a.name AS author,
            m.created_at, m.updated_at, u.name AS updated_by""";

    /** The author a and the last editor u of a memory m; before migration V4 that was the author. */
    private static final String PEOPLE = """
            JOIN instances a ON a.id = m.author_id
            JOIN instances u ON u.id = coalesce(m.updated_by, m.author_id)""";

    /** A listing without a search counts its matches only this far: the count must stay cheap. */
    public static final int COUNT_CAP = 1000;

    private final Connection connection;

    public MemoryDao(Connection connection) {
        this.connection = connection;
    }

    public record Query(
            MemoryScope scope,
            String project,
            MemoryType type,
            String search,
            List<MemoryStatus> statuses,
            int limit) {}

    public Memory remember(
            MemoryScope scope, String project, MemoryType type, String title, String content, long authorId)
            throws SQLException {
        String sql = """
                WITH m AS (
                    INSERT INTO memories (scope, project, type, title, content, author_id, updated_by)
                    VALUES (?, ?, ?, ?, ?, ?, ?)
                    RETURNING *)
                SELECT %s, NULL::float8 AS rank FROM m %s
                """.formatted(COLUMNS, PEOPLE);
        return Sql.one(
                        connection,
                        sql,
                        MemoryDao::map,
                        scope.label(),
                        project,
                        type.label(),
                        title,
                        content,
                        authorId,
                        authorId)
                .orElseThrow();
    }

    /** Newest first; with a search, best full-text match first (title weighs more than content). */
    public Page<Memory> recall(Query q) throws SQLException {
        // The scope is spelled out rather than bound so that the planner can use the partial
        // index of project memories; both fragments are constants.
        boolean global = q.scope() == MemoryScope.GLOBAL;
        String filter = (global ? "m.scope = 'global'" : "m.scope = 'project' AND m.project = ?")
                + " AND (?::text IS NULL OR m.type = ?) AND m.status = ANY (?)";
        String type = q.type() == null ? null : q.type().label();
        List<Object> params = new ArrayList<>();
        if (!global) {
            params.add(q.project());
        }
        params.addAll(Arrays.asList(
                type, type, q.statuses().stream().map(MemoryStatus::label).toArray(String[]::new)));

        if (q.search() != null) {
            return Sql.page(
                    connection,
                    bestMatches(filter),
                    MemoryDao::map,
                    concat(List.of(q.search()), params, List.of(q.limit())));
        }
        List<Memory> rows = Sql.list(connection, newest(filter), MemoryDao::map, concat(params, List.of(q.limit())));
        String count = """
                SELECT count(*) AS total FROM (SELECT 1 FROM memories m WHERE %s LIMIT %d) AS capped
                """.formatted(filter, COUNT_CAP);
        long total = Sql.one(connection, count, rs -> rs.getLong("total"), params.toArray())
                .orElse(0L);
        return new Page<>(rows, total);
    }

    /**
     * Project and global memories together, for the overseer's page: those of {@code project}
     * (every project when null) and the global ones, newest first, or best full-text match
     * first with {@code search}.
     */
    public List<Memory> browse(String project, String search, List<MemoryStatus> statuses, int limit)
            throws SQLException {
        String filter = "(m.scope = 'global' OR ?::text IS NULL OR m.project = ?) AND m.status = ANY (?)";
        String[] labels = statuses.stream().map(MemoryStatus::label).toArray(String[]::new);
        if (search != null) {
            return Sql.list(connection, bestMatches(filter), MemoryDao::map, search, project, project, labels, limit);
        }
        return Sql.list(connection, newest(filter), MemoryDao::map, project, project, labels, limit);
    }

    /**
     * The memories {@code filter} selects that match a web-search query (the first parameter),
     * best match first (a title weighs more than contents), each row with the matches' total.
     */
    private static String bestMatches(String filter) {
        return """
                SELECT %s, ts_rank(m.search, query) AS rank, count(*) OVER () AS total
                  FROM memories m %s,
                       websearch_to_tsquery('english', ?) AS query
                 WHERE m.search @@ query AND %s
                 ORDER BY rank DESC, m.id DESC
                 LIMIT ?
                """.formatted(COLUMNS, PEOPLE, filter);
    }

    /** The memories {@code filter} selects, newest first. */
    private static String newest(String filter) {
        return """
                SELECT %s, NULL::float8 AS rank
                  FROM memories m %s
                 WHERE %s
                 ORDER BY m.id DESC
                 LIMIT ?
                """.formatted(COLUMNS, PEOPLE, filter);
    }

    @SafeVarargs
    private static Object[] concat(List<Object>... parts) {
        List<Object> all = new ArrayList<>();
        for (List<Object> part : parts) {
            all.addAll(part);
        }
        return all.toArray();
    }

    /** Changes the given fields (nulls keep what is there) and stamps the update time and the editor. */
    public Memory update(long id, MemoryStatus status, String title, String content, long editorId)
            throws SQLException {
        String sql = """
                WITH m AS (
                    UPDATE memories
                       SET status = coalesce(?, status), title = coalesce(?, title),
                           content = coalesce(?, content), updated_at = now(), updated_by = ?
                     WHERE id = ?
                    RETURNING *)
                SELECT %s, NULL::float8 AS rank FROM m %s
                """.formatted(COLUMNS, PEOPLE);
        return Sql.one(
                        connection,
                        sql,
                        MemoryDao::map,
                        status == null ? null : status.label(),
                        title,
                        content,
                        editorId,
                        id)
                .orElseThrow(() -> ClambakeException.notFound("no memory #" + id));
    }

    static Memory map(ResultSet rs) throws SQLException {
        MemoryScope scope = MemoryScope.parse(rs.getString("scope"));
        double rankValue = rs.getDouble("rank");
        Double rank = rs.wasNull() ? null : rankValue;
        return new Memory(
                rs.getLong("id"),
                scope,
                rs.getString("project"),
                MemoryType.parse(rs.getString("type"), scope),
                rs.getString("title"),
                rs.getString("content"),
                MemoryStatus.parse(rs.getString("status")),
                rs.getString("author"),
                Sql.time(rs, "created_at"),
                Sql.time(rs, "updated_at"),
                rs.getString("updated_by"),
                rank);
    }
}

package io.clambake.db;

import io.clambake.domain.ClambakeException;
import io.clambake.domain.Instance;
import io.clambake.domain.NameGenerator;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

public final class InstanceDao {
    static final String COLUMNS = """
            i.id, i.name, i.host, i.dir, i.project, i.pid, i.task, i.first_registered_at, i.started_at,
            i.last_seen, i.left_at, i.left_reason""";
    private static final int NAME_ATTEMPTS = 12;

    private final Connection connection;

    public InstanceDao(Connection connection) {
        this.connection = connection;
    }

    public record Registration(Instance instance, boolean revived) {}

    /**
     * Creates the instance for host+dir+project, or revives the one already there (same name, same
     * inbox). A generated name that collides with another instance's is simply drawn again.
     */
    public Registration register(
            String host, String dir, String project, Long pid, String requestedName, NameGenerator names)
            throws SQLException {
        String sql = """
                INSERT INTO instances AS i (name, host, dir, project, pid)
                VALUES (?, ?, ?, ?, ?)
                ON CONFLICT (host, dir, project) DO UPDATE
                   SET pid = EXCLUDED.pid, task = NULL, started_at = now(), last_seen = now(),
                       left_at = NULL, left_reason = NULL,
                       name = CASE WHEN ? THEN EXCLUDED.name ELSE i.name END
                RETURNING %s, (xmax <> 0) AS revived
                """.formatted(COLUMNS);
        for (int attempt = 0; ; attempt++) {
            String name = requestedName != null ? requestedName : names.next(attempt);
            // Inside a caller's transaction a failed insert would abort it; a savepoint keeps it usable.
            Savepoint beforeAttempt = connection.getAutoCommit() ? null : connection.setSavepoint();
            try {
                return Sql.one(
                                connection,
                                sql,
                                rs -> new Registration(map(rs), rs.getBoolean("revived")),
                                name,
                                host,
                                dir,
                                project,
                                pid,
                                requestedName != null)
                        .orElseThrow();
            } catch (SQLException e) {
                if (beforeAttempt != null) {
                    connection.rollback(beforeAttempt);
                }
                boolean nameTaken = "23505".equals(e.getSQLState())
                        && String.valueOf(e.getMessage()).contains("instances_name_key");
                if (!nameTaken) {
                    throw e;
                }
                if (requestedName != null) {
                    throw ClambakeException.invalid("the name '" + requestedName + "' is taken by another instance");
                }
                if (attempt >= NAME_ATTEMPTS) {
                    throw e;
                }
            }
        }
    }

    /** Looks a caller up by name and, if it is live, refreshes its last-seen time. */
    public Optional<Instance> touchByName(String name) throws SQLException {
        String sql = """
                WITH me AS (SELECT id FROM instances WHERE name = ?)
                UPDATE instances i
                   SET last_seen = CASE WHEN i.left_at IS NULL THEN now() ELSE i.last_seen END
                  FROM me
                 WHERE i.id = me.id
                RETURNING %s
                """.formatted(COLUMNS);
        return Sql.one(connection, sql, InstanceDao::map, name);
    }

    /**
     * The registration on this host for the nearest of {@code dirs} (a directory and its
     * ancestors, nearest first); a live one wins over a departed one in the same directory.
     */
    public Optional<Instance> touchByDirectory(String host, List<String> dirs) throws SQLException {
        String sql = """
                WITH me AS (
                    SELECT id FROM instances
                     WHERE host = ? AND dir = ANY (?)
                     ORDER BY length(dir) DESC, (left_at IS NULL) DESC, last_seen DESC
                     LIMIT 1)
                UPDATE instances i
                   SET last_seen = CASE WHEN i.left_at IS NULL THEN now() ELSE i.last_seen END
                  FROM me
                 WHERE i.id = me.id
                RETURNING %s
                """.formatted(COLUMNS);
        return Sql.one(connection, sql, InstanceDao::map, host, dirs.toArray(String[]::new));
    }

    /** The live registration of exactly host+dir+project, locked until the transaction ends. */
    Optional<Instance> lockLive(String host, String dir, String project) throws SQLException {
        String sql = """
                SELECT %s FROM instances i
                 WHERE host = ? AND dir = ? AND project = ? AND left_at IS NULL
                   FOR UPDATE
                """.formatted(COLUMNS);
        return Sql.one(connection, sql, InstanceDao::map, host, dir, project);
    }

    public Optional<Instance> findByName(String name) throws SQLException {
        String sql = "SELECT %s FROM instances i WHERE name = ?".formatted(COLUMNS);
        return Sql.one(connection, sql, InstanceDao::map, name);
    }

    public Instance heartbeat(long id, String task) throws SQLException {
        String sql = """
                UPDATE instances i SET task = ?, last_seen = now()
                 WHERE id = ? AND left_at IS NULL
                RETURNING %s
                """.formatted(COLUMNS);
        return Sql.one(connection, sql, InstanceDao::map, task, id)
                .orElseThrow(() -> ClambakeException.notFound("instance is no longer registered"));
    }

    public Instance deregister(long id) throws SQLException {
        String sql = """
                UPDATE instances i SET left_at = now(), left_reason = 'deregistered', task = NULL
                 WHERE id = ? AND left_at IS NULL
                RETURNING %s
                """.formatted(COLUMNS);
        return Sql.one(connection, sql, InstanceDao::map, id)
                .orElseThrow(() -> ClambakeException.notFound("instance is no longer registered"));
    }

    /** Live instances, optionally of one project, most recently seen first. */
    public List<Instance> live(String project) throws SQLException {
        String sql = """
                SELECT %s FROM instances i
                 WHERE left_at IS NULL AND (?::text IS NULL OR project = ?)
                 ORDER BY last_seen DESC, name
                """.formatted(COLUMNS);
        return Sql.list(connection, sql, InstanceDao::map, project, project);
    }

    /**
     * Marks instances unseen for {@code staleAfter} as departed; their names and inboxes stay. The
     * caller ({@code callerId}, null when unregistered) is running, so it is never one of them.
     */
    public int removeStale(Duration staleAfter, Long callerId) throws SQLException {
        String sql = """
                UPDATE instances SET left_at = now(), left_reason = 'stale', task = NULL
                 WHERE left_at IS NULL AND last_seen < now() - make_interval(secs => ?)
                   AND id IS DISTINCT FROM ?::bigint
                """;
        return Sql.update(connection, sql, (double) staleAfter.toSeconds(), callerId);
    }

    /** Whether any instance, live or departed, ever registered in {@code project}. */
    public boolean everRegisteredIn(String project) throws SQLException {
        String sql = "SELECT EXISTS (SELECT 1 FROM instances WHERE project = ?) AS seen";
        return Sql.one(connection, sql, rs -> rs.getBoolean("seen"), project).orElseThrow();
    }

    static Instance map(ResultSet rs) throws SQLException {
        return new Instance(
                rs.getLong("id"),
                rs.getString("name"),
                rs.getString("host"),
                rs.getString("dir"),
                rs.getString("project"),
                Sql.nullableLong(rs, "pid"),
                rs.getString("task"),
                Sql.time(rs, "first_registered_at"),
                Sql.time(rs, "started_at"),
                Sql.time(rs, "last_seen"),
                Sql.time(rs, "left_at"),
                rs.getString("left_reason"));
    }
}

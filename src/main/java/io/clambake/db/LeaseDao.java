package io.clambake.db;

import io.clambake.domain.Instance;
import io.clambake.domain.Lease;
import io.clambake.domain.LeaseTarget;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;

/**
 * Leases and the edits that warn of converging work. A lease is active while it has not expired
 * by the database clock and its holder is live; a departing holder's leases are deleted by the
 * schema's trigger (db/migration V10), whatever verb or hook made it depart.
 */
public final class LeaseDao {
    private static final String COLUMNS = """
            l.id, l.project, l.kind, l.target, l.prefix, l.shared, h.name, h.host, h.task, l.reason,
            l.acquired_at, l.expires_at, h.last_seen, h.left_at IS NULL AS holder_live""";
    /** The lease is active: not expired by the database clock, and its holder live. */
    private static final String ACTIVE = "l.expires_at > now() AND h.left_at IS NULL";

    private final Connection connection;

    public LeaseDao(Connection connection) {
        this.connection = connection;
    }

    /** {@code wanted}: the first target refused; {@code holder}: the lease in its way. */
    public record Conflict(LeaseTarget wanted, Lease holder) {}

    /** Either every lease asked for ({@code leases}) or the conflict that refused them all. */
    public record Outcome(List<Lease> leases, Conflict conflict) {}

    /**
     * Takes every target for {@code me} or none. A target {@code me} already holds is renewed
     * (new expiry, same row, same acquired time unless it had expired).
     *
     * <p>Why this is correct under READ COMMITTED with any number of writers on any number of
     * machines: every acquisition in a project first takes the transaction-scoped advisory lock
     * of that project, so acquisitions in one project run one after another. In READ COMMITTED
     * each statement reads a snapshot taken when it starts; the conflict check below starts
     * after the lock is granted, so it sees every lease committed by whoever held the lock
     * before, and the lock is held until this transaction's inserts commit. Two transactions can
     * therefore never both see "no conflict" for overlapping targets. Releases, expiry and a
     * holder's departure only remove leases, which can make a check refuse a target that was
     * just freed, never grant one that is held: they need no lock. An exclusion constraint
     * cannot express the rule, since glob overlap is not an indexable operator; a hash collision
     * between two projects' locks only makes them queue, never wrong. The lock is keyed by
     * schema too, so test schemas sharing a database do not queue on each other.
     */
    public Outcome acquire(Instance me, List<LeaseTarget> targets, boolean shared, Duration ttl, String reason)
            throws SQLException {
        return Sql.inTransaction(connection, () -> {
            Sql.one(
                    connection,
                    "SELECT pg_advisory_xact_lock(hashtext(current_schema() || ':lease:' || ?)) IS NULL AS locked",
                    rs -> true,
                    me.project());
            String others = """
                    SELECT %s FROM leases l JOIN instances h ON h.id = l.holder_id
                     WHERE l.project = ? AND %s AND l.holder_id <> ?
                     ORDER BY l.acquired_at
                    """.formatted(COLUMNS, ACTIVE);
            List<Lease> held = Sql.list(connection, others, LeaseDao::map, me.project(), me.id());
            for (LeaseTarget wanted : targets) {
                for (Lease lease : held) {
                    if (lease.blocks(wanted, shared)) {
                        return new Outcome(List.of(), new Conflict(wanted, lease));
                    }
                }
            }
            Sql.update(connection, "DELETE FROM leases WHERE project = ? AND expires_at <= now()", me.project());
            String upsert = """
                    WITH l AS (
                        INSERT INTO leases AS l (project, kind, target, prefix, shared, holder_id, reason, expires_at)
                        VALUES (?, ?, ?, ?, ?, ?, ?, now() + make_interval(secs => ?))
                        ON CONFLICT (project, kind, target, holder_id) DO UPDATE
                           SET shared = EXCLUDED.shared, reason = EXCLUDED.reason, renewed_at = now(),
                               expires_at = EXCLUDED.expires_at
                        RETURNING *, xmax <> 0 AS renewed)
                    SELECT %s, l.renewed FROM l JOIN instances h ON h.id = l.holder_id
                    """.formatted(COLUMNS);
            List<Lease> taken = new ArrayList<>();
            for (LeaseTarget t : targets) {
                taken.add(Sql.one(
                                connection,
                                upsert,
                                rs -> map(rs).renewed(rs.getBoolean("renewed")),
                                me.project(),
                                t.kind().label(),
                                t.target(),
                                t.prefix(),
                                shared,
                                me.id(),
                                reason,
                                ttl.toMillis() / 1000.0)
                        .orElseThrow());
            }
            return new Outcome(taken, null);
        });
    }

    /** Deletes the caller's leases on {@code targets} (all of them when null), answering what ended. */
    public List<Lease> release(long holderId, List<LeaseTarget> targets) throws SQLException {
        String[] kinds = targets == null
                ? null
                : targets.stream().map(t -> t.kind().label()).toArray(String[]::new);
        String[] names = targets == null
                ? null
                : targets.stream().map(LeaseTarget::target).toArray(String[]::new);
        String sql = """
                WITH l AS (
                    DELETE FROM leases l
                     WHERE holder_id = ?
                       AND (?::text[] IS NULL OR (kind, target) IN (SELECT * FROM unnest(?::text[], ?::text[])))
                    RETURNING *)
                SELECT %s FROM l JOIN instances h ON h.id = l.holder_id
                 WHERE l.expires_at > now()
                 ORDER BY l.target
                """.formatted(COLUMNS);
        return Sql.list(connection, sql, LeaseDao::map, holderId, kinds, kinds, names);
    }

    /** What {@link #forceRelease} did: the leases it ended, or the live holders it left alone. */
    public record Forced(List<Lease> released, List<Lease> live) {}

    /**
     * Ends the active leases on exactly {@code target} in {@code project} whose holders are no
     * longer live: departed, or unseen for {@code staleAfter}. When any holder of the target is
     * live, nothing changes and the answer names it.
     */
    public Forced forceRelease(String project, LeaseTarget target, Duration staleAfter) throws SQLException {
        return Sql.inTransaction(connection, () -> {
            String sql = """
                    SELECT %s FROM leases l JOIN instances h ON h.id = l.holder_id
                     WHERE l.project = ? AND l.kind = ? AND l.target = ? AND l.expires_at > now()
                       AND h.left_at IS NULL AND h.last_seen > now() - make_interval(secs => ?)
                       FOR UPDATE OF l
                    """.formatted(COLUMNS);
            double stale = (double) staleAfter.toSeconds();
            List<Lease> live = Sql.list(
                    connection, sql, LeaseDao::map, project, target.kind().label(), target.target(), stale);
            if (!live.isEmpty()) {
                return new Forced(List.of(), live);
            }
            String delete = """
                    WITH l AS (
                        DELETE FROM leases WHERE project = ? AND kind = ? AND target = ? RETURNING *)
                    SELECT %s FROM l JOIN instances h ON h.id = l.holder_id
                     WHERE l.expires_at > now()
                    """.formatted(COLUMNS);
            return new Forced(
                    Sql.list(
                            connection,
                            delete,
                            LeaseDao::map,
                            project,
                            target.kind().label(),
                            target.target()),
                    List.of());
        });
    }

    /** Active leases of {@code project} (every project when null), of one holder when {@code holderId} is set. */
    public List<Lease> active(String project, Long holderId) throws SQLException {
        String sql = """
                SELECT %s FROM leases l JOIN instances h ON h.id = l.holder_id
                 WHERE %s AND (?::text IS NULL OR l.project = ?) AND (?::bigint IS NULL OR l.holder_id = ?)
                 ORDER BY l.project, l.target, h.name
                """.formatted(COLUMNS, ACTIVE);
        return Sql.list(connection, sql, LeaseDao::map, project, project, holderId, holderId);
    }

    /**
     * The active exclusive leases of others ({@code meId} null: of anyone) that cover any of
     * {@code paths} (relative to the repository root) in {@code project}: one statement, through
     * the project's index, narrowed to the leases whose literal part is a directory above one of the paths (or the path) and
     * then matched exactly.
     */
    public List<Lease> blocking(String project, Long meId, List<String> paths) throws SQLException {
        String sql = """
                SELECT %s FROM leases l JOIN instances h ON h.id = l.holder_id
                 WHERE l.project = ? AND %s AND NOT l.shared AND l.kind <> 'resource'
                   AND l.holder_id IS DISTINCT FROM ?::bigint
                   AND l.prefix = ANY (?::text[])
                 ORDER BY l.acquired_at
                """.formatted(COLUMNS, ACTIVE);
        List<Lease> candidates = Sql.list(connection, sql, LeaseDao::map, project, meId, paths.toArray(String[]::new));
        return candidates.stream()
                .filter(l -> paths.stream().anyMatch(l.target()::covers))
                .toList();
    }

    /** Another live instance's recent edit of a file, for the PreToolUse warning. */
    public record Edit(String path, String editor, String host, String task, OffsetDateTime editedAt) {}

    /** What the PreToolUse hook needs about one file: the leases that deny it, the recent edits that warn. */
    public record EditCheck(List<Lease> leases, List<Edit> edits, OffsetDateTime now) {}

    /**
     * One statement: the active exclusive leases of other live instances covering {@code path}
     * and their edits of it within {@code window}. "Me" is the Claude Code session's instance;
     * the project is its project, else {@code project}.
     */
    public EditCheck beforeEdit(String sessionId, String project, String path, Duration window) throws SQLException {
        String sql = """
                WITH me AS (SELECT i.id, i.project FROM agent_sessions s JOIN instances i ON i.id = s.instance_id
                             WHERE s.id = ?),
                     p AS (SELECT coalesce((SELECT project FROM me), ?::text) AS project)
                SELECT 'lease' AS what, %s, now() AS db_now
                  FROM leases l JOIN instances h ON h.id = l.holder_id, p
                 WHERE l.project = p.project AND %s AND NOT l.shared AND l.kind <> 'resource'
                   AND l.holder_id IS DISTINCT FROM (SELECT id FROM me)
                   AND l.prefix = ANY (?::text[])
                UNION ALL
                SELECT 'edit', NULL, e.project, NULL, e.path, NULL, NULL, h.name, h.host, h.task, NULL,
                       e.edited_at, NULL, h.last_seen, true, now()
                  FROM edits e JOIN instances h ON h.id = e.instance_id, p
                 WHERE e.project = p.project AND e.path = ? AND h.left_at IS NULL
                   AND e.edited_at > now() - make_interval(secs => ?)
                   AND e.instance_id IS DISTINCT FROM (SELECT id FROM me)
                """.formatted(COLUMNS, ACTIVE);
        List<Lease> leases = new ArrayList<>();
        List<Edit> edits = new ArrayList<>();
        OffsetDateTime[] now = {null};
        Sql.list(
                connection,
                sql,
                rs -> {
                    now[0] = Sql.time(rs, "db_now");
                    if (rs.getString("what").equals("lease")) {
                        Lease lease = map(rs);
                        if (lease.target().covers(path)) {
                            leases.add(lease);
                        }
                    } else {
                        edits.add(new Edit(
                                rs.getString("target"),
                                rs.getString("name"),
                                rs.getString("host"),
                                rs.getString("task"),
                                Sql.time(rs, "acquired_at")));
                    }
                    return null;
                },
                sessionId,
                project,
                LeaseTarget.ancestors(path).toArray(String[]::new),
                path,
                window.toMillis() / 1000.0);
        return new EditCheck(leases, edits, now[0]);
    }

    /**
     * Records a successful edit by the Claude Code session's live instance (nothing when the
     * session is unknown): one row per instance and file, its time moved forward.
     */
    public void recordEdit(String sessionId, String path) throws SQLException {
        String sql = """
                INSERT INTO edits AS e (instance_id, project, path)
                SELECT i.id, i.project, ? FROM agent_sessions s JOIN instances i ON i.id = s.instance_id
                 WHERE s.id = ? AND i.left_at IS NULL
                ON CONFLICT (project, path, instance_id) DO UPDATE SET edited_at = now()
                """;
        Sql.update(connection, sql, path, sessionId);
    }

    static Lease map(ResultSet rs) throws SQLException {
        return new Lease(
                rs.getLong("id"),
                rs.getString("project"),
                LeaseTarget.of(rs.getString("kind"), rs.getString("target"), rs.getString("prefix")),
                rs.getBoolean("shared"),
                rs.getString("name"),
                rs.getString("host"),
                rs.getString("task"),
                rs.getString("reason"),
                Sql.time(rs, "acquired_at"),
                Sql.time(rs, "expires_at"),
                Sql.time(rs, "last_seen"),
                rs.getBoolean("holder_live"),
                false);
    }
}

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
            i.id, i.name, i.host, i.machine, i.dir, i.project, i.pid, i.task, i.first_registered_at,
            i.started_at, i.last_seen, i.left_at, i.left_reason""";
    private static final int NAME_ATTEMPTS = 12;
    /**
     * How often a command refreshes its caller's last-seen time: a caller seen more recently is
     * not written again, so a burst of commands costs one write, not one each (a write waits for
     * the server to flush its log). Liveness is judged in minutes ({@code cleanup} at 10 at least).
     */
    public static final Duration SEEN_EVERY = Duration.ofSeconds(5);

    private final Connection connection;

    public InstanceDao(Connection connection) {
        this.connection = connection;
    }

    /**
     * Where an instance lives, the key of a registration: host name, machine ({@code ""}: not
     * known), directory and project. Rows from before machines were recorded have machine
     * {@code ""} and belong to whichever machine of that host name registers there first.
     */
    public record Place(String host, String machine, String dir, String project) {}

    public enum Outcome {
        CREATED("registered"),
        REVIVED("revived"),
        ALREADY_REGISTERED("already registered");

        private final String label;

        Outcome(String label) {
            this.label = label;
        }

        public String label() {
            return label;
        }
    }

    /** {@code renamedFrom}: the instance's name before this registration renamed it, else null. */
    public record Registration(Instance instance, Outcome outcome, String renamedFrom) {
        public boolean revived() {
            return outcome == Outcome.REVIVED;
        }
    }

    /**
     * Creates the instance for the place, or comes back to the one already there: a departed one
     * is revived (same name, same inbox, a new start), a live one stays as it is (task, start
     * time and pid kept). Another name than the instance's is refused unless {@code rename}: a
     * silent rename would leave senders with a name that no longer exists. Racing registrations
     * of one place queue on its row, so each sees what the one before it left.
     */
    public Registration register(Place place, Long pid, String requestedName, boolean rename, NameGenerator names)
            throws SQLException {
        return Sql.inTransaction(connection, () -> {
            for (int round = 0; round < 3; round++) {
                Optional<Instance> existing = lockPlace(place);
                if (existing.isPresent()) {
                    return comeBack(existing.get(), place, pid, requestedName, rename);
                }
                Optional<Instance> created = create(place, pid, requestedName, names);
                if (created.isPresent()) {
                    return new Registration(created.get(), Outcome.CREATED, null);
                }
                // A racing registration of the place committed first: its row is there now.
            }
            throw new SQLException("the registration of " + place + " kept changing");
        });
    }

    private Registration comeBack(Instance here, Place place, Long pid, String requestedName, boolean rename)
            throws SQLException {
        String name = requestedName == null ? here.name() : requestedName;
        if (!name.equals(here.name()) && !rename) {
            String state = here.live()
                    ? "is registered here as " + here.name() + " (live since "
                            + here.startedAt().toInstant() + ")"
                    : "was registered here as " + here.name() + " (" + here.leftReason() + " at "
                            + here.leftAt().toInstant() + ")";
            throw ClambakeException.invalid(
                    "project " + here.project() + " " + state + "; add --rename to rename it to " + name
                            + " (messages to " + here.name() + " are then refused), or register without --name");
        }
        String sql = """
                UPDATE instances i
                   SET machine = ?, name = ?, last_seen = now(),
                       pid = CASE WHEN i.left_at IS NULL THEN i.pid ELSE ? END,
                       task = CASE WHEN i.left_at IS NULL THEN i.task END,
                       started_at = CASE WHEN i.left_at IS NULL THEN i.started_at ELSE now() END,
                       left_at = NULL, left_reason = NULL
                 WHERE id = ?
                RETURNING %s
                """.formatted(COLUMNS);
        Instance instance;
        Savepoint beforeRename = connection.setSavepoint();
        try {
            instance = Sql.one(connection, sql, InstanceDao::map, place.machine(), name, pid, here.id())
                    .orElseThrow();
        } catch (SQLException e) {
            connection.rollback(beforeRename);
            throw nameTaken(e, name).orElseThrow(() -> e);
        }
        return new Registration(
                instance,
                here.live() ? Outcome.ALREADY_REGISTERED : Outcome.REVIVED,
                name.equals(here.name()) ? null : here.name());
    }

    /**
     * A new row for the place, or empty when a racing registration of the same place got there
     * first. A generated name that another instance holds is simply drawn again.
     */
    private Optional<Instance> create(Place place, Long pid, String requestedName, NameGenerator names)
            throws SQLException {
        String sql = """
                INSERT INTO instances AS i (name, host, machine, dir, project, pid)
                VALUES (?, ?, ?, ?, ?, ?)
                ON CONFLICT (host, machine, dir, project) DO NOTHING
                RETURNING %s
                """.formatted(COLUMNS);
        for (int attempt = 0; ; attempt++) {
            String name = requestedName != null ? requestedName : names.next(attempt);
            // A failed insert would abort the transaction; the savepoint keeps it usable.
            Savepoint beforeAttempt = connection.setSavepoint();
            try {
                return Sql.one(
                        connection,
                        sql,
                        InstanceDao::map,
                        name,
                        place.host(),
                        place.machine(),
                        place.dir(),
                        place.project(),
                        pid);
            } catch (SQLException e) {
                connection.rollback(beforeAttempt);
                Optional<ClambakeException> taken = nameTaken(e, name);
                if (taken.isEmpty() || attempt >= NAME_ATTEMPTS) {
                    throw e;
                }
                if (requestedName != null) {
                    throw taken.get();
                }
            }
        }
    }

    /**
     * A unique violation on the name, said in a user's words: whose the name is, and where. Runs
     * after the failed statement was rolled back to its savepoint, so the transaction is usable.
     */
    private Optional<ClambakeException> nameTaken(SQLException e, String name) throws SQLException {
        if (!"23505".equals(e.getSQLState()) || !String.valueOf(e.getMessage()).contains("instances_name_key")) {
            return Optional.empty();
        }
        String holder = findByName(name).map(InstanceDao::whereItLives).orElse("");
        return Optional.of(ClambakeException.invalid("the name '" + name + "' is taken by another instance" + holder));
    }

    private static String whereItLives(Instance i) {
        return " (project " + i.project() + ", host " + i.host()
                + (i.machine().isEmpty() ? "" : ", machine " + i.machine()) + ", " + i.dir() + ")";
    }

    /**
     * The registration of the place, locked until the transaction ends: this machine's, else one
     * of no known machine (from before machines were recorded) for this machine to take over.
     */
    Optional<Instance> lockPlace(Place place) throws SQLException {
        String sql = """
                SELECT %s FROM instances i
                 WHERE host = ? AND machine IN (?, '') AND dir = ? AND project = ?
                 ORDER BY machine = ? DESC
                 LIMIT 1
                   FOR UPDATE
                """.formatted(COLUMNS);
        return Sql.one(
                connection,
                sql,
                InstanceDao::map,
                place.host(),
                place.machine(),
                place.dir(),
                place.project(),
                place.machine());
    }

    /**
     * Starts a live instance afresh for a new agent session that no other open session shares:
     * a new start time and pid, no task; its name and inbox stay, and it becomes this machine's.
     */
    Instance restart(long id, String machine, Long pid) throws SQLException {
        String sql = """
                UPDATE instances i
                   SET machine = ?, pid = ?, task = NULL, started_at = now(), last_seen = now()
                 WHERE id = ?
                RETURNING %s
                """.formatted(COLUMNS);
        return Sql.one(connection, sql, InstanceDao::map, machine, pid, id).orElseThrow();
    }

    /**
     * Looks a caller up by name and, if it is live and was last seen over {@link #SEEN_EVERY}
     * ago, refreshes its last-seen time.
     */
    public Optional<Instance> touchByName(String name) throws SQLException {
        String sql = """
                WITH me AS (SELECT id FROM instances WHERE name = ?),
                touched AS (
                    UPDATE instances i
                       SET last_seen = now()
                      FROM me
                     WHERE i.id = me.id AND i.left_at IS NULL AND i.last_seen < now() - make_interval(secs => ?)
                    RETURNING %s)
                SELECT * FROM touched
                UNION ALL
                SELECT %s FROM instances i JOIN me ON i.id = me.id WHERE NOT EXISTS (SELECT 1 FROM touched)
                """.formatted(COLUMNS, COLUMNS);
        return Sql.one(connection, sql, InstanceDao::map, name, SEEN_EVERY.toSeconds());
    }

    /**
     * Who the caller is by its directory: {@code instance}, unless {@code others} is not empty:
     * then several live instances share the nearest registered directory and none was chosen.
     */
    public record Resolved(Instance instance, List<Instance> others) {
        public boolean ambiguous() {
            return !others.isEmpty();
        }
    }

    private record Touched(Instance instance, long liveHere) {}

    /**
     * The registration on this host and machine for the nearest of {@code dirs} (a directory and
     * its ancestors, nearest first), touched when live. In that directory a live instance wins
     * over departed ones; two live ones (two projects) are ambiguous: none is touched, and the
     * answer lists them all. Rows of no known machine count as this machine's (see {@link Place}).
     */
    public Optional<Resolved> touchByDirectory(String host, String machine, List<String> dirs) throws SQLException {
        String sql = """
                WITH nearest AS (
                    SELECT id, left_at, last_seen, count(*) FILTER (WHERE left_at IS NULL) OVER () AS live_here
                      FROM (SELECT id, left_at, last_seen, rank() OVER (ORDER BY length(dir) DESC) AS depth
                              FROM instances
                             WHERE host = ? AND machine IN (?, '') AND dir = ANY (?)) candidates
                     WHERE depth = 1),
                me AS (
                    SELECT id, live_here FROM nearest
                     ORDER BY (left_at IS NULL) DESC, last_seen DESC
                     LIMIT 1),
                touched AS (
                    UPDATE instances i
                       SET last_seen = now()
                      FROM me
                     WHERE i.id = me.id AND i.left_at IS NULL AND me.live_here = 1
                       AND i.last_seen < now() - make_interval(secs => ?)
                    RETURNING %s, me.live_here)
                SELECT * FROM touched
                UNION ALL
                SELECT %s, me.live_here FROM instances i JOIN me ON i.id = me.id
                 WHERE NOT EXISTS (SELECT 1 FROM touched)
                """.formatted(COLUMNS, COLUMNS);
        String[] candidates = dirs.toArray(String[]::new);
        Optional<Touched> found = Sql.one(
                connection,
                sql,
                rs -> new Touched(map(rs), rs.getLong("live_here")),
                host,
                machine,
                candidates,
                SEEN_EVERY.toSeconds());
        if (found.isEmpty() || found.get().liveHere() <= 1) {
            return found.map(t -> new Resolved(t.instance(), List.of()));
        }
        String sameDirectory = """
                SELECT %s FROM instances i
                 WHERE host = ? AND machine IN (?, '') AND dir = ? AND left_at IS NULL
                 ORDER BY name
                """.formatted(COLUMNS);
        List<Instance> live = Sql.list(
                connection,
                sameDirectory,
                InstanceDao::map,
                host,
                machine,
                found.get().instance().dir());
        return Optional.of(new Resolved(live.get(0), live.subList(1, live.size())));
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

    /** Live agent instances, optionally of one project, most recently seen first. */
    public List<Instance> live(String project) throws SQLException {
        String sql = """
                SELECT %s FROM instances i
                 WHERE left_at IS NULL AND kind = 'agent' AND (?::text IS NULL OR project = ?)
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
                 WHERE left_at IS NULL AND kind = 'agent' AND last_seen < now() - make_interval(secs => ?)
                   AND id IS DISTINCT FROM ?::bigint
                """;
        return Sql.update(connection, sql, (double) staleAfter.toSeconds(), callerId);
    }

    /** Whether any instance, live or departed, ever registered in {@code project}. */
    public boolean everRegisteredIn(String project) throws SQLException {
        String sql = "SELECT EXISTS (SELECT 1 FROM instances WHERE project = ?) AS seen";
        return Sql.one(connection, sql, rs -> rs.getBoolean("seen"), project).orElseThrow();
    }

    /**
     * The human overseer's instance (db/migration V9 creates it), live again if someone had
     * deregistered it, so that the page can always act as it.
     */
    public Instance overseer() throws SQLException {
        String sql = """
                UPDATE instances i SET left_at = NULL, left_reason = NULL, last_seen = now()
                 WHERE kind = 'human'
                RETURNING %s
                """.formatted(COLUMNS);
        return Sql.one(connection, sql, InstanceDao::map)
                .orElseThrow(() -> new IllegalStateException("the overseer's instance is missing from the schema"));
    }

    /**
     * Every project an agent has registered in or a memory belongs to, by name. The memories'
     * projects are read by skipping from one to the next in their index, not by reading every
     * memory.
     */
    public List<String> projects() throws SQLException {
        String sql = """
                WITH RECURSIVE remembered AS (
                    (SELECT project FROM memories WHERE scope = 'project' ORDER BY project LIMIT 1)
                    UNION ALL
                    SELECT (SELECT m.project FROM memories m
                             WHERE m.scope = 'project' AND m.project > r.project
                             ORDER BY m.project LIMIT 1)
                      FROM remembered r WHERE r.project IS NOT NULL)
                SELECT project FROM remembered WHERE project IS NOT NULL
                 UNION
                SELECT project FROM instances WHERE kind = 'agent'
                 ORDER BY 1
                """;
        return Sql.list(connection, sql, rs -> rs.getString(1));
    }

    static Instance map(ResultSet rs) throws SQLException {
        return new Instance(
                rs.getLong("id"),
                rs.getString("name"),
                rs.getString("host"),
                rs.getString("machine"),
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

package io.clambake.db;

import io.clambake.domain.Instance;
import io.clambake.domain.NameGenerator;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Optional;

/**
 * Sessions that act as an instance: a Claude Code session driving hooks, or an MCP server
 * process. Sessions in one directory share the instance registered there, which stays
 * registered until the last of them ends. Attach and end lock the instance row, so a session
 * starting while another ends either sees the instance deregistered or keeps it alive.
 */
public final class AgentSessionDao {
    /** A session unseen this long no longer keeps its instance registered when the others end. */
    static final Duration OPEN_WINDOW = Duration.ofHours(1);

    private final Connection connection;

    public AgentSessionDao(Connection connection) {
        this.connection = connection;
    }

    /**
     * Who wants to attach: a session id, the place and name it would register, and the Claude
     * Code session it belongs to, when known: the session id Claude Code gave it and Claude
     * Code's pid (see {@link #company}).
     */
    public record Request(
            String sessionId, InstanceDao.Place place, Long pid, String name, String claudeSession, Long claudePid) {}

    /**
     * {@code registered}: a register happened; {@code revived}: it brought a departed name back;
     * {@code siblings}: other Claude Code sessions (or other clients) that share the instance.
     */
    public record Attached(Instance instance, boolean registered, boolean revived, int siblings) {}

    public record Ended(Instance instance, boolean deregistered) {}

    /**
     * Ties the session to an instance. A session already tied to a live instance keeps it. Else,
     * with no asked-for name, the live registration of the place is reused; a fresh session (a
     * new conversation or server) that no other session holds starts it afresh (no task, a new
     * start time). Otherwise this is a plain register.
     */
    public Attached attach(Request r, boolean fresh, NameGenerator names) throws SQLException {
        return Sql.inTransaction(connection, () -> {
            InstanceDao instances = new InstanceDao(connection);
            Optional<Instance> mine = lockInstanceOf(r.sessionId()).filter(Instance::live);
            Instance instance = null;
            boolean registered = false;
            boolean revived = false;
            if (mine.isPresent()) {
                instance = mine.get();
            } else if (r.name() == null) {
                Optional<Instance> live = instances.lockPlace(r.place()).filter(Instance::live);
                if (live.isPresent()) {
                    registered = fresh && company(live.get().id(), r).holders() == 0;
                    instance = registered
                            ? instances.restart(live.get().id(), r.place().machine(), r.pid())
                            : live.get();
                }
            }
            if (instance == null) {
                InstanceDao.Registration registration = instances.register(r.place(), r.pid(), r.name(), false, names);
                instance = registration.instance();
                registered = true;
                revived = registration.revived();
            }
            String sql = """
                    INSERT INTO agent_sessions AS s (id, instance_id, claude_session, claude_pid) VALUES (?, ?, ?, ?)
                    ON CONFLICT (id) DO UPDATE
                       SET instance_id = EXCLUDED.instance_id, ended_at = NULL, last_seen = now(),
                           claude_session = EXCLUDED.claude_session, claude_pid = EXCLUDED.claude_pid
                    """;
            Sql.update(connection, sql, r.sessionId(), instance.id(), r.claudeSession(), r.claudePid());
            return new Attached(
                    instance, registered, revived, company(instance.id(), r).siblings());
        });
    }

    /**
     * Touches the session and its instance, unless the session was touched less than
     * {@code notWithin} ago: the one statement is the rate limit, so racing hooks of one session
     * pass it once. Empty when the session is unknown, ended or inside the interval.
     * Its commit does not wait for the WAL to reach the disk (synchronous_commit off for this
     * statement's transaction): it runs at every prompt, and a server crash can only lose the
     * last fraction of a second of last-seen times, which the next hook writes again.
     */
    public Optional<Instance> touch(String sessionId, Duration notWithin) throws SQLException {
        String sql = """
                WITH s AS (
                    UPDATE agent_sessions SET reminded_at = now(), last_seen = now()
                     WHERE id = ? AND ended_at IS NULL
                       AND (reminded_at IS NULL OR reminded_at <= now() - make_interval(secs => ?))
                    RETURNING instance_id)
                UPDATE instances i
                   SET last_seen = CASE WHEN i.left_at IS NULL THEN now() ELSE i.last_seen END
                  FROM s
                 WHERE i.id = s.instance_id
                   AND set_config('synchronous_commit', 'off', true) IS NOT NULL
                RETURNING %s
                """.formatted(InstanceDao.COLUMNS);
        return Sql.one(connection, sql, InstanceDao::map, sessionId, notWithin.toMillis() / 1000.0);
    }

    /** A Stop-hook waiter of a session: its instance, and the generation it holds. */
    public record Waiting(Instance instance, long generation) {}

    /**
     * Makes the caller the session's one waiter: takes the next generation, which tells an
     * older waiter (through the change notification of V11) that it is replaced. Empty when the
     * session is unknown or ended.
     */
    public Optional<Waiting> startWaiter(String sessionId) throws SQLException {
        String sql = """
                WITH s AS (
                    UPDATE agent_sessions SET waiter = waiter + 1, last_seen = now()
                     WHERE id = ? AND ended_at IS NULL
                    RETURNING instance_id, waiter)
                SELECT %s, s.waiter FROM s JOIN instances i ON i.id = s.instance_id
                """.formatted(InstanceDao.COLUMNS);
        return Sql.one(connection, sql, rs -> new Waiting(InstanceDao.map(rs), rs.getLong("waiter")), sessionId);
    }

    /** The waiter's instance while it is still the session's waiter and the session is open, else empty. */
    public Optional<Instance> stillWaiting(String sessionId, long generation) throws SQLException {
        String sql = """
                SELECT %s FROM agent_sessions s JOIN instances i ON i.id = s.instance_id
                 WHERE s.id = ? AND s.waiter = ? AND s.ended_at IS NULL
                """.formatted(InstanceDao.COLUMNS);
        return Sql.one(connection, sql, InstanceDao::map, sessionId, generation);
    }

    /** Ends the session; its instance is deregistered when no other open session shares it. */
    public Optional<Ended> end(String sessionId) throws SQLException {
        return Sql.inTransaction(connection, () -> {
            Optional<Instance> instance = lockInstanceOf(sessionId);
            if (instance.isEmpty()) {
                return Optional.empty();
            }
            Sql.update(
                    connection,
                    "UPDATE agent_sessions SET ended_at = now() WHERE id = ? AND ended_at IS NULL",
                    sessionId);
            Instance me = instance.get();
            if (!me.live() || openSessions(me.id(), sessionId) > 0) {
                return Optional.of(new Ended(me, false));
            }
            return Optional.of(new Ended(new InstanceDao(connection).deregister(me.id()), true));
        });
    }

    private Optional<Instance> lockInstanceOf(String sessionId) throws SQLException {
        String sql = """
                SELECT %s FROM agent_sessions s JOIN instances i ON i.id = s.instance_id
                 WHERE s.id = ?
                   FOR UPDATE OF i
                """.formatted(InstanceDao.COLUMNS);
        return Sql.one(connection, sql, InstanceDao::map, sessionId);
    }

    /** Open sessions of the instance other than {@code sessionId}, seen within the open window. */
    private int openSessions(long instanceId, String sessionId) throws SQLException {
        String sql = """
                SELECT count(*) FROM agent_sessions
                 WHERE instance_id = ? AND id <> ? AND ended_at IS NULL
                   AND last_seen > now() - make_interval(secs => ?)
                """;
        return Sql.one(connection, sql, rs -> rs.getInt(1), instanceId, sessionId, (double) OPEN_WINDOW.toSeconds())
                .orElse(0);
    }

    /**
     * The other open sessions of the instance, seen from the requester. {@code holders}: those
     * that keep a fresh session from starting the instance afresh; the MCP server that the
     * requester's Claude Code process started for an earlier conversation (before /clear) is not
     * one, so a new conversation starts afresh with or without it, but its server of this
     * conversation is, having started first. {@code siblings}: the other sessions as the agent
     * should count them: the rows of one Claude Code process are one session, and those of the
     * requester's own are none (its hooks and its MCP server share the session id they start
     * with; after /clear the hooks have a new one and the server keeps the old, but both still
     * know Claude Code's pid).
     */
    private record Company(int holders, int siblings) {}

    private Company company(long instanceId, Request r) throws SQLException {
        String sql = """
                SELECT count(*) FILTER (
                           WHERE NOT coalesce(claude_pid = ? AND claude_session IS DISTINCT FROM ?, false)),
                       count(DISTINCT coalesce('pid ' || claude_pid, 'session ' || claude_session, id)) FILTER (
                           WHERE (?::text IS NULL OR claude_session IS DISTINCT FROM ?)
                             AND (?::bigint IS NULL OR claude_pid IS DISTINCT FROM ?))
                  FROM agent_sessions
                 WHERE instance_id = ? AND id <> ? AND ended_at IS NULL
                   AND last_seen > now() - make_interval(secs => ?)
                """;
        return Sql.one(
                        connection,
                        sql,
                        rs -> new Company(rs.getInt(1), rs.getInt(2)),
                        r.claudePid(),
                        r.claudeSession(),
                        r.claudeSession(),
                        r.claudeSession(),
                        r.claudePid(),
                        r.claudePid(),
                        instanceId,
                        r.sessionId(),
                        (double) OPEN_WINDOW.toSeconds())
                .orElseThrow();
    }
}

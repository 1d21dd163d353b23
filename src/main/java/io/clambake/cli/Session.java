package io.clambake.cli;

import io.clambake.claude.ClaudeCodeProcess;
import io.clambake.config.DatabaseSettings;
import io.clambake.config.Environment;
import io.clambake.config.ProjectNames;
import io.clambake.config.RegistrableDirectory;
import io.clambake.config.SettingsResolver;
import io.clambake.db.AgentSessionDao;
import io.clambake.db.ConnectionSource;
import io.clambake.db.Database;
import io.clambake.db.InstanceDao;
import io.clambake.domain.ClambakeException;
import io.clambake.domain.Failure;
import io.clambake.domain.Instance;
import io.clambake.domain.Rules;
import io.clambake.embedded.EmbeddedServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * One command's view of the database and of who is calling. The connection opens on first use,
 * so a command that fails on its input never touches the network. In a long-lived process the
 * connection comes from its pool instead.
 */
final class Session implements AutoCloseable {
    private final Environment env;
    private final String dbUrl;
    private final String as;
    private final ConnectionSource pool;
    private String parameters;
    private Connection connection;
    private DatabaseSettings settings;
    private OffsetDateTime now;

    /** {@code dbUrl} and {@code as}: the --db-url and --as options, null when not given. */
    Session(Environment env, String dbUrl, String as, ConnectionSource pool) {
        this.env = env;
        this.dbUrl = dbUrl;
        this.as = as;
        this.pool = pool;
    }

    Environment env() {
        return env;
    }

    Connection db() {
        if (connection == null) {
            connection = pool != null ? pool.connect(this::settings) : Database.open(settings());
        }
        return connection;
    }

    /**
     * Gives the connection back before a long wait (in a long-lived process, to its pool, where
     * other commands need it); the next {@link #db()} takes one again. A verb that waits for
     * minutes calls this first, and listens on a connection of its own.
     */
    void release() throws SQLException {
        if (connection != null) {
            Connection released = connection;
            connection = null;
            if (pool != null) {
                pool.release(released);
            } else {
                released.close();
            }
        }
    }

    DatabaseSettings settings() {
        if (settings == null) {
            DatabaseSettings resolved = new SettingsResolver(env)
                    .resolve(dbUrl, schema -> new EmbeddedServer(env).connectionSettings(schema));
            settings = parameters == null ? resolved : resolved.withParameters(parameters);
        }
        return settings;
    }

    /** Whether this session holds a connection: a failure of it now happened during a statement. */
    boolean connected() {
        return connection != null;
    }

    /** The --db-url option, or null. */
    String dbUrl() {
        return dbUrl;
    }

    /**
     * The database's clock, read once per command: every stored time was written by it, so ages
     * shown from it need no synchronised clock on this machine.
     */
    OffsetDateTime now() throws SQLException {
        if (now == null) {
            now = Database.now(db());
        }
        return now;
    }

    /**
     * What an agent session (a Claude Code session, an MCP server) asks for when it attaches:
     * this host and machine, the directory (checked by {@link #registrable}), the project
     * (default: the directory's repository name), and the Claude Code session it belongs to.
     */
    AgentSessionDao.Request agentSession(
            String sessionId, Path directory, String project, String name, ClaudeCodeProcess claude) {
        String projectName = Rules.project(project != null ? project : ProjectNames.guess(directory));
        Long pid = env.callerPid();
        return new AgentSessionDao.Request(
                sessionId, place(directory, projectName), pid, name, claude.sessionId(), claude.pid());
    }

    /** Where an instance of {@code project} registered in {@code directory} lives: this host and machine. */
    InstanceDao.Place place(Path directory, String project) {
        return new InstanceDao.Place(env.host(), env.machine(), directory.toString(), project);
    }

    /** Driver parameters (such as short timeouts) for the connection this session opens, over the URL's. */
    void parameters(String parameters) {
        this.parameters = parameters;
        this.settings = null;
    }

    /** The calling instance, which must be registered and live; its last-seen time is refreshed. */
    Instance me() throws SQLException {
        Optional<Instance> found = lookUp();
        if (found.isEmpty()) {
            throw new ClambakeException(
                    Failure.NOT_REGISTERED,
                    "not registered: no instance for " + cwd() + " on " + env.host()
                            + " (run 'clambake register --project P' here, or pass --as NAME)");
        }
        Instance me = found.get();
        if (!me.live()) {
            throw new ClambakeException(
                    Failure.NOT_REGISTERED,
                    me.name() + " is not registered ("
                            + me.leftReason() + " at " + me.leftAt().toInstant()
                            + "); run 'clambake register --project "
                            + me.project() + "' in " + me.dir() + " to come back with the same name and inbox");
        }
        return me;
    }

    /** The calling instance when there is a live one; verbs that anyone may run use this. */
    Optional<Instance> meIfRegistered() throws SQLException {
        return lookUp().filter(Instance::live);
    }

    /** --as, then $CLAMBAKE_INSTANCE, then this host's registration for the nearest directory. */
    private Optional<Instance> lookUp() throws SQLException {
        InstanceDao instances = new InstanceDao(db());
        String name = as != null ? as : env.get("CLAMBAKE_INSTANCE");
        if (name != null) {
            String source = as != null ? "--as" : "CLAMBAKE_INSTANCE";
            Instance named = instances
                    .touchByName(name)
                    .orElseThrow(
                            () -> ClambakeException.notFound("no instance named '" + name + "' (from " + source + ")"));
            return Optional.of(named);
        }
        Optional<InstanceDao.Resolved> resolved =
                instances.touchByDirectory(env.host(), env.machine(), ancestors(cwd()));
        if (resolved.isPresent() && resolved.get().ambiguous()) {
            throw ambiguous(resolved.get());
        }
        return resolved.map(InstanceDao.Resolved::instance);
    }

    /** Two projects live in one directory: whoever registered last must not silently become "me". */
    private static ClambakeException ambiguous(InstanceDao.Resolved resolved) {
        List<Instance> all = new ArrayList<>();
        all.add(resolved.instance());
        all.addAll(resolved.others());
        String names = all.stream()
                .map(i -> i.name() + " (project " + i.project() + ")")
                .collect(Collectors.joining(", "));
        return ClambakeException.invalid(all.size() + " instances are registered in "
                + resolved.instance().dir() + ": " + names + "; say which with --as NAME or CLAMBAKE_INSTANCE=NAME");
    }

    Path cwd() {
        return env.cwd().toAbsolutePath().normalize();
    }

    /** Resolves a --dir argument the way register stores it. */
    Path directory(String dir) {
        return dir == null ? cwd() : cwd().resolve(dir).normalize();
    }

    /**
     * A --dir option's directory, which must exist, as a registration's directory (see
     * {@link #registrable}). The working directory, or a hook's, exists by being one.
     */
    Path registrableOption(String dir) {
        Path directory = directory(dir);
        if (dir != null && !Files.isDirectory(directory)) {
            throw ClambakeException.invalid("--dir " + directory + ": no such directory");
        }
        return registrable(directory);
    }

    /** The directory, unless it is too broad to register (see {@link RegistrableDirectory}). */
    Path registrable(Path directory) {
        return RegistrableDirectory.check(env, directory);
    }

    static List<String> ancestors(Path dir) {
        List<String> dirs = new ArrayList<>();
        for (Path p = dir; p != null; p = p.getParent()) {
            dirs.add(p.toString());
        }
        return dirs;
    }

    @Override
    public void close() throws SQLException {
        release();
    }
}

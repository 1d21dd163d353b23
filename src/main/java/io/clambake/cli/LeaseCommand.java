package io.clambake.cli;

import io.clambake.db.Database;
import io.clambake.db.LeaseDao;
import io.clambake.domain.ClambakeException;
import io.clambake.domain.ExitCode;
import io.clambake.domain.HeldException;
import io.clambake.domain.Instance;
import io.clambake.domain.Lease;
import io.clambake.domain.LeaseTarget;
import io.clambake.domain.Rules;
import io.clambake.git.Repository;
import io.clambake.output.LeaseText;
import io.clambake.output.Text;
import io.clambake.output.Views;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
        name = "lease",
        description = {
            "Take a lease on files, globs or resources of your project: while it lasts, no other instance can"
                    + " lease them, edit them through Claude Code or commit them.",
            "Paths are relative to the git top level of the current directory (else your registered"
                    + " directory); a path outside it is invalid. Globs: * and ? within a segment, ** any number of"
                    + " segments. Two targets conflict when the literal part of one (the path before its first"
                    + " wildcard) is the other's or a directory above it.",
            "All targets or none. Leasing what you hold renews it. Held by another: exit 6, naming the holder."
        })
final class LeaseCommand extends Verb {
    /** How often --wait tries again: a lease freed or expired is taken within this (well under a second). */
    static final Duration POLL = Duration.ofMillis(200);

    @Mixin
    CallerOptions caller;

    @Parameters(paramLabel = "TARGET", arity = "0..*", description = "A file or directory path, or a glob.")
    List<String> paths = new ArrayList<>();

    @Option(
            names = "--resource",
            paramLabel = "NAME",
            description = "A resource that is not a file (docker, prod-db, migrations); repeatable.")
    List<String> resources = new ArrayList<>();

    @Option(
            names = "--ttl",
            paramLabel = "DURATION",
            defaultValue = "30m",
            description = "Expire after this long (database clock); 1s to 24h (default: ${DEFAULT-VALUE}).")
    String ttl;

    @Option(names = "--reason", paramLabel = "TEXT", description = "Why you hold it (max 500 characters).")
    String reason;

    @Option(names = "--shared", description = "Shared: coexists with other shared leases, never with an exclusive one.")
    boolean shared;

    @Option(
            names = "--wait",
            paramLabel = "DURATION",
            description = "When held by another, wait up to this long for it (0s to 1h), then exit 6.")
    String wait;

    @Override
    protected int run(Session session) throws Exception {
        Duration expiry = Rules.duration("--ttl", ttl, Rules.LEASE_TTL);
        Duration patience = wait == null ? Duration.ZERO : Rules.duration("--wait", wait, Rules.LEASE_WAIT);
        String why = Rules.optionalLine("--reason", reason, Rules.MAX_REASON);
        if (paths.isEmpty() && resources.isEmpty()) {
            throw ClambakeException.invalid("name what to lease: TARGET (a path or glob) or --resource NAME");
        }
        Instance me = session.me();
        List<LeaseTarget> targets = targets(session, me, paths, resources);
        long deadline = System.nanoTime() + patience.toNanos();
        LeaseDao.Outcome outcome;
        while (true) {
            outcome = new LeaseDao(session.db()).acquire(me, targets, shared, expiry, why);
            long left = deadline - System.nanoTime();
            if (outcome.conflict() == null || left <= 0) {
                break;
            }
            // A waiting command holds no connection (in a long-lived process, others need it).
            session.release();
            Thread.sleep(Math.max(1, Math.min(POLL.toMillis(), left / 1_000_000)));
        }
        if (outcome.conflict() != null) {
            Lease holder = outcome.conflict().holder();
            throw new HeldException(
                    holder.holder(),
                    LeaseText.held(outcome.conflict().wanted(), holder, databaseNow(session))
                            + (patience.isZero() ? "" : " (waited " + Text.span(patience) + ")"));
        }
        if (json()) {
            return printJson(
                    Map.of("leases", outcome.leases().stream().map(Views::lease).toList()));
        }
        OffsetDateTime now = session.now();
        for (Lease l : outcome.leases()) {
            out().println((l.renewed() ? "renewed " : "leased ") + (l.shared() ? "shared " : "")
                    + l.target().label()
                    + " until " + l.expiresAt().toInstant() + " (in "
                    + Text.span(Duration.between(now, l.expiresAt())) + ")");
        }
        return ExitCode.OK;
    }

    /** The database's time now, not the command's first reading: a --wait can last minutes. */
    private static OffsetDateTime databaseNow(Session session) throws SQLException {
        return Database.now(session.db());
    }

    /**
     * The lease targets named on a command line: paths and globs relative to the repository
     * root of the caller's directory (its git top level, else the caller's registered
     * directory), then resources.
     */
    static List<LeaseTarget> targets(Session session, Instance me, List<String> paths, List<String> resources) {
        List<LeaseTarget> targets = new ArrayList<>();
        if (!paths.isEmpty()) {
            Path cwd = session.cwd();
            String root = Repository.containing(cwd)
                    .map(Repository::top)
                    .orElse(Path.of(me.dir()))
                    .toString();
            for (String path : paths) {
                targets.add(LeaseTarget.file(path, root, cwd.toString()));
            }
        }
        for (String resource : resources) {
            targets.add(LeaseTarget.resource(resource));
        }
        return targets.stream().distinct().toList();
    }
}

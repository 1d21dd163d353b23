package io.clambake.cli;

import io.clambake.db.LeaseDao;
import io.clambake.domain.ClambakeException;
import io.clambake.domain.ExitCode;
import io.clambake.domain.HeldException;
import io.clambake.domain.Instance;
import io.clambake.domain.Lease;
import io.clambake.domain.LeaseTarget;
import io.clambake.domain.Rules;
import io.clambake.output.Views;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
        name = "release",
        description = {
            "Release your leases: on TARGETs (as you leased them), on --resource NAMEs, or --all.",
            "--force takes the leases on one target away from holders that are no longer live (deregistered,"
                    + " or unseen for an hour), never from a live one (exit 6)."
        })
final class ReleaseCommand extends Verb {
    /** A holder unseen this long (status's stale mark) is no longer live for --force. */
    static final Duration STALE = Duration.ofHours(1);

    @Mixin
    CallerOptions caller;

    @Parameters(paramLabel = "TARGET", arity = "0..*", description = "A path or glob you leased.")
    List<String> paths = new ArrayList<>();

    @Option(names = "--resource", paramLabel = "NAME", description = "A resource you leased; repeatable.")
    List<String> resources = new ArrayList<>();

    @Option(names = "--all", description = "All your leases.")
    boolean all;

    @Option(names = "--force", description = "Take one target's leases from holders that are no longer live.")
    boolean force;

    @Option(
            names = "--project",
            paramLabel = "P",
            description = "With --force: the lease's project (default: yours); TARGET is then the target as 'leases'"
                    + " shows it, relative to the repository root.")
    String project;

    @Override
    protected int run(Session session) throws Exception {
        boolean named = !paths.isEmpty() || !resources.isEmpty();
        if (all == named) {
            throw ClambakeException.invalid("name what to release: TARGET, --resource NAME, or --all (not both)");
        }
        if (force && (all || paths.size() + resources.size() != 1)) {
            throw ClambakeException.invalid("--force takes exactly one TARGET or --resource NAME");
        }
        if (project != null && !force) {
            throw ClambakeException.invalid("--project goes with --force (your own leases are in your project)");
        }
        Instance me = session.me();
        LeaseDao leases = new LeaseDao(session.db());
        List<Lease> released;
        if (force) {
            String scope = project == null ? me.project() : Rules.project(project);
            LeaseTarget target = project == null
                    ? LeaseCommand.targets(session, me, paths, resources).get(0)
                    : paths.isEmpty() ? LeaseTarget.resource(resources.get(0)) : LeaseTarget.relative(paths.get(0));
            LeaseDao.Forced forced = leases.forceRelease(scope, target, STALE);
            if (!forced.live().isEmpty()) {
                Lease live = forced.live().get(0);
                throw new HeldException(
                        live.holder(),
                        target.label() + " is held by " + live.holder() + ", which is live: ask them with clambake"
                                + " send --to " + live.holder() + " (--force takes leases from departed or stale"
                                + " holders only)");
            }
            released = forced.released();
            if (released.isEmpty()) {
                throw ClambakeException.notFound("no active lease on " + target.label() + " in project " + scope);
            }
        } else {
            List<LeaseTarget> targets = all ? null : LeaseCommand.targets(session, me, paths, resources);
            if (targets != null) {
                List<Lease> mine = leases.active(null, me.id());
                String missing = targets.stream()
                        .filter(t -> mine.stream().noneMatch(l -> l.target().equals(t)))
                        .map(LeaseTarget::label)
                        .collect(Collectors.joining(", "));
                if (!missing.isEmpty()) {
                    throw ClambakeException.notFound(
                            "you hold no lease on " + missing + " ('clambake leases --mine' lists yours)");
                }
            }
            released = leases.release(me.id(), targets);
        }
        if (json()) {
            Map<String, Object> doc = new LinkedHashMap<>();
            doc.put("released", released.stream().map(Views::lease).toList());
            doc.put("forced", force);
            return printJson(doc);
        }
        for (Lease l : released) {
            out().println("released " + l.target().label() + (force ? " (held by " + l.holder() + ")" : ""));
        }
        if (released.isEmpty()) {
            out().println("no leases to release");
        }
        return ExitCode.OK;
    }
}

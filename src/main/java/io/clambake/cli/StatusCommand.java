package io.clambake.cli;

import io.clambake.db.InstanceDao;
import io.clambake.db.LeaseDao;
import io.clambake.db.LogDao;
import io.clambake.db.MessageQueries;
import io.clambake.domain.ExitCode;
import io.clambake.domain.Instance;
import io.clambake.domain.Lease;
import io.clambake.domain.LogEntry;
import io.clambake.domain.Message;
import io.clambake.domain.Rules;
import io.clambake.output.HostLabels;
import io.clambake.output.LeaseText;
import io.clambake.output.Text;
import io.clambake.output.Views;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
        name = "status",
        description = {
            "Show live instances, active leases (of --project, else of your project), open blockers, recent"
                    + " activity (messages and log entries) and, for a registered caller, its requests and"
                    + " blockers no one has acknowledged yet.",
            "Direct messages between two others show from, to, type and time only."
        })
final class StatusCommand extends Verb {
    /** Open blockers and unacknowledged messages listed at most. */
    static final int BLOCKERS = 20;

    @Mixin
    CallerOptions caller;

    @Option(names = "--project", paramLabel = "P", description = "Only this project.")
    String project;

    @Option(
            names = "--limit",
            paramLabel = "N",
            defaultValue = "10",
            description = "Recent messages and log entries to show (default: ${DEFAULT-VALUE}).")
    int limit;

    @Option(
            names = "--stale-after",
            paramLabel = "DURATION",
            defaultValue = "1h",
            description = "Mark instances unseen this long as stale; 10m to 365d (default: ${DEFAULT-VALUE}).")
    String staleAfter;

    @Override
    protected int run(Session session) throws Exception {
        if (project != null) {
            Rules.project(project);
        }
        if (limit < 0 || limit > 1000) {
            throw io.clambake.domain.ClambakeException.invalid("--limit must be between 0 and 1000");
        }
        Duration threshold = Rules.duration("--stale-after", staleAfter, Rules.STALE_AFTER);
        Optional<Instance> me = session.meIfRegistered();
        // Staleness is judged by the database clock, the one every last-seen time was written with.
        List<Instance> live = new InstanceDao(session.db()).live(project);
        List<Message> messages =
                new MessageQueries(session.db()).recent(me.map(Instance::id).orElse(null), project, limit);
        MessageQueries queries = new MessageQueries(session.db());
        List<Message> blockers = queries.openBlockers(me.map(Instance::id).orElse(null), project, BLOCKERS);
        List<Message> waiting =
                me.isPresent() ? queries.unacknowledged(me.get(), BLOCKERS).items() : List.of();
        List<LogEntry> log = new LogDao(session.db()).recent(project, limit);
        // The leases of the project asked for, else of the caller's, else of every project.
        String leaseProject =
                project != null ? project : me.map(Instance::project).orElse(null);
        List<Lease> leases = new LeaseDao(session.db()).active(leaseProject, null);
        OffsetDateTime now = session.now();
        if (json()) {
            Map<String, Object> doc = new LinkedHashMap<>();
            doc.put("me", me.map(Instance::name).orElse(null));
            doc.put(
                    "instances",
                    live.stream()
                            .map(i -> Views.instance(i, i.staleAt(now, threshold)))
                            .toList());
            doc.put("blockers", blockers.stream().map(Views::message).toList());
            doc.put("unacknowledged", waiting.stream().map(Views::message).toList());
            doc.put("messages", messages.stream().map(Views::message).toList());
            doc.put("log", log.stream().map(Views::logEntry).toList());
            doc.put("leases", leases.stream().map(Views::lease).toList());
            return printJson(doc);
        }
        PrintWriter out = out();
        out.println("INSTANCES (" + live.size() + " live" + (project == null ? "" : " in " + project) + ")"
                + me.map(i -> "  you are " + i.name()).orElse(""));
        if (!live.isEmpty()) {
            Text.Table table = new Text.Table().row("NAME", "PROJECT", "HOST", "DIR", "LAST SEEN", "TASK");
            HostLabels hosts = new HostLabels(live);
            for (Instance i : live) {
                String seen = Text.age(i.lastSeen(), now) + (i.staleAt(now, threshold) ? " (stale)" : "");
                table.row(
                        i.name(),
                        i.project(),
                        hosts.of(i),
                        Text.oneLine(i.dir(), 40),
                        seen,
                        Text.oneLine(i.task() == null ? "-" : i.task(), 60));
            }
            table.print(out);
        }
        if (!leases.isEmpty()) {
            out.println();
            out.println("ACTIVE LEASES" + (leaseProject == null ? "" : " in " + leaseProject));
            Text.Table held = new Text.Table().row(LeaseText.HEADER);
            leases.forEach(l -> held.row(LeaseText.row(l, now)));
            held.print(out);
        }
        if (!blockers.isEmpty()) {
            out.println();
            out.println("OPEN BLOCKERS (close ID, or send --type done --reply-to ID, by their sender)");
            Text.Table open = new Text.Table();
            blockers.forEach(m -> InboxCommand.row(open, m, now));
            open.print(out);
        }
        if (!waiting.isEmpty()) {
            out.println();
            out.println("YOUR REQUESTS AND BLOCKERS NOT ACKNOWLEDGED");
            Text.Table unacked = new Text.Table();
            for (Message m : waiting) {
                unacked.row(
                        "#" + m.id(),
                        m.type().label(),
                        "-> " + m.to(),
                        Text.age(m.createdAt(), now),
                        Text.oneLine(m.subject(), 70));
            }
            unacked.print(out);
        }
        out.println();
        out.println("RECENT MESSAGES");
        Text.Table recent = new Text.Table();
        for (Message m : messages) {
            recent.row(
                    "#" + m.id(),
                    Text.age(m.createdAt(), now),
                    Text.sender(m.from()) + " -> " + m.to(),
                    m.type().label(),
                    (m.withheld() ? "(private)" : Text.oneLine(m.subject(), 70))
                            + (m.closedAt() != null ? " [closed]" : ""));
        }
        recent.print(out);
        out.println();
        out.println("RECENT LOG");
        Text.Table entries = new Text.Table();
        for (LogEntry e : log) {
            entries.row(Text.age(e.createdAt(), now), e.instance(), e.action(), Text.oneLine(e.summary(), 80));
        }
        entries.print(out);
        return ExitCode.OK;
    }
}

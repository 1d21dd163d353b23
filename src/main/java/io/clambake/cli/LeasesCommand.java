package io.clambake.cli;

import io.clambake.db.LeaseDao;
import io.clambake.domain.ClambakeException;
import io.clambake.domain.ExitCode;
import io.clambake.domain.Instance;
import io.clambake.domain.Lease;
import io.clambake.domain.Rules;
import io.clambake.output.LeaseText;
import io.clambake.output.Text;
import io.clambake.output.Views;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
        name = "leases",
        description = "List active leases (of your project by default): target, kind, holder, host, since, expiry, task"
                + " and reason.")
final class LeasesCommand extends Verb {
    @Mixin
    CallerOptions caller;

    @Option(names = "--project", paramLabel = "P", description = "This project's leases.")
    String project;

    @Option(names = "--all-projects", description = "Every project's leases.")
    boolean allProjects;

    @Option(names = "--mine", description = "Only your own leases.")
    boolean mine;

    @Override
    protected int run(Session session) throws Exception {
        if (project != null && allProjects) {
            throw ClambakeException.invalid("--project and --all-projects exclude each other");
        }
        if (project != null) {
            Rules.project(project);
        }
        Optional<Instance> me = mine ? Optional.of(session.me()) : session.meIfRegistered();
        String scope = allProjects
                ? null
                : project != null
                        ? project
                        : me.map(Instance::project)
                                .orElseThrow(() -> ClambakeException.invalid(
                                        "name a project with --project P, or use --all-projects"));
        List<Lease> leases =
                new LeaseDao(session.db()).active(scope, mine ? me.get().id() : null);
        if (json()) {
            return printJson(Map.of("leases", leases.stream().map(Views::lease).toList()));
        }
        OffsetDateTime now = session.now();
        if (leases.isEmpty()) {
            out().println("no active leases" + (scope == null ? "" : " in " + scope));
            return ExitCode.OK;
        }
        Text.Table table = new Text.Table().row(LeaseText.HEADER);
        leases.forEach(l -> table.row(LeaseText.row(l, now)));
        table.print(out());
        return ExitCode.OK;
    }
}

package io.clambake.cli;

import io.clambake.config.ProjectNames;
import io.clambake.db.LeaseDao;
import io.clambake.domain.ExitCode;
import io.clambake.domain.Instance;
import io.clambake.domain.Lease;
import io.clambake.domain.LeaseTarget;
import io.clambake.domain.Rules;
import io.clambake.git.Repository;
import io.clambake.output.LeaseText;
import io.clambake.output.Text;
import io.clambake.output.Views;
import java.io.PrintWriter;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
        name = "guard",
        description = {
            "Run by git's pre-commit hook, which 'clambake init' installs: refuses (exit 6) a commit whose staged"
                    + " files are under another live instance's exclusive lease, naming the holder.",
            "'git commit --no-verify' skips it. Fail-open: when it cannot check (no database, not a git"
                    + " repository), it says so on stderr and exits 0."
        })
final class GuardCommand extends Verb {
    @Mixin
    CallerOptions caller;

    @Option(
            names = "--project",
            paramLabel = "P",
            description = "Project whose leases count when no instance is registered here (default: the repository's"
                    + " name).")
    String project;

    @Override
    protected int run(Session session) {
        PrintWriter err = spec.commandLine().getErr();
        List<Map<String, Object>> refused = new ArrayList<>();
        try {
            session.parameters(HookCommand.FAIL_FAST);
            Optional<Repository> repository = Repository.containing(session.cwd());
            if (repository.isEmpty()) {
                throw new IllegalStateException(session.cwd() + " is not in a git repository");
            }
            List<String> staged = repository.get().stagedPaths();
            if (staged.isEmpty()) {
                return done(refused);
            }
            Optional<Instance> me = session.meIfRegistered();
            String scope = me.map(Instance::project)
                    .orElseGet(() -> Rules.project(
                            project != null
                                    ? project
                                    : ProjectNames.guess(repository.get().top())));
            List<Lease> blocking = new LeaseDao(session.db())
                    .blocking(scope, me.map(Instance::id).orElse(null), staged);
            OffsetDateTime now = blocking.isEmpty() ? null : session.now();
            for (String path : staged) {
                for (Lease lease : blocking) {
                    if (lease.target().covers(path)) {
                        String line = LeaseText.held(LeaseTarget.relative(path), lease, now);
                        err.println("clambake guard: commit refused: " + Text.line(line));
                        Map<String, Object> r = new LinkedHashMap<>();
                        r.put("path", path);
                        r.put("lease", Views.lease(lease));
                        r.put("message", line);
                        refused.add(r);
                        break;
                    }
                }
            }
        } catch (Exception e) {
            err.println("clambake guard: cannot check leases, committing anyway: "
                    + Text.line(String.valueOf(e.getMessage())));
            if (options.debug) {
                e.printStackTrace(err);
            }
            refused.clear();
        }
        if (!refused.isEmpty()) {
            err.println("clambake guard: release or wait for these leases, or unstage the files"
                    + " ('git commit --no-verify' skips this check)");
        }
        err.flush();
        return done(refused);
    }

    private int done(List<Map<String, Object>> refused) {
        if (json()) {
            Map<String, Object> doc = new LinkedHashMap<>();
            doc.put("refused", refused);
            printJson(doc);
        }
        return refused.isEmpty() ? ExitCode.OK : ExitCode.HELD;
    }
}

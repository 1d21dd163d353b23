package io.clambake.cli;

import io.clambake.db.LogDao;
import io.clambake.domain.ExitCode;
import io.clambake.domain.Instance;
import io.clambake.domain.LogEntry;
import io.clambake.domain.Rules;
import io.clambake.output.Views;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "log", description = "Append an entry to the session action log (shown by 'status').")
final class LogCommand extends Verb {
    @Mixin
    CallerOptions caller;

    @Option(names = "--action", required = true, paramLabel = "A", description = "What kind of action, e.g. deploy.")
    String action;

    @Option(names = "--summary", required = true, paramLabel = "S", description = "What happened.")
    String summary;

    @Override
    protected int run(Session session) throws Exception {
        Rules.line("--action", action, Rules.MAX_ACTION);
        Rules.line("--summary", summary, Rules.MAX_SUMMARY);
        Instance me = session.me();
        LogEntry entry = new LogDao(session.db()).append(me.id(), action.strip(), summary.strip());
        if (json()) {
            return printJson(Map.of("entry", Views.logEntry(entry)));
        }
        out().println("logged #" + entry.id());
        return ExitCode.OK;
    }
}

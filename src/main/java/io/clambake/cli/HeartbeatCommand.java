package io.clambake.cli;

import io.clambake.db.InstanceDao;
import io.clambake.domain.ExitCode;
import io.clambake.domain.Instance;
import io.clambake.domain.Rules;
import io.clambake.output.Text;
import io.clambake.output.Views;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "heartbeat", description = "Say you are alive and, with --task, what you are working on.")
final class HeartbeatCommand extends Verb {
    @Mixin
    CallerOptions caller;

    @Option(names = "--task", paramLabel = "TEXT", description = "Current task (\"\" clears it; omitted keeps it).")
    String task;

    @Override
    protected int run(Session session) throws Exception {
        Rules.optionalLine("--task", task, Rules.MAX_TASK);
        Instance me = session.me();
        String newTask = task == null ? me.task() : task.isBlank() ? null : task.strip();
        Instance updated = new InstanceDao(session.db()).heartbeat(me.id(), newTask);
        if (json()) {
            return printJson(Map.of("instance", Views.instance(updated, false)));
        }
        out().println(updated.name() + ": " + (updated.task() == null ? "(no task)" : Text.line(updated.task())));
        return ExitCode.OK;
    }
}

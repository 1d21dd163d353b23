package io.clambake.cli;

import io.clambake.db.InstanceDao;
import io.clambake.domain.ExitCode;
import io.clambake.domain.Instance;
import io.clambake.output.Views;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(
        name = "deregister",
        description = {
            "Leave. History and the name's inbox are kept; 'register' again in the same directory to come back."
        })
final class DeregisterCommand extends Verb {
    @Mixin
    CallerOptions caller;

    @Override
    protected int run(Session session) throws Exception {
        Instance me = session.me();
        Instance gone = new InstanceDao(session.db()).deregister(me.id());
        if (json()) {
            return printJson(Map.of("instance", Views.instance(gone, false)));
        }
        out().println(gone.name() + " deregistered");
        return ExitCode.OK;
    }
}

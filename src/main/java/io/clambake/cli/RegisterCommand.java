package io.clambake.cli;

import io.clambake.db.InstanceDao;
import io.clambake.domain.ClambakeException;
import io.clambake.domain.ExitCode;
import io.clambake.domain.Instance;
import io.clambake.domain.NameGenerator;
import io.clambake.domain.Rules;
import io.clambake.output.Views;
import java.security.SecureRandom;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(
        name = "register",
        description = {
            "Join as an instance of a project and print its name.",
            "Registering again with the same host, directory and project revives the same name and inbox."
        })
final class RegisterCommand extends Verb {
    @Mixin
    DatabaseOptions database;

    @Mixin
    RegistrationOptions registration;

    @Override
    protected int run(Session session) throws Exception {
        if (registration.project == null) {
            throw ClambakeException.invalid("Missing required option: '--project=P'");
        }
        String project = Rules.project(registration.project);
        String name = registration.name();
        String directory = session.directory(registration.dir).toString();
        Long pid = session.env().callerPid();
        InstanceDao.Registration result = new InstanceDao(session.db())
                .register(session.env().host(), directory, project, pid, name, new NameGenerator(new SecureRandom()));
        Instance me = result.instance();
        if (json()) {
            Map<String, Object> doc = new LinkedHashMap<>();
            doc.put("instance", Views.instance(me, false));
            doc.put("revived", result.revived());
            return printJson(doc);
        }
        out().println(me.name());
        out().println((result.revived() ? "revived" : "registered") + ": project " + me.project() + ", host "
                + me.host() + ", dir " + me.dir() + (me.pid() == null ? "" : ", pid " + me.pid()));
        return ExitCode.OK;
    }
}

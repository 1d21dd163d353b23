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
import picocli.CommandLine.Option;

@Command(
        name = "register",
        description = {
            "Join as an instance of a project and print its name.",
            "Registering the same host, machine, directory and project again revives the same name and"
                    + " inbox; a live instance stays as it is (task kept). --name for a directory whose"
                    + " instance has another name is refused unless --rename.",
            "Refused directories: /, your home and its parents, the temporary directory."
        })
final class RegisterCommand extends Verb {
    @Mixin
    DatabaseOptions database;

    @Mixin
    RegistrationOptions registration;

    @Option(
            names = "--rename",
            description = "Give the instance registered here the --name asked for; messages to its old name"
                    + " are then refused.")
    boolean rename;

    @Override
    protected int run(Session session) throws Exception {
        if (registration.project == null) {
            throw ClambakeException.invalid("Missing required option: '--project=P'");
        }
        String project = Rules.project(registration.project);
        String name = registration.name();
        if (rename && name == null) {
            throw ClambakeException.invalid("--rename needs --name N, the new name");
        }
        InstanceDao.Place place = session.place(session.registrableOption(registration.dir), project);
        Long pid = session.env().callerPid();
        InstanceDao.Registration result =
                new InstanceDao(session.db()).register(place, pid, name, rename, new NameGenerator(new SecureRandom()));
        Instance me = result.instance();
        if (json()) {
            Map<String, Object> doc = new LinkedHashMap<>();
            doc.put("instance", Views.instance(me, false));
            doc.put("revived", result.revived());
            doc.put("already_registered", result.outcome() == InstanceDao.Outcome.ALREADY_REGISTERED);
            doc.put("renamed_from", result.renamedFrom());
            return printJson(doc);
        }
        out().println(me.name());
        out().println(result.outcome().label()
                + (result.renamedFrom() == null ? "" : " (renamed from " + result.renamedFrom() + ")")
                + ": project " + me.project() + ", host " + me.host() + ", dir " + me.dir()
                + (me.pid() == null ? "" : ", pid " + me.pid())
                + (me.machine().isEmpty() ? "" : ", machine " + me.machine()));
        return ExitCode.OK;
    }
}

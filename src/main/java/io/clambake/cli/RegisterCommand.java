package io.clambake.cli;

import io.clambake.db.InstanceDao;
import io.clambake.domain.Instance;
import io.clambake.domain.NameGenerator;
import io.clambake.domain.Rules;
import java.security.SecureRandom;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "register", description = {
    "Join as an instance of a project and print its name.",
    "Registering again with the same host, directory and project revives the same name and inbox."})
final class RegisterCommand extends Verb {
    @Option(names = "--project", required = true, paramLabel = "P", description = "Project name.")
    String project;

    @Option(names = "--dir", paramLabel = "D", description = "Working directory to register (default: current).")
    String dir;

    @Option(names = "--name", paramLabel = "N", description = "Ask for this name instead of a generated one.")
    String name;

    @Override
    protected int run(Session session) throws Exception {
        Rules.project(project);
        if (name != null) {
            Rules.name(name);
        }
        String directory = session.directory(dir).toString();
        Long pid = ProcessHandle.current().parent().map(ProcessHandle::pid).orElse(null);
        InstanceDao.Registration registration = new InstanceDao(session.db()).register(
                session.env().host(), directory, project, pid, name, new NameGenerator(new SecureRandom()));
        Instance me = registration.instance();
        if (json()) {
            Map<String, Object> doc = new LinkedHashMap<>();
            doc.put("instance", Views.instance(me, false));
            doc.put("revived", registration.revived());
            return printJson(doc);
        }
        out().println(me.name());
        out().println((registration.revived() ? "revived" : "registered") + ": project " + me.project() + ", host "
                + me.host() + ", dir " + me.dir() + (me.pid() == null ? "" : ", pid " + me.pid()));
        return ExitCodes.OK;
    }
}

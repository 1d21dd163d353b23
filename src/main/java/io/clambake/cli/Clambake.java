package io.clambake.cli;

import io.clambake.config.Environment;
import io.clambake.db.ConnectionSource;
import io.clambake.domain.ExitCode;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

@Command(
        name = "clambake",
        mixinStandardHelpOptions = true,
        version = "clambake 0.1.0",
        description = {
            "Coordination for many coding-agent sessions through one PostgreSQL database.",
            "",
            "Who is calling: --as NAME, else $CLAMBAKE_INSTANCE, else the instance registered on this host"
                    + " for the current directory or its nearest registered parent directory.",
            "Database: --db-url, else $CLAMBAKE_DB_URL, else url= in the config file, else Clambake's own"
                    + " PostgreSQL, started on first use and shared by all your commands on this machine"
                    + " ('clambake server --help').",
            "Config file: $CLAMBAKE_CONFIG, else ~/.config/clambake/config.properties."
        },
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:success",
            "1:anything else (a bug, or a failed schema migration)",
            "2:invalid usage or input",
            "3:unknown id or name",
            "4:caller not registered (register first)",
            "5:database unreachable or login refused, or the embedded server cannot start",
            "6:held by another instance (lease, the pre-commit guard)"
        })
public final class Clambake implements Callable<Integer> {
    private static final List<Class<?>> VERBS = List.of(
            RegisterCommand.class,
            HeartbeatCommand.class,
            StatusCommand.class,
            SendCommand.class,
            InboxCommand.class,
            ReadCommand.class,
            ThreadCommand.class,
            AckCommand.class,
            CloseCommand.class,
            SearchCommand.class,
            RememberCommand.class,
            RecallCommand.class,
            UpdateMemoryCommand.class,
            LogCommand.class,
            LeaseCommand.class,
            ReleaseCommand.class,
            LeasesCommand.class,
            GuardCommand.class,
            DeregisterCommand.class,
            CleanupCommand.class,
            ServerCommand.class,
            InitCommand.class,
            HookCommand.class,
            McpCommand.class,
            ResidentCommand.class,
            WebCommand.class);

    /** Set for each run: a command line kept by a long-lived process runs for many callers. */
    private volatile Environment environment;

    private final ConnectionSource pool;

    /** The names of every verb, in the order --help lists them. */
    public static List<String> verbs() {
        return VERBS.stream().map(v -> v.getAnnotation(Command.class).name()).toList();
    }

    @Spec
    CommandSpec spec;

    public Clambake(Environment environment) {
        this(environment, null);
    }

    /** A command line whose verbs take connections from {@code pool} (the MCP server's). */
    Clambake(Environment environment, ConnectionSource pool) {
        this.environment = environment;
        this.pool = pool;
    }

    Environment environment() {
        return environment;
    }

    void environment(Environment environment) {
        this.environment = environment;
    }

    ConnectionSource pool() {
        return pool;
    }

    /**
     * The command line for these arguments; {@code execute(args)} returns the exit code. picocli
     * builds a model of every command it is given by reflection, so when the first argument names
     * a verb only that verb is added: the rest would cost start-up time and never run.
     * {@code pool}: where verbs take connections in a long-lived process, else null.
     */
    static CommandLine commandLine(Environment environment, ConnectionSource pool, String... args) {
        CommandLine commandLine = new CommandLine(new Clambake(environment, pool));
        String first = args.length == 0 ? "" : args[0];
        List<Class<?>> verbs = VERBS.stream()
                .filter(v -> v.getAnnotation(Command.class).name().equals(first))
                .toList();
        for (Class<?> verb : verbs.isEmpty() ? VERBS : verbs) {
            commandLine.addSubcommand(verb);
        }
        for (CommandLine verb : commandLine.getSubcommands().values()) {
            if (verb.getCommand() instanceof Verb v && !v.takesJson()) {
                CommandSpec spec = verb.getCommandSpec();
                spec.remove(spec.findOption("--json"));
            }
        }
        // An attached value (--subject=--to=x) is the value, whatever it looks like: the MCP
        // server and the web page pass text from elsewhere that way.
        commandLine.setAllowOptionsAsOptionParameters(true);
        ErrorReporter errors = new ErrorReporter();
        commandLine.setExecutionExceptionHandler(errors);
        commandLine.setExitCodeExceptionMapper(errors);
        commandLine.setParameterExceptionHandler(errors);
        return commandLine;
    }

    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getErr());
        return ExitCode.USAGE;
    }
}

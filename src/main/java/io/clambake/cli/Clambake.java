package io.clambake.cli;

import io.clambake.config.Environment;
import io.clambake.db.ConnectionSource;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "clambake", mixinStandardHelpOptions = true, version = "clambake 0.1.0",
        description = {
            "Coordination for many coding-agent sessions through one PostgreSQL database.",
            "",
            "Who is calling: --as NAME, else $CLAMBAKE_INSTANCE, else the instance registered on this host",
            "for the current directory or its nearest registered parent directory.",
            "Database: --db-url, else $CLAMBAKE_DB_URL, else url= in ~/.config/clambake/config.properties."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:success",
            "1:anything else (a bug, or a failed schema migration)",
            "2:invalid usage or input",
            "3:unknown id or name",
            "4:caller not registered (register first)",
            "5:database unreachable, not configured, or login refused"},
        subcommands = {
            RegisterCommand.class, HeartbeatCommand.class, StatusCommand.class, SendCommand.class,
            InboxCommand.class, ReadCommand.class, RememberCommand.class, RecallCommand.class,
            UpdateMemoryCommand.class, LogCommand.class, DeregisterCommand.class, CleanupCommand.class,
            InitCommand.class, HookCommand.class, McpCommand.class})
public final class Clambake implements Callable<Integer> {
    private final Environment environment;
    private final ConnectionSource pool;

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

    ConnectionSource pool() {
        return pool;
    }

    /** The configured command line; {@code execute(args)} returns the exit code. */
    public static CommandLine commandLine(Environment environment) {
        return commandLine(environment, null);
    }

    static CommandLine commandLine(Environment environment, ConnectionSource pool) {
        CommandLine commandLine = new CommandLine(new Clambake(environment, pool));
        ExitCodes exitCodes = new ExitCodes();
        commandLine.setExecutionExceptionHandler(exitCodes);
        commandLine.setExitCodeExceptionMapper(exitCodes);
        commandLine.setParameterExceptionHandler(exitCodes);
        return commandLine;
    }

    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getErr());
        return ExitCodes.USAGE;
    }
}

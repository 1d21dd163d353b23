package io.clambake.cli;

import io.clambake.db.Database;
import io.clambake.domain.ClambakeException;
import io.clambake.domain.Failure;
import java.io.PrintWriter;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.IExitCodeExceptionMapper;
import picocli.CommandLine.IParameterExceptionHandler;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;

/** The one place where failures become a line on stderr and an exit code. */
final class ExitCodes implements IExecutionExceptionHandler, IExitCodeExceptionMapper, IParameterExceptionHandler {
    static final int OK = 0;
    static final int OTHER = 1;
    static final int USAGE = 2;
    static final int NOT_FOUND = 3;
    static final int NOT_REGISTERED = 4;
    static final int UNAVAILABLE = 5;

    @Override
    public int getExitCode(Throwable t) {
        if (t instanceof ClambakeException e) {
            return of(e.failure());
        }
        if (t instanceof SQLException e) {
            if (Database.isConnectionFailure(e)) {
                return UNAVAILABLE;
            }
            return Database.isInputRejected(e) ? USAGE : OTHER;
        }
        return OTHER;
    }

    static int of(Failure failure) {
        return switch (failure) {
            case INVALID_INPUT -> USAGE;
            case NOT_FOUND -> NOT_FOUND;
            case NOT_REGISTERED -> NOT_REGISTERED;
            case DATABASE_UNAVAILABLE -> UNAVAILABLE;
            case INTERNAL -> OTHER;
        };
    }

    @Override
    public int handleExecutionException(Exception e, CommandLine commandLine, ParseResult parseResult) {
        int code = getExitCode(e);
        CommonOptions options = commandLine.getCommand() instanceof Verb verb ? verb.options : null;
        String message = e instanceof ClambakeException ? e.getMessage() : describe(e);
        report(commandLine, options, code, message);
        if (options != null && options.debug) {
            e.printStackTrace(commandLine.getErr());
        }
        return code;
    }

    @Override
    public int handleParseException(ParameterException e, String[] args) {
        CommandLine commandLine = e.getCommandLine();
        String message = e.getMessage() + " (see '" + commandLine.getCommandSpec().qualifiedName() + " --help')";
        CommonOptions options = commandLine.getCommand() instanceof Verb verb ? verb.options : null;
        report(commandLine, options, USAGE, message);
        return USAGE;
    }

    private static void report(CommandLine commandLine, CommonOptions options, int code, String message) {
        String line = message.lines().findFirst().orElse("failed");
        PrintWriter err = commandLine.getErr();
        err.println(commandLine.getCommandSpec().qualifiedName() + ": " + line);
        err.flush();
        if (options != null && options.json) {
            Map<String, Object> error = new LinkedHashMap<>();
            error.put("exit_code", code);
            error.put("message", line);
            Json.print(commandLine.getOut(), Map.of("error", error));
        }
    }

    private static String describe(Exception e) {
        if (e instanceof SQLException sql) {
            return "database error: " + sql.getMessage();
        }
        return "unexpected error: " + e;
    }
}

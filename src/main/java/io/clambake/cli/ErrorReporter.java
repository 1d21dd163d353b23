package io.clambake.cli;

import io.clambake.db.Database;
import io.clambake.domain.ClambakeException;
import io.clambake.domain.ExitCode;
import io.clambake.output.Json;
import io.clambake.output.Views;
import java.io.PrintWriter;
import java.sql.SQLException;
import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.IExitCodeExceptionMapper;
import picocli.CommandLine.IParameterExceptionHandler;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;

/** The one place where failures become a line on stderr, the error document and an exit code. */
final class ErrorReporter implements IExecutionExceptionHandler, IExitCodeExceptionMapper, IParameterExceptionHandler {
    @Override
    public int getExitCode(Throwable t) {
        if (t instanceof ClambakeException e) {
            return e.failure().exitCode();
        }
        if (t instanceof SQLException e) {
            if (Database.isConnectionFailure(e)) {
                return ExitCode.UNAVAILABLE;
            }
            return Database.isInputRejected(e) ? ExitCode.USAGE : ExitCode.OTHER;
        }
        return ExitCode.OTHER;
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
        String message =
                e.getMessage() + " (see '" + commandLine.getCommandSpec().qualifiedName() + " --help')";
        CommonOptions options = commandLine.getCommand() instanceof Verb verb ? verb.options : null;
        report(commandLine, options, ExitCode.USAGE, message);
        return ExitCode.USAGE;
    }

    private static void report(CommandLine commandLine, CommonOptions options, int code, String message) {
        String line = message.lines().findFirst().orElse("failed");
        PrintWriter err = commandLine.getErr();
        err.println(commandLine.getCommandSpec().qualifiedName() + ": " + line);
        err.flush();
        if (options != null && options.json) {
            Json.print(commandLine.getOut(), Views.error(code, line));
        }
    }

    private static String describe(Exception e) {
        if (e instanceof SQLException sql) {
            return "database error: " + sql.getMessage();
        }
        return "unexpected error: " + e;
    }
}

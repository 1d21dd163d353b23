package io.clambake.cli;

import io.clambake.db.Database;
import io.clambake.domain.ClambakeException;
import io.clambake.domain.ExitCode;
import io.clambake.output.Json;
import io.clambake.output.Text;
import io.clambake.output.Views;
import java.io.PrintWriter;
import java.sql.SQLException;
import java.util.Arrays;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.IExitCodeExceptionMapper;
import picocli.CommandLine.IParameterExceptionHandler;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;

/**
 * The one place where failures become a line on stderr, the error document and an exit code.
 * Parse errors included: with --json anywhere in argv every failure prints the error document.
 */
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
        String message = e instanceof ClambakeException ? e.getMessage() : describe(e);
        String holder = e instanceof ClambakeException c ? c.holder() : null;
        report(commandLine, jsonAsked(parseResult.originalArgs()), code, message, holder);
        if (commandLine.getCommand() instanceof Verb verb && verb.options.debug) {
            e.printStackTrace(commandLine.getErr());
        }
        return code;
    }

    @Override
    public int handleParseException(ParameterException e, String[] args) {
        CommandLine commandLine = e.getCommandLine();
        String message =
                e.getMessage() + " (see '" + commandLine.getCommandSpec().qualifiedName() + " --help')";
        report(commandLine, jsonAsked(Arrays.asList(args)), ExitCode.USAGE, message, null);
        return ExitCode.USAGE;
    }

    /**
     * Whether --json appears before any "--". Read from argv, not from the option: a parse error
     * stops picocli before it sets the option, and the caller still expects a JSON document.
     */
    static boolean jsonAsked(List<String> args) {
        for (String arg : args) {
            if (arg.equals("--")) {
                return false;
            }
            if (arg.equals("--json")) {
                return true;
            }
        }
        return false;
    }

    private static void report(CommandLine commandLine, boolean json, int code, String message, String holder) {
        String line = message.lines().findFirst().orElse("failed");
        PrintWriter err = commandLine.getErr();
        err.println(commandLine.getCommandSpec().qualifiedName() + ": " + Text.line(line));
        err.flush();
        if (json) {
            Json.print(commandLine.getOut(), Views.error(code, line, holder));
        }
    }

    private static String describe(Exception e) {
        if (e instanceof SQLException sql) {
            return "database error: " + sql.getMessage();
        }
        return "unexpected error: " + e;
    }
}

package io.clambake;

import io.clambake.cli.Clambake;
import io.clambake.config.Environment;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import picocli.CommandLine;

public final class Main {
    private Main() {
    }

    public static void main(String[] args) {
        CommandLine commandLine = Clambake.commandLine(Environment.ofProcess(), args);
        // UTF-8 whatever the locale: under LANG=C Java 17 would print every non-ASCII character as '?'.
        commandLine.setOut(new PrintWriter(new OutputStreamWriter(System.out, StandardCharsets.UTF_8), true));
        commandLine.setErr(new PrintWriter(new OutputStreamWriter(System.err, StandardCharsets.UTF_8), true));
        int code = commandLine.execute(args);
        System.out.flush();
        System.exit(code);
    }
}

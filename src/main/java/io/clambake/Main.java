package io.clambake;

import io.clambake.cli.Clambake;
import io.clambake.config.Environment;

public final class Main {
    private Main() {
    }

    public static void main(String[] args) {
        int code = Clambake.commandLine(Environment.ofProcess(), args).execute(args);
        System.out.flush();
        System.exit(code);
    }
}

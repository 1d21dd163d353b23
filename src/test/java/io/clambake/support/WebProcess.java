package io.clambake.support;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** {@code clambake web} from the built jar, as a user starts it, on a test database; stopped as Ctrl-C stops it. */
public final class WebProcess implements AutoCloseable {
    private final Process process;
    private final Path stderr;
    private final URI url;

    private WebProcess(Process process, Path stderr, URI url) {
        this.process = process;
        this.stderr = stderr;
        this.url = url;
    }

    /** Starts {@code clambake web ARGS} on {@code db} and waits for the address it prints. */
    public static WebProcess start(TestDatabase db, String... args) {
        return start(db.url(), args);
    }

    /** Starts {@code clambake web ARGS} on the database at {@code dbUrl} and waits for the address it prints. */
    public static WebProcess start(String dbUrl, String... args) {
        List<String> argv = new ArrayList<>(List.of("web", "--db-url", dbUrl));
        argv.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(Jar.command(argv.toArray(String[]::new)));
        builder.environment().keySet().removeIf(name -> name.startsWith("CLAMBAKE_"));
        builder.environment().put("CLAMBAKE_HOME", Cli.UNUSABLE_HOME);
        builder.environment().put("XDG_CONFIG_HOME", "/nonexistent-clambake-test-config");
        try {
            Path stderr = Files.createTempFile("clambake-web-err", ".txt");
            builder.redirectError(stderr.toFile());
            Process process = builder.start();
            BufferedReader out =
                    new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
            String line;
            try {
                line = CompletableFuture.supplyAsync(() -> {
                            try {
                                return out.readLine();
                            } catch (IOException e) {
                                throw new UncheckedIOException(e);
                            }
                        })
                        .get(60, TimeUnit.SECONDS);
            } catch (TimeoutException | ExecutionException e) {
                process.destroyForcibly();
                throw new AssertionError(
                        "clambake web printed no address in 60 s; stderr: " + Files.readString(stderr), e);
            }
            if (line == null || !line.startsWith("http://127.0.0.1:")) {
                process.destroyForcibly();
                throw new AssertionError("clambake web printed " + line + "; stderr: " + Files.readString(stderr));
            }
            return new WebProcess(process, stderr, URI.create(line));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** The printed address, token and all. */
    public URI url() {
        return url;
    }

    /** The address without its #fragment: the page itself. */
    public String page() {
        String text = url.toString();
        int hash = text.indexOf('#');
        return hash < 0 ? text : text.substring(0, hash);
    }

    public int port() {
        return url.getPort();
    }

    /** The token: the first segment of the path. */
    public String token() {
        return url.getPath().split("/")[1];
    }

    /** http://127.0.0.1:PORT: the page's own origin. */
    public String origin() {
        return "http://127.0.0.1:" + port();
    }

    public String stderr() {
        try {
            return Files.readString(stderr);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Stops it as an interrupt does (SIGTERM runs the same shutdown) and returns its exit code. */
    public int stop() {
        process.destroy();
        try {
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new AssertionError("clambake web still running 20 s after SIGTERM");
            }
            return process.exitValue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            stop();
        }
        try {
            Files.deleteIfExists(stderr);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

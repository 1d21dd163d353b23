package io.clambake.support;

import io.clambake.config.Environment;
import io.clambake.embedded.EmbeddedServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Stream;

/**
 * A throw-away CLAMBAKE_HOME with its own port, so tests never touch a user's embedded server
 * on the default port. {@link #close()} stops the server and deletes everything.
 */
public final class EmbeddedHome implements AutoCloseable {
    private final Path dir;
    private final int port;

    private EmbeddedHome(Path dir, int port) {
        this.dir = dir;
        this.port = port;
    }

    public static EmbeddedHome create(String prefix) {
        try {
            return new EmbeddedHome(Files.createTempDirectory(prefix), freePort());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public Path dir() {
        return dir;
    }

    public int port() {
        return port;
    }

    public Map<String, String> variables() {
        Map<String, String> env = new HashMap<>();
        env.put("CLAMBAKE_HOME", dir.toString());
        env.put("CLAMBAKE_SERVER_PORT", String.valueOf(port));
        env.put("XDG_CONFIG_HOME", "/nonexistent-clambake-test-config");
        return env;
    }

    public EmbeddedServer server() {
        return new EmbeddedServer(new Environment(variables(), dir, dir, InputStream.nullInputStream()));
    }

    /** A shell with no database configured, on {@code host} in {@code cwd}. */
    public Cli shell(String host, String cwd) {
        Map<String, String> env = variables();
        env.put("CLAMBAKE_HOST", host);
        return new Cli(env, Path.of(cwd));
    }

    @Override
    public void close() {
        try {
            server().stop();
        } finally {
            delete(dir);
        }
    }

    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    private static void delete(Path dir) {
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder())
                    .forEach(path -> path.toFile().delete());
        } catch (IOException ignored) {
            // a temp directory left behind is not worth failing a test run for
        }
    }
}

package io.clambake.embedded;

import java.nio.file.Path;

/** What the embedded server is doing; {@code pid} is null and {@code port} the one it would try when not running. */
public record ServerStatus(boolean running, Long pid, int port, String version, Path home, Path dataDir, Path log) {

    /** A URL for psql and friends; the password is in server.properties, never here. */
    public String url() {
        return "postgresql://" + EmbeddedServer.USER + "@127.0.0.1:" + port + "/" + EmbeddedServer.DATABASE;
    }
}

package io.clambake.web;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.Map;

/** The page's files, read once from the jar: plain HTML, CSS and JavaScript, no build step, no CDN. */
final class Assets {
    record Asset(String contentType, byte[] bytes) {}

    private static final Map<String, String> TYPES = Map.of(
            "/index.html", "text/html; charset=utf-8",
            "/app.js", "text/javascript; charset=utf-8",
            "/style.css", "text/css; charset=utf-8",
            "/favicon.svg", "image/svg+xml");

    private static final Map<String, Asset> ASSETS = load();

    private Assets() {}

    /** The file at this path of the page, or null: only the files above are ever served. */
    static Asset get(String path) {
        return ASSETS.get(path);
    }

    private static Map<String, Asset> load() {
        Map<String, Asset> assets = new HashMap<>();
        TYPES.forEach((path, type) -> {
            try (InputStream in = Assets.class.getResourceAsStream(path.substring(1))) {
                if (in == null) {
                    throw new IllegalStateException("missing from the jar: io/clambake/web" + path);
                }
                assets.put(path, new Asset(type, in.readAllBytes()));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
        return Map.copyOf(assets);
    }
}

package io.clambake.web;

import com.sun.net.httpserver.Headers;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Who may use the page. The server listens on 127.0.0.1, where every local user and every web
 * page open in the user's browser can reach it, so it answers only requests that carry the
 * random token of its printed URL (as the first segment of the path, so that the page's own
 * relative links carry it too). Requests that change something must also show the token in a
 * header or form field and come from the page's own origin. Nothing tells another origin it may
 * read a response: no CORS header is ever sent.
 */
final class Guard {
    static final String TOKEN_HEADER = "X-Clambake-Token";
    static final String TOKEN_FIELD = "token";
    private static final int TOKEN_BYTES = 32;

    /** Sent with every response, refusals included. */
    static final Map<String, String> HEADERS = Map.of(
            "Content-Security-Policy",
            "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; "
                    + "base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
            "X-Content-Type-Options",
            "nosniff",
            "Referrer-Policy",
            "no-referrer",
            "X-Frame-Options",
            "DENY",
            "Cross-Origin-Resource-Policy",
            "same-origin",
            "Cross-Origin-Opener-Policy",
            "same-origin",
            "Cache-Control",
            "no-store");

    private final String token;
    private final byte[] tokenBytes;
    private final List<String> hosts;

    Guard(SecureRandom random, int port) {
        byte[] bytes = new byte[TOKEN_BYTES];
        random.nextBytes(bytes);
        this.token = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        this.tokenBytes = token.getBytes(StandardCharsets.US_ASCII);
        this.hosts = List.of("127.0.0.1:" + port, "localhost:" + port);
    }

    String token() {
        return token;
    }

    /**
     * The rest of a raw request path that begins with {@code /TOKEN}: "" for {@code /TOKEN},
     * "/" for {@code /TOKEN/}, "/app.js" for {@code /TOKEN/app.js}; null without the token.
     */
    String pathAfterToken(String rawPath) {
        if (rawPath == null || !rawPath.startsWith("/")) {
            return null;
        }
        int end = rawPath.indexOf('/', 1);
        String first = end < 0 ? rawPath.substring(1) : rawPath.substring(1, end);
        if (!matches(first)) {
            return null;
        }
        return end < 0 ? "" : rawPath.substring(end);
    }

    /** Constant-time, so that response times tell nothing about how much of a guess was right. */
    boolean matches(String candidate) {
        return candidate != null && MessageDigest.isEqual(tokenBytes, candidate.getBytes(StandardCharsets.US_ASCII));
    }

    /**
     * The Host header names this server as the browser reached it: a page on another name that
     * resolves to 127.0.0.1 (DNS rebinding) is refused even before the token is looked at.
     */
    boolean hostAllowed(Headers headers) {
        String host = headers.getFirst("Host");
        return host != null && hosts.contains(host.toLowerCase(Locale.ROOT));
    }

    /** The request comes from the page itself: its Origin is this server's, exactly. */
    boolean sameOrigin(Headers headers) {
        String origin = headers.getFirst("Origin");
        String host = headers.getFirst("Host");
        return origin != null && host != null && origin.equals("http://" + host.toLowerCase(Locale.ROOT));
    }

    /**
     * A browser's own account of where a request comes from (absent from older browsers and
     * other clients): anything but the page itself, or a typed-in address for a page load, is
     * refused, so that another page, even one that knows the token, cannot embed or fetch ours.
     */
    boolean fetchSiteAllowed(Headers headers, boolean pageLoad) {
        String site = headers.getFirst("Sec-Fetch-Site");
        return site == null || site.equals("same-origin") || (pageLoad && site.equals("none"));
    }
}

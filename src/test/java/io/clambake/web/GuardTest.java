package io.clambake.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.Headers;
import java.security.SecureRandom;
import org.junit.jupiter.api.Test;

class GuardTest {
    private final Guard guard = new Guard(new SecureRandom(), 8123);

    @Test
    void theTokenIs256RandomBitsNewForEveryServer() {
        assertTrue(guard.token().matches("[A-Za-z0-9_-]{43}"), guard.token());
        assertNotEquals(guard.token(), new Guard(new SecureRandom(), 8123).token());
    }

    @Test
    void onlyAPathThatStartsWithTheWholeTokenGetsThrough() {
        String t = guard.token();
        assertEquals("/", guard.pathAfterToken("/" + t + "/"));
        assertEquals("", guard.pathAfterToken("/" + t));
        assertEquals("/api/panels", guard.pathAfterToken("/" + t + "/api/panels"));
        for (String path : new String[] {
            "/",
            "",
            null,
            "/app.js",
            "/" + t.substring(1) + "/",
            "/" + t + "a/",
            "/a" + t + "/",
            "//" + t + "/",
            t + "/"
        }) {
            assertNull(guard.pathAfterToken(path), path);
        }
    }

    @Test
    void theOriginMustBeThePagesOwnExactly() {
        assertTrue(guard.sameOrigin(headers("Host", "127.0.0.1:8123", "Origin", "http://127.0.0.1:8123")));
        assertTrue(guard.sameOrigin(headers("Host", "localhost:8123", "Origin", "http://localhost:8123")));
        assertFalse(guard.sameOrigin(headers("Host", "127.0.0.1:8123", "Origin", "http://localhost:8123")));
        assertFalse(guard.sameOrigin(headers("Host", "127.0.0.1:8123", "Origin", "http://127.0.0.1:8124")));
        assertFalse(guard.sameOrigin(headers("Host", "127.0.0.1:8123", "Origin", "null")));
        assertFalse(guard.sameOrigin(headers("Host", "127.0.0.1:8123")));
        assertTrue(guard.hostAllowed(headers("Host", "127.0.0.1:8123")));
        assertFalse(guard.hostAllowed(headers("Host", "attacker.example:8123")));
        assertFalse(guard.hostAllowed(headers()));
    }

    @Test
    void onlyThePageItselfOrATypedAddressMayFetch() {
        assertTrue(guard.fetchSiteAllowed(headers("Sec-Fetch-Site", "same-origin"), false));
        assertTrue(guard.fetchSiteAllowed(headers(), false));
        assertTrue(guard.fetchSiteAllowed(headers("Sec-Fetch-Site", "none"), true));
        assertFalse(guard.fetchSiteAllowed(headers("Sec-Fetch-Site", "none"), false));
        assertFalse(guard.fetchSiteAllowed(headers("Sec-Fetch-Site", "same-site"), true));
        assertFalse(guard.fetchSiteAllowed(headers("Sec-Fetch-Site", "cross-site"), true));
    }

    @Test
    void everyResponseForbidsInlineScriptAndFraming() {
        String policy = Guard.HEADERS.get("Content-Security-Policy");
        assertTrue(policy.startsWith("default-src 'none'; script-src 'self';"), policy);
        assertFalse(policy.contains("unsafe"), policy);
        assertTrue(policy.contains("frame-ancestors 'none'"), policy);
        assertTrue(Guard.HEADERS.keySet().stream().noneMatch(h -> h.startsWith("Access-Control")));
    }

    private static Headers headers(String... pairs) {
        Headers headers = new Headers();
        for (int i = 0; i < pairs.length; i += 2) {
            headers.add(pairs[i], pairs[i + 1]);
        }
        return headers;
    }
}

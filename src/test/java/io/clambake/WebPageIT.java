package io.clambake;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import io.clambake.support.Browser;
import io.clambake.support.Cli;
import io.clambake.support.DatabaseTest;
import io.clambake.support.WebProcess;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.openqa.selenium.By;
import org.openqa.selenium.WindowType;

/**
 * The page in a real headless Chromium, against `clambake web` run from the built jar, while
 * agents act through the real CLI: what they do shows up live, what the human does from the
 * page reaches them, and nothing another page or a stored string does gets through.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class WebPageIT extends DatabaseTest {
    /** Generous: the page usually shows a change in tens of milliseconds (bench/web-latency.sh measures it). */
    private static final Duration LIVE = Duration.ofSeconds(5);

    private static final Duration LOAD = Duration.ofSeconds(30);

    private Cli alpha;
    private Cli beta;
    private Cli gamma;
    private String alphaName;
    private String betaName;
    private String gammaName;
    private WebProcess web;
    private Browser browser;
    private String pageWindow;

    @BeforeAll
    void startPageAndBrowser() {
        alpha = shell("dev1", "/work/shop-a");
        beta = shell("dev2", "/work/shop-b");
        gamma = shell("dev1", "/work/infra");
        alphaName = register(alpha, "shop");
        betaName = register(beta, "shop");
        gammaName = register(gamma, "infra");
        ok(alpha.run("heartbeat", "--task", "migrating the orders table"));
        web = WebProcess.start(db);
        browser = Browser.start(1280, 900);
        browser.open(web.url().toString());
        browser.await(LOAD, "the page loaded and listens for changes", () -> "live".equals(connection()) && loaded());
        pageWindow = browser.driver().getWindowHandle();
        // Gone if the page ever reloads: every test checks that its change arrived without one.
        browser.script("window.sameDocument = 'never reloaded'");
    }

    @AfterAll
    void stopPageAndBrowser() {
        try {
            if (browser != null) {
                browser.close();
            }
        } finally {
            if (web != null) {
                web.close();
            }
        }
    }

    @Test
    void thePageShowsInstancesRegisteredFromTheCli() {
        for (String name : List.of(alphaName, betaName, gammaName)) {
            browser.await(LIVE, name + " listed", () -> text(instance(name)) != null);
        }
        assertEquals("migrating the orders table", text(instance(alphaName) + " .task"));

        String delta = register(shell("dev3", "/work/shop-d"), "shop");
        browser.await(LIVE, delta + ", registered after the page opened, listed", () -> text(instance(delta)) != null);
        assertEquals("shop", text(instance(delta) + " .project"));
        assertNotReloaded();
    }

    @Test
    void aSendFromTheCliAppearsOnTheOpenPageWithoutAReload() {
        watchArrivals();
        long before = System.currentTimeMillis();
        JsonNode sent = json(alpha, "send", "--to", "@all", "--type", "warning", "--subject", "Restarting Docker");
        long after = System.currentTimeMillis();
        long id = sent.get("message").get("id").asLong();
        browser.await(LIVE, "message #" + id + " on the page", () -> arrival(id) != null);
        System.out.println("web: message #" + id + " rendered " + (arrival(id) - before) + " ms after `send` started ("
                + (after - before) + " ms to run it in-process)");
        assertEquals("Restarting Docker", text(message(id) + " .subject"));
        assertEquals(alphaName + " → @all", text(message(id) + " .route"));
        assertNotReloaded();
    }

    @Test
    void anOverseerMessageSentFromThePageReachesTheAgentsInbox() {
        browser.driver().findElement(By.cssSelector("#compose-box summary")).click();
        browser.driver().findElement(By.id("compose-to")).sendKeys(betaName);
        browser.driver()
                .findElement(By.cssSelector("#compose-type option[value='request']"))
                .click();
        browser.driver().findElement(By.id("compose-subject")).sendKeys("Please pause the migration");
        browser.driver().findElement(By.id("compose-body")).sendKeys("The orders table is locked; wait for calm.");
        browser.driver().findElement(By.id("compose-send")).click();
        browser.await(
                LIVE,
                "the page says the message was sent",
                () -> text("#compose-result").startsWith("sent #"));
        String result = text("#compose-result");
        long id = Long.parseLong(result.substring("sent #".length(), result.indexOf(' ', "sent #".length())));

        JsonNode message = json(beta, "inbox").get("messages").get(0);
        assertEquals(id, message.get("id").asLong());
        assertEquals("human", message.get("from").asText());
        assertEquals("request", message.get("type").asText());
        assertEquals("Please pause the migration", message.get("subject").asText());
        assertEquals(
                "The orders table is locked; wait for calm.",
                message.get("body").asText());
        String inbox = ok(beta.run("inbox")).out();
        assertTrue(inbox.contains("#" + id + "  request  the human"), inbox);
        String read = ok(beta.run("read", String.valueOf(id))).out();
        assertTrue(read.startsWith("#" + id + " request from the human to " + betaName), read);

        browser.await(LIVE, "the sent message in the stream", () -> text(message(id)) != null);
        assertTrue(classes(message(id)).contains("overseer"), classes(message(id)));
        assertEquals("the human → " + betaName, text(message(id) + " .route"));
        assertNotReloaded();
    }

    @Test
    void anAgentsAnswerToTheHumanShowsWhole() {
        long id = sent(gamma, "--to", "human", "--subject", "Paused", "--body", "until you say so");
        browser.await(LIVE, "the answer on the page", () -> text(message(id)) != null);
        assertEquals(gammaName + " → the human", text(message(id) + " .route"));
        assertEquals("Paused", text(message(id) + " .subject"));
        assertEquals("until you say so", text(message(id) + " .body"));
    }

    @Test
    void directMessagesBetweenAgentsShowNoSubjectNorBody() {
        long id = sent(alpha, "--to", betaName, "--subject", "my private plan", "--body", "the secret part");
        browser.await(LIVE, "the direct message on the page", () -> text(message(id)) != null);
        assertTrue(classes(message(id)).contains("private"), classes(message(id)));
        assertEquals(alphaName + " → " + betaName, text(message(id) + " .route"));
        assertNull(text(message(id) + " .body"));
        String page = browser.driver().getPageSource();
        assertFalse(page.contains("private plan") || page.contains("secret part"));
    }

    @Test
    void aScriptInAStoredStringRendersAsTextAndNeverRuns() {
        String subject = "<script>window.injected = 'script'</script><img src=x onerror=\"window.injected = 'img'\">";
        long id = sent(alpha, "--to", "@all", "--subject", subject, "--body", "<b>not bold</b>");
        long memory = json(
                        alpha,
                        "remember",
                        "--type",
                        "gotcha",
                        "--title",
                        "<iframe src=\"javascript:parent.injected='iframe'\"></iframe>",
                        "--content",
                        "<svg onload=\"window.injected='svg'\">")
                .get("memory")
                .get("id")
                .asLong();
        browser.await(LIVE, "the message on the page", () -> text(message(id)) != null);
        browser.await(LIVE, "the memory on the page", () -> text(memory(memory)) != null);

        assertEquals(subject, text(message(id) + " .subject"));
        assertEquals("<b>not bold</b>", text(message(id) + " .body"));
        assertEquals("<iframe src=\"javascript:parent.injected='iframe'\"></iframe>", text(memory(memory) + " .title"));
        assertEquals("<svg onload=\"window.injected='svg'\">", text(memory(memory) + " .content"));
        assertNull(browser.script("return window.injected === undefined ? null : window.injected"));
        for (String tag : List.of("script", "img", "iframe", "svg", "b")) {
            assertEquals(0L, browser.script("return document.querySelectorAll('#panels " + tag + "').length"), tag);
        }
        assertNotReloaded();
    }

    @Test
    void theProjectFilterNarrowsEveryPanel() {
        browser.await(LIVE, "infra in the project list", () -> text("#project option[value='infra']") != null);
        browser.click(LIVE, "#project option[value='infra']");
        browser.await(
                LIVE,
                "only infra's instance listed",
                () -> text(instance(alphaName)) == null && text(instance(gammaName)) != null);
        assertTrue(browser.driver().getCurrentUrl().endsWith("#project=infra"));
        browser.click(LIVE, "#project option[value='']");
        browser.await(LIVE, "every instance listed again", () -> text(instance(alphaName)) != null);
    }

    @Test
    void theHumanSeesOpenBlockersAndUnacknowledgedRequestsAndClosesABlocker() throws SQLException {
        long blocker = json(alpha, "send", "--to", "@all", "--type", "blocker", "--subject", "Editing the CI config")
                .get("message")
                .get("id")
                .asLong();
        long request = json(alpha, "send", "--to", betaName, "--type", "request", "--subject", "Review my PR")
                .get("message")
                .get("id")
                .asLong();
        String blockerRow = "#blockers [data-message-id='" + blocker + "']";
        String requestRow = "#unacknowledged [data-message-id='" + request + "']";
        browser.await(
                LIVE,
                "the blocker and the request on the page",
                () -> text(blockerRow) != null && text(requestRow) != null);
        ok(beta.run("ack", String.valueOf(request)));
        browser.await(LIVE, "the acknowledged request leaves the panel", () -> text(requestRow) == null);

        browser.click(LIVE, blockerRow + " button.close");
        browser.await(
                LIVE,
                "the page confirms the close",
                () -> ("closed blocker #" + blocker).equals(text("#blocker-result")));
        assertEquals(1, count("SELECT count(*) FROM messages WHERE id = ? AND closed_at IS NOT NULL", blocker));
        browser.await(LIVE, "the closed blocker leaves the panel", () -> text(blockerRow) == null);
        assertTrue(json(beta, "status").get("blockers").isEmpty());
        assertNotReloaded();
    }

    @Test
    void memoriesAreSearchedAndTheirStatusChangedFromThePage() throws SQLException {
        long deadlock = json(
                        beta,
                        "remember",
                        "--type",
                        "issue",
                        "--title",
                        "Deadlocks in the payment retries",
                        "--content",
                        "two workers lock rows in opposite order")
                .get("memory")
                .get("id")
                .asLong();
        json(beta, "remember", "--global", "--type", "tool", "--title", "jq", "--content", "use jq for JSON");
        browser.await(LIVE, "the memory on the page", () -> text(memory(deadlock)) != null);

        browser.driver().findElement(By.id("memory-search")).sendKeys("deadlock");
        browser.await(
                LIVE,
                "the search keeps only the deadlock memory",
                () -> Long.valueOf(1)
                                .equals(browser.script(
                                        "return document.querySelectorAll('#memories [data-memory-id]').length"))
                        && text(memory(deadlock)) != null);

        browser.click(LIVE, memory(deadlock) + " select.status option[value='resolved']");
        browser.await(
                LIVE,
                "the page confirms the change",
                () -> ("memory #" + deadlock + " is now resolved").equals(text("#memory-result")));
        assertEquals(1, count("SELECT count(*) FROM memories WHERE id = ? AND status = 'resolved'", deadlock));
        browser.driver().findElement(By.id("memory-search")).clear();
        browser.script("document.getElementById('memory-search').dispatchEvent(new Event('input'))");
    }

    @Test
    void aLeaseShowsLiveAndOneOfAHolderUnseenForAnHourIsReleasedFromThePage() throws SQLException {
        Cli holder = shell("dev5", "/work/shop-lease");
        String name = register(holder, "shop");
        ok(holder.run("lease", "src/web-it.py", "--reason", "page test"));
        String row = "#leases [data-lease-id]";
        browser.await(LIVE, "the lease on the page", () -> "src/web-it.py".equals(text(row + " .target")));
        assertNull(browser.script("return document.querySelector('#leases button.force')"), "a live holder's lease");
        setLastSeenHoursAgo(name, 2);
        try (Connection c = db.connect("clambake");
                PreparedStatement ps = c.prepareStatement("UPDATE leases SET reason = 'stale now' WHERE target = ?")) {
            ps.setString(1, "src/web-it.py");
            assertEquals(1, ps.executeUpdate());
        }
        browser.await(
                LIVE,
                "the release button",
                () -> Boolean.TRUE.equals(browser.script("return !!document.querySelector('#leases button.force')")));
        browser.click(LIVE, "#leases button.force");
        browser.await(
                LIVE,
                "the page confirms the release",
                () -> ("released src/web-it.py (held by " + name + ")").equals(text("#lease-result")));
        assertEquals(0, count("SELECT count(*) FROM leases WHERE target = 'src/web-it.py'"));
    }

    /**
     * The issue's "done when": a swarm of three CLI-registered instances shows them, a lease, an
     * open blocker and a thread (a request and its --reply-to answer); a reply sent from the CLI
     * then appears in the open thread without a reload, a direct one without subject and body.
     */
    @Test
    void aSwarmOfThreeShowsItsLeaseBlockerAndAThreadThatGrowsLive() {
        for (String name : List.of(alphaName, betaName, gammaName)) {
            browser.await(LIVE, name + " listed", () -> text(instance(name)) != null);
        }
        ok(gamma.run("lease", "infra/main.tf", "--reason", "swarm test"));
        long blocker = json(beta, "send", "--to", "@all", "--type", "blocker", "--subject", "Schema change running")
                .get("message")
                .get("id")
                .asLong();
        try {
            long request = json(
                            alpha,
                            "send",
                            "--to",
                            "@project:shop",
                            "--type",
                            "request",
                            "--subject",
                            "Who owns the orders migration?")
                    .get("message")
                    .get("id")
                    .asLong();
            long answer = json(
                            beta,
                            "send",
                            "--reply-to",
                            String.valueOf(request),
                            "--to",
                            "@project:shop",
                            "--body",
                            "I do")
                    .get("message")
                    .get("id")
                    .asLong();
            String lease = "#leases [data-lease-id]";
            browser.await(
                    LIVE,
                    "the lease on the page",
                    () -> Boolean.TRUE.equals(browser.script(
                            "return [...document.querySelectorAll(arguments[0])].some((e) => e.textContent.includes('infra/main.tf'))",
                            lease + " .target")));
            browser.await(
                    LIVE,
                    "the blocker on the page",
                    () -> text("#blockers [data-message-id='" + blocker + "']") != null);
            browser.await(LIVE, "the answer on the page", () -> text(message(answer)) != null);
            assertEquals("↳ re #" + request + " Who owns the orders migration?", text(message(answer) + " .reply-to"));
            assertEquals("Re: Who owns the orders migration?", text(message(answer) + " .subject"));
            browser.await(
                    LIVE,
                    "the request marked as a thread",
                    () -> "thread · 2".equals(text(message(request) + " .badge.thread")));

            browser.click(LIVE, message(answer));
            browser.await(
                    LIVE,
                    "the thread open with the request and its answer",
                    () -> text(inThread(request)) != null && text(inThread(answer)) != null);
            assertEquals("I do", text(inThread(answer) + " .body"));

            long aside = sent(
                    alpha, "--reply-to", String.valueOf(answer), "--subject", "thanks, secret", "--body", "hidden");
            browser.await(LIVE, "the CLI's reply in the open thread", () -> text(inThread(aside)) != null);
            assertEquals(alphaName + " → " + betaName, text(inThread(aside) + " .route"));
            assertTrue(classes(inThread(aside)).contains("private"), classes(inThread(aside)));
            assertNull(text(inThread(aside) + " .body"));
            assertEquals("↳ re #" + answer, text(inThread(aside) + " .reply-to"));
            assertFalse(browser.driver().getPageSource().contains("thanks, secret"));
            assertEquals(
                    List.of(request, answer, aside),
                    ((List<?>)
                                    browser.script(
                                            "return [...document.querySelectorAll('#thread [data-message-id]')].map((e) => Number(e.dataset.messageId))"))
                            .stream().map(n -> ((Number) n).longValue()).toList());
            browser.driver().findElement(By.id("thread-close")).click();
            assertNotReloaded();
        } finally {
            ok(beta.run("close", String.valueOf(blocker)));
            ok(gamma.run("release", "infra/main.tf"));
        }
    }

    @Test
    void aRequestWithoutTheTokenIsRefused() {
        String other = openTab();
        try {
            for (String path : List.of("/", "/app.js", "/api/panels", "/events", "/wrong-token/")) {
                browser.open(web.origin() + path);
                assertEquals(
                        "forbidden",
                        browser.driver().findElement(By.tagName("body")).getText(),
                        path);
            }
        } finally {
            closeTab(other);
        }
    }

    /**
     * A page on another localhost port (same site, other origin), even one that knows the
     * token, can neither read the data nor act: fetch, XHR, an event stream, a script tag, a
     * fetch without CORS and a plain form post all fail, and nothing is stored.
     */
    @Test
    void anotherPageCannotReadNorPostEvenKnowingTheToken() throws Exception {
        HttpServer attacker = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        attacker.createContext("/", exchange -> {
            byte[] page = ATTACK.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "text/html; charset=utf-8");
            exchange.sendResponseHeaders(200, page.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(page);
            }
        });
        attacker.start();
        String other = openTab();
        try {
            browser.open("http://127.0.0.1:" + attacker.getAddress().getPort() + "/#" + web.page());
            browser.await(
                    LOAD,
                    "the attacks finished",
                    () -> "done".equals(browser.driver().getTitle()));
            @SuppressWarnings("unchecked")
            Map<String, Object> results = (Map<String, Object>) browser.script("return window.results");
            // A no-cors fetch may send its request, but the response is withheld from the page
            // (Cross-Origin-Resource-Policy), and the server refuses it (wrong Origin).
            for (String attack : List.of("fetch", "xhr", "post", "no-cors post", "events", "script")) {
                assertEquals("blocked", results.get(attack), attack + ": " + results);
            }
        } finally {
            closeTab(other);
            attacker.stop(0);
        }
        assertEquals(0, count("SELECT count(*) FROM messages WHERE subject LIKE 'attack%'"));
    }

    /** The attacker's page: it is told our page's address (token included) in its fragment. */
    private static final String ATTACK = """
            <!doctype html><title>running</title>
            <iframe name="sink"></iframe>
            <script>
            const base = location.hash.slice(1);
            const token = new URL(base).pathname.split('/')[1];
            const results = window.results = {};
            const wait = (ms) => new Promise((r) => setTimeout(r, ms));
            function form(fields) { const f = new URLSearchParams(fields); return f; }
            async function attempt(name, run) {
              try { results[name] = await run(); } catch (e) { results[name] = 'blocked'; }
            }
            (async () => {
              await attempt('fetch', async () => 'read: ' + (await (await fetch(base + 'api/panels')).text()));
              await attempt('xhr', () => new Promise((resolve, reject) => {
                const x = new XMLHttpRequest();
                x.open('GET', base + 'api/panels');
                x.onload = () => resolve('read: ' + x.responseText);
                x.onerror = () => reject(new Error('blocked'));
                x.send();
              }));
              await attempt('post', async () => 'status ' + (await fetch(base + 'api/actions/send', {
                method: 'POST', headers: {'X-Clambake-Token': token},
                body: form({to: '@all', subject: 'attack by fetch'})})).status);
              await attempt('no-cors post', async () => (await fetch(base + 'api/actions/send', {
                method: 'POST', mode: 'no-cors',
                body: form({token: token, to: '@all', subject: 'attack by no-cors fetch'})})).type);
              await attempt('events', () => new Promise((resolve, reject) => {
                const source = new EventSource(base + 'events');
                source.onopen = () => { source.close(); resolve('open'); };
                source.onerror = () => { source.close(); reject(new Error('blocked')); };
              }));
              await attempt('script', () => new Promise((resolve, reject) => {
                const s = document.createElement('script');
                s.src = base + 'app.js';
                s.onload = () => resolve('loaded');
                s.onerror = () => reject(new Error('blocked'));
                document.body.append(s);
              }));
              const f = document.createElement('form');
              f.method = 'POST'; f.action = base + 'api/actions/send'; f.target = 'sink';
              for (const [k, v] of Object.entries({token: token, to: '@all', subject: 'attack by form'})) {
                const i = document.createElement('input'); i.name = k; i.value = v; f.append(i);
              }
              document.body.append(f);
              const posted = new Promise((r) => document.querySelector('iframe').addEventListener('load', r));
              f.submit();
              await Promise.race([posted, wait(5000)]);
              document.title = 'done';
            })();
            </script>
            """;

    private String connection() {
        return (String) browser.script("return document.getElementById('connection').dataset.state");
    }

    private boolean loaded() {
        return "true".equals(browser.script("return document.body.dataset.loaded || null"));
    }

    private void assertNotReloaded() {
        assertEquals("never reloaded", browser.script("return window.sameDocument || null"), "the page reloaded");
    }

    private static String instance(String name) {
        return "#instances [data-name='" + name + "']";
    }

    private static String message(long id) {
        return "#messages [data-message-id='" + id + "']";
    }

    private static String inThread(long id) {
        return "#thread [data-message-id='" + id + "']";
    }

    private static String memory(long id) {
        return "#memories [data-memory-id='" + id + "']";
    }

    /**
     * The text of the first element {@code css} selects, or null when there is none: read in one
     * script, so that a panel redrawn meanwhile cannot leave the test holding a stale element.
     */
    private String text(String css) {
        return (String)
                browser.script("const e = document.querySelector(arguments[0]); return e ? e.textContent : null", css);
    }

    private String classes(String css) {
        return (String)
                browser.script("const e = document.querySelector(arguments[0]); return e ? e.className : null", css);
    }

    /** Records in the page when each message row first appears, by the browser's clock. */
    private void watchArrivals() {
        browser.script("""
                window.arrivals = window.arrivals || {};
                const note = () => document.querySelectorAll('#messages [data-message-id]').forEach((row) => {
                  if (!(row.dataset.messageId in window.arrivals)) window.arrivals[row.dataset.messageId] = Date.now();
                });
                note();
                new MutationObserver(note).observe(document.getElementById('messages'), {childList: true, subtree: true});
                """);
    }

    private Long arrival(long id) {
        Object at = browser.script("return (window.arrivals || {})[arguments[0]] || null", String.valueOf(id));
        return at == null ? null : ((Number) at).longValue();
    }

    private String openTab() {
        browser.driver().switchTo().newWindow(WindowType.TAB);
        return browser.driver().getWindowHandle();
    }

    private void closeTab(String handle) {
        browser.driver().switchTo().window(handle).close();
        browser.driver().switchTo().window(pageWindow);
    }
}

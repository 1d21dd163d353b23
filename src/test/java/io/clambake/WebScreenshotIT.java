package io.clambake;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.clambake.support.Browser;
import io.clambake.support.Cli;
import io.clambake.support.DatabaseTest;
import io.clambake.support.WebProcess;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.openqa.selenium.Dimension;

/**
 * A small swarm at work, as the page shows it on a laptop and on a phone: the screenshots in
 * README.md come from here (written to target/screenshots, or to the directory named by
 * -Dclambake.screenshots=docs). On a phone-sized screen nothing may need sideways scrolling.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class WebScreenshotIT extends DatabaseTest {
    private static final Duration LOAD = Duration.ofSeconds(30);
    private static final Path SHOTS = Path.of(System.getProperty("clambake.screenshots", "target/screenshots"));

    @BeforeAll
    void aSwarmAtWork() {
        Cli otter = shell("dev1", "/home/ana/shop");
        Cli heron = shell("dev2", "/srv/shop");
        Cli lynx = shell("dev1", "/home/ana/infra");
        register(otter, "shop", "--name", "brisk-otter");
        register(heron, "shop", "--name", "calm-heron");
        register(lynx, "infra", "--name", "quiet-lynx");
        Cli human = shell("laptop", "/home/ana");
        ok(otter.run("heartbeat", "--task", "migrating the orders table"));
        ok(heron.run("heartbeat", "--task", "payments: retry with backoff"));
        ok(lynx.run("heartbeat", "--task", "rebuilding the CI images"));
        ok(otter.run(
                "remember",
                "--type",
                "gotcha",
                "--title",
                "ALTER on orders takes an exclusive lock",
                "--content",
                "Run it off-peak: every checkout waits for it. Found during the 2M-row migration."));
        ok(heron.run(
                "remember",
                "--type",
                "decision",
                "--title",
                "Retries back off exponentially, capped at 30 s",
                "--content",
                "Agreed with brisk-otter; see payments/retry.py."));
        ok(lynx.run(
                "remember",
                "--global",
                "--type",
                "tool",
                "--title",
                "Use `docker buildx bake` for the CI images",
                "--content",
                "One command builds all four images with a shared cache."));
        long restart = json(
                        lynx,
                        "send",
                        "--to",
                        "@all",
                        "--type",
                        "warning",
                        "--subject",
                        "Restarting Docker in 2 minutes",
                        "--body",
                        "CI images are being rebuilt; containers restart once.")
                .get("message")
                .get("id")
                .asLong();
        ok(otter.run("lease", "db/migrations/0042_orders.sql", "--reason", "orders migration"));
        ok(heron.run("lease", "payments/retry.py", "--shared", "--reason", "retry with backoff"));
        ok(otter.run(
                "send",
                "--to",
                "@project:shop",
                "--type",
                "blocker",
                "--subject",
                "Editing docker-compose.yml",
                "--body",
                "Adding the orders-worker service; please wait."));
        ok(heron.run("send", "--to", "brisk-otter", "--type", "request", "--subject", "Review my retry PR"));
        ok(otter.run("log", "--action", "migrate", "--summary", "orders: added index on (customer_id, created_at)"));
        ok(lynx.run("log", "--action", "deploy", "--summary", "CI images v42 pushed"));
        ok(otter.run(
                "send",
                "--to",
                "human",
                "--type",
                "info",
                "--subject",
                "Migration 80% done",
                "--body",
                "About ten more minutes."));
        ok(human.run(
                "send",
                "--as",
                "human",
                "--to",
                "brisk-otter",
                "--type",
                "request",
                "--subject",
                "Hold the deploy until the migration is done"));
        reply = json(
                        otter,
                        "send",
                        "--reply-to",
                        String.valueOf(restart),
                        "--to",
                        "@all",
                        "--body",
                        "Fine: the migration does not need Docker.")
                .get("message")
                .get("id")
                .asLong();
        ok(heron.run("send", "--to", "@all", "--type", "done", "--subject", "Payments retries merged"));
    }

    private long reply;

    @Test
    void onALaptopAndOnAPhone() {
        try (WebProcess web = WebProcess.start(db);
                Browser browser = Browser.start(1280, 1750)) {
            browser.open(web.url().toString());
            browser.await(
                    LOAD,
                    "the page loaded",
                    () -> "live".equals(browser.script("return document.getElementById('connection').dataset.state"))
                            && ((Number)
                                                    browser.script(
                                                            "return document.querySelectorAll('#instances [data-name]').length"))
                                            .intValue()
                                    == 3);
            browser.script("document.getElementById('compose-box').open = true");
            // The conversation of a reply open, as a click on it opens it.
            browser.script("document.querySelector(\"#messages [data-message-id='" + reply + "']\").click()");
            browser.await(
                    LOAD,
                    "the conversation open",
                    () -> ((Number) browser.script(
                                            "return document.querySelectorAll('#thread [data-message-id]').length"))
                                    .intValue()
                            == 2);
            browser.script("window.scrollTo(0, 0)");
            browser.screenshot(SHOTS.resolve("web-laptop.png"));

            browser.driver().manage().window().setSize(new Dimension(390, 844));
            browser.await(
                    LOAD,
                    "the page laid out for a narrow screen",
                    () -> ((Number) browser.script("return window.innerWidth")).intValue() <= 420);
            long overflow = ((Number) browser.script(
                            "return document.documentElement.scrollWidth - document.documentElement.clientWidth"))
                    .longValue();
            assertEquals(0, overflow, "the page is wider than a phone's screen");
            Object columns = browser.script(
                    "return getComputedStyle(document.getElementById('panels')).gridTemplateColumns.split(' ').length");
            assertEquals(1L, columns, "one column of panels on a phone");
            browser.screenshot(SHOTS.resolve("web-phone.png"));
            assertTrue(SHOTS.resolve("web-phone.png").toFile().length() > 10_000);
        }
    }
}

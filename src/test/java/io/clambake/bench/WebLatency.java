package io.clambake.bench;

import com.fasterxml.jackson.databind.JsonNode;
import io.clambake.support.Browser;
import io.clambake.support.Cli;
import io.clambake.support.TestDatabase;
import io.clambake.support.WebProcess;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * How soon a change reaches the live page: `clambake web` from the jar, a real Chromium with the
 * page open and a bare event-stream client, while an agent sends messages through the CLI. For
 * each message it reports the time from the message's created_at (the database clock, taken
 * when the INSERT began, so before its commit) to the event reaching the stream client, and to
 * the row appearing in the page. Run by bench/web-latency.sh.
 */
public final class WebLatency {
    private WebLatency() {}

    public static void main(String[] args) throws Exception {
        int sends = args.length > 0 ? Integer.parseInt(args[0]) : 50;
        Duration pause = Duration.ofMillis(args.length > 1 ? Long.parseLong(args[1]) : 300);
        try (TestDatabase db = TestDatabase.create()) {
            Cli agent = Cli.shell(db, "bench-host", "/work/bench");
            run(agent, "register", "--project", "bench");
            try (WebProcess web = WebProcess.start(db);
                    Browser browser = Browser.start(1280, 900)) {
                browser.open(web.url().toString());
                browser.await(
                        Duration.ofSeconds(30),
                        "the page is live",
                        () -> "live"
                                .equals(browser.script("return document.getElementById('connection').dataset.state")));
                browser.script("""
                        window.arrivals = {};
                        new MutationObserver(() => document.querySelectorAll('#messages [data-message-id]')
                            .forEach((row) => { if (!(row.dataset.messageId in window.arrivals))
                                window.arrivals[row.dataset.messageId] = Date.now(); }))
                          .observe(document.getElementById('messages'), {childList: true, subtree: true});
                        """);
                List<Long> events = Collections.synchronizedList(new ArrayList<>());
                Thread stream = listen(web, events);
                Thread.sleep(1_000);
                List<Long> toEvent = new ArrayList<>();
                List<Long> toPage = new ArrayList<>();
                for (int i = 0; i < sends; i++) {
                    events.clear();
                    JsonNode sent = run(agent, "send", "--to", "@all", "--subject", "latency " + i, "--json");
                    long id = sent.get("message").get("id").asLong();
                    long at = OffsetDateTime.parse(
                                    sent.get("message").get("created_at").asText())
                            .toInstant()
                            .toEpochMilli();
                    browser.await(
                            Duration.ofSeconds(10),
                            "message " + id + " on the page",
                            () -> browser.script("return window.arrivals[arguments[0]] || null", String.valueOf(id))
                                    != null);
                    long rendered = ((Number)
                                    browser.script("return window.arrivals[arguments[0]]", String.valueOf(id)))
                            .longValue();
                    toPage.add(rendered - at);
                    synchronized (events) {
                        events.stream().filter(t -> t >= at).findFirst().ifPresent(t -> toEvent.add(t - at));
                    }
                    Thread.sleep(pause.toMillis());
                }
                stream.interrupt();
                System.out.println("sends: " + sends + ", one every " + pause.toMillis() + " ms or more");
                System.out.println("created_at -> event on the stream (ms): " + summary(toEvent));
                System.out.println("created_at -> row in the page (ms):     " + summary(toPage));
            }
        }
    }

    private static JsonNode run(Cli agent, String... args) {
        Cli.Result r = agent.run(args);
        if (r.code() != 0) {
            throw new IllegalStateException(r.toString());
        }
        return args[args.length - 1].equals("--json") ? r.json() : null;
    }

    /** A bare event-stream client: notes when each "messages" change arrives, by this JVM's clock. */
    private static Thread listen(WebProcess web, List<Long> events) {
        Thread t = new Thread(() -> {
            try {
                HttpURLConnection c = (HttpURLConnection)
                        URI.create(web.page() + "events").toURL().openConnection();
                try (BufferedReader in =
                        new BufferedReader(new InputStreamReader(c.getInputStream(), StandardCharsets.UTF_8))) {
                    String line;
                    while ((line = in.readLine()) != null) {
                        if (line.startsWith("data:") && line.contains("\"messages\"")) {
                            events.add(System.currentTimeMillis());
                        }
                    }
                }
            } catch (Exception e) {
                // stopped
            }
        });
        t.setDaemon(true);
        t.start();
        return t;
    }

    private static String summary(List<Long> millis) {
        List<Long> sorted = new ArrayList<>(millis);
        Collections.sort(sorted);
        if (sorted.isEmpty()) {
            return "none";
        }
        return "median " + sorted.get(sorted.size() / 2) + ", p90 " + sorted.get((int) (sorted.size() * 0.9)) + ", max "
                + sorted.get(sorted.size() - 1) + " (n=" + sorted.size() + ")";
    }
}

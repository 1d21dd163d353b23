package io.clambake.web;

import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The open pages' server-sent event streams. An event names the panels that changed; the page
 * fetches those again with its own filter. A page that falls behind gets one event naming
 * everything that changed meanwhile, never a backlog.
 */
final class EventStream {
    /** Each open page holds one request thread; this bounds them. */
    static final int MAX_PAGES = 16;

    private static final Duration KEEP_ALIVE = Duration.ofSeconds(15);
    private static final long RETRY_MILLIS = 1000;

    private final Set<Page> pages = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;

    /** Tells every open page that these panels changed. */
    void publish(Set<String> panels) {
        if (panels.isEmpty()) {
            return;
        }
        for (Page page : pages) {
            page.changed(panels);
        }
    }

    /** Streams events to one page until it goes away or the server stops. */
    void serve(HttpExchange exchange) throws IOException {
        Page page = new Page();
        if (closed || !add(page)) {
            WebServer.send(exchange, 503, "text/plain", "too many open pages\n");
            return;
        }
        try {
            exchange.getResponseHeaders().set("Content-Type", "text/event-stream; charset=utf-8");
            exchange.sendResponseHeaders(200, 0);
            OutputStream out = exchange.getResponseBody();
            write(out, "retry: " + RETRY_MILLIS + "\n\n");
            while (!closed) {
                Set<String> changed = page.await(KEEP_ALIVE);
                if (closed) {
                    break;
                }
                // A comment line keeps the connection alive and finds out when the page is gone.
                write(out, changed.isEmpty() ? ":\n\n" : "event: change\ndata: " + json(changed) + "\n\n");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            pages.remove(page);
            exchange.close();
        }
    }

    private synchronized boolean add(Page page) {
        if (pages.size() >= MAX_PAGES) {
            return false;
        }
        return pages.add(page);
    }

    void close() {
        closed = true;
        for (Page page : pages) {
            page.changed(Set.of());
        }
    }

    private static void write(OutputStream out, String text) throws IOException {
        out.write(text.getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    /** Panel names are fixed identifiers, so they need no escaping. */
    private static String json(Set<String> panels) {
        return "{\"panels\":[\"" + String.join("\",\"", panels) + "\"]}";
    }

    /** What changed since the page's last event; waking it also wakes it to close. */
    private static final class Page {
        private final Set<String> pending = new TreeSet<>();
        private boolean woken;

        synchronized void changed(Set<String> panels) {
            pending.addAll(panels);
            woken = true;
            notifyAll();
        }

        synchronized Set<String> await(Duration timeout) throws InterruptedException {
            long deadline = System.nanoTime() + timeout.toNanos();
            while (!woken) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    break;
                }
                wait(Math.max(1, left / 1_000_000));
            }
            woken = false;
            Set<String> changed = Set.copyOf(pending);
            pending.clear();
            return changed;
        }
    }
}

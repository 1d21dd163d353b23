package io.clambake.web;

import io.clambake.db.InstanceDao;
import io.clambake.db.LeaseDao;
import io.clambake.db.LogDao;
import io.clambake.db.MemoryDao;
import io.clambake.db.MessageQueries;
import io.clambake.domain.ClambakeException;
import io.clambake.domain.Instance;
import io.clambake.domain.Memory;
import io.clambake.domain.MemoryStatus;
import io.clambake.domain.Message;
import io.clambake.domain.Rules;
import io.clambake.output.Views;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The page's panels: what each shows and which tables it follows. A change to one of those
 * tables tells open pages to fetch the panel again. A new panel is one entry in {@link #ALL}
 * (and one render function in app.js); a table it follows needs the notify_change trigger.
 */
final class Panels {
    /** As `status` marks them by default. */
    static final Duration STALE_AFTER = Duration.ofHours(1);

    static final int LIMIT = 50;
    /** As the {@code thread} verb shows at most. */
    private static final int THREAD_LIMIT = 500;

    private static final int MAX_SEARCH = 200;

    /**
     * What a page asks for: a project (null: all), a memory search, the memory statuses to show
     * and the conversation it has open (any of its messages' ids, or null).
     */
    record Filter(String project, String search, List<MemoryStatus> statuses, Long thread) {
        static Filter parse(Map<String, String> query) {
            String project = blankToNull(query.get("project"));
            String search = blankToNull(query.get("search"));
            String status = blankToNull(query.get("status"));
            String thread = blankToNull(query.get("thread"));
            return new Filter(
                    project == null ? null : Rules.project(project),
                    search == null ? null : Rules.optionalText("search", search.strip(), MAX_SEARCH),
                    status == null
                            ? List.of(MemoryStatus.ACTIVE, MemoryStatus.RESOLVED)
                            : "all".equals(status)
                                    ? List.of(MemoryStatus.values())
                                    : List.of(MemoryStatus.parse(status)),
                    thread == null ? null : Rules.id("thread", parseId(thread)));
        }

        private static long parseId(String text) {
            try {
                return Long.parseLong(text.strip());
            } catch (NumberFormatException e) {
                throw ClambakeException.invalid("thread must be a message id, not '" + text + "'");
            }
        }
    }

    @FunctionalInterface
    interface Reader {
        Object read(Connection connection, Filter filter, OffsetDateTime now) throws SQLException;
    }

    record Panel(String name, Set<String> tables, Reader reader) {}

    static final List<Panel> ALL = List.of(
            new Panel("instances", Set.of("instances"), Panels::instances),
            new Panel("projects", Set.of("instances", "memories"), Panels::projects),
            new Panel("messages", Set.of("messages"), Panels::messages),
            new Panel("thread", Set.of("messages", "message_acks"), Panels::thread),
            new Panel("blockers", Set.of("messages", "message_acks"), Panels::blockers),
            new Panel("memories", Set.of("memories"), Panels::memories),
            new Panel("leases", Set.of("leases", "instances"), Panels::leases),
            new Panel("log", Set.of("action_log"), Panels::log));

    private Panels() {}

    /** The panels that follow any of these tables. */
    static Set<String> following(Set<String> tables) {
        Set<String> names = new LinkedHashSet<>();
        for (Panel panel : ALL) {
            if (panel.tables().stream().anyMatch(tables::contains)) {
                names.add(panel.name());
            }
        }
        return names;
    }

    static Set<String> names() {
        Set<String> names = new LinkedHashSet<>();
        ALL.forEach(p -> names.add(p.name()));
        return names;
    }

    /** The named panels' contents (all of them for none), with the database clock to compute ages by. */
    static Map<String, Object> read(Connection connection, Set<String> names, Filter filter, OffsetDateTime now)
            throws SQLException {
        Map<String, Object> panels = new LinkedHashMap<>();
        for (Panel panel : ALL) {
            if (names.isEmpty() || names.contains(panel.name())) {
                panels.put(panel.name(), panel.reader().read(connection, filter, now));
            }
        }
        for (String name : names) {
            if (!panels.containsKey(name)) {
                throw ClambakeException.invalid("no panel named '" + name + "'");
            }
        }
        Map<String, Object> document = new LinkedHashMap<>();
        document.put("now", now);
        document.put("overseer", Rules.OVERSEER);
        document.put("panels", panels);
        return document;
    }

    private static Object instances(Connection c, Filter filter, OffsetDateTime now) throws SQLException {
        List<Instance> live = new InstanceDao(c).live(filter.project());
        return Map.of(
                "stale_after_seconds",
                STALE_AFTER.toSeconds(),
                "instances",
                live.stream()
                        .map(i -> Views.instance(i, i.staleAt(now, STALE_AFTER)))
                        .toList());
    }

    private static Object projects(Connection c, Filter filter, OffsetDateTime now) throws SQLException {
        return Map.of("projects", new InstanceDao(c).projects());
    }

    /**
     * The latest messages, each with the size of its conversation and, for a reply, the subject
     * of the message it answers (null when that one is private to two others or gone).
     */
    private static Object messages(Connection c, Filter filter, OffsetDateTime now) throws SQLException {
        MessageQueries queries = new MessageQueries(c);
        List<Message> messages = queries.overseen(filter.project(), LIMIT);
        Map<Long, Integer> sizes =
                queries.threadSizes(messages.stream().map(Message::thread).collect(Collectors.toSet()));
        Map<Long, Message> answered = new HashMap<>();
        for (Message m : queries.overseenByIds(
                messages.stream().map(Message::replyTo).filter(Objects::nonNull).collect(Collectors.toSet()))) {
            answered.put(m.id(), m);
        }
        return Map.of(
                "messages",
                messages.stream()
                        .map(m -> {
                            Map<String, Object> view = message(m);
                            view.put("thread_size", sizes.getOrDefault(m.thread(), 1));
                            Message original = m.replyTo() == null ? null : answered.get(m.replyTo());
                            view.put("reply_to_subject", original == null ? null : original.subject());
                            return view;
                        })
                        .toList());
    }

    /**
     * The conversation the page has open, oldest first, by the same privacy rule as the
     * {@code thread} verb with the human overseer as the viewer.
     */
    private static Object thread(Connection c, Filter filter, OffsetDateTime now) throws SQLException {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("id", filter.thread());
        if (filter.thread() == null) {
            view.put("messages", List.of());
            return view;
        }
        List<Message> thread = new MessageQueries(c).threadOverseen(filter.thread(), THREAD_LIMIT);
        view.put("thread", thread.isEmpty() ? null : thread.get(0).thread());
        view.put("messages", thread.stream().map(Panels::message).toList());
        if (thread.isEmpty()) {
            view.put(
                    "missing",
                    "no message #" + filter.thread() + " you may read (unknown, expired or private to two others)");
        }
        return view;
    }

    /** Open blockers (the human may close any), and requests and blockers no one has acknowledged. */
    private static Object blockers(Connection c, Filter filter, OffsetDateTime now) throws SQLException {
        MessageQueries queries = new MessageQueries(c);
        return Map.of(
                "blockers",
                queries.openBlockersOverseen(filter.project(), LIMIT).stream()
                        .map(Panels::message)
                        .toList(),
                "unacknowledged",
                queries.unacknowledgedOverseen(filter.project(), LIMIT).stream()
                        .map(Panels::message)
                        .toList());
    }

    /** A message as the page shows it: a private one without subject and body. */
    private static Map<String, Object> message(Message m) {
        Map<String, Object> view = Views.message(m);
        view.remove("read_at");
        view.put("private", m.subject() == null);
        view.put("from_overseer", Rules.OVERSEER.equals(m.from()));
        view.put("to_overseer", Rules.OVERSEER.equals(m.to()));
        return view;
    }

    private static Object memories(Connection c, Filter filter, OffsetDateTime now) throws SQLException {
        List<Memory> found = new MemoryDao(c).browse(filter.project(), filter.search(), filter.statuses(), LIMIT + 1);
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("memories", found.stream().limit(LIMIT).map(Views::memory).toList());
        view.put("more", found.size() > LIMIT);
        view.put("search", filter.search());
        return view;
    }

    private static Object leases(Connection c, Filter filter, OffsetDateTime now) throws SQLException {
        return Map.of(
                "leases",
                new LeaseDao(c)
                        .active(filter.project(), null).stream()
                                .map(l -> {
                                    // A holder unseen this long may lose its leases (release --force).
                                    Map<String, Object> view = Views.lease(l);
                                    view.put(
                                            "holder_stale",
                                            l.holderSeen().plus(STALE_AFTER).isBefore(now));
                                    return view;
                                })
                                .toList());
    }

    private static Object log(Connection c, Filter filter, OffsetDateTime now) throws SQLException {
        return Map.of(
                "log",
                new LogDao(c)
                        .recent(filter.project(), LIMIT).stream()
                                .map(Views::logEntry)
                                .toList());
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value;
    }
}

package io.clambake;

import static io.clambake.support.Parallel.inParallel;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import io.clambake.db.SchemaMigrator;
import io.clambake.domain.ExitCode;
import io.clambake.support.Cli;
import io.clambake.support.DatabaseTest;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Many sessions at once against one database: every call is its own in-process CLI run with its
 * own JDBC connection, started together from real threads. Each test uses its own host name, so
 * the tests of this class never see each other's instances by directory.
 */
class ConcurrencyTest extends DatabaseTest {
    private static final int SENDERS = 20;
    private static final int PER_SENDER = 50;
    private static final int TOTAL = SENDERS * PER_SENDER;

    @Test
    void twentyConcurrentSendersThenEightRacingReadersOfOneInbox() throws Exception {
        String host = "conc-mail";
        Cli recipientShell = shell(host, "/c/recipient");
        String recipient = register(recipientShell, "mail");

        // 20 sessions register and each sends 50 direct messages, all at once.
        List<String> senders = inParallel(SENDERS, n -> {
            Cli sender = shell(host, "/c/sender-" + n);
            String name = register(sender, "mail");
            for (int i = 0; i < PER_SENDER; i++) {
                Cli.Result sent = sender.run(
                        "send", "--to", recipient, "--subject", "s" + n + "-" + i, "--body", "b" + n + "-" + i);
                assertEquals(ExitCode.OK, sent.code(), sent::toString);
            }
            return name;
        });
        assertEquals(SENDERS, new HashSet<>(senders).size(), "every sender got its own name: " + senders);

        JsonNode inbox =
                recipientShell.run("inbox", "--json", "--limit", "1000").json();
        assertEquals(recipient, inbox.get("me").asText());
        assertEquals(TOTAL, inbox.get("unread").asLong());
        assertEquals(0, inbox.get("more").asLong());
        assertEquals(TOTAL, inbox.get("messages").size());
        Set<Long> ids = new HashSet<>();
        Map<String, Integer> subjects = new HashMap<>();
        for (JsonNode m : inbox.get("messages")) {
            ids.add(m.get("id").asLong());
            String subject = m.get("subject").asText();
            subjects.merge(subject, 1, Integer::sum);
            int n = Integer.parseInt(subject.substring(1, subject.indexOf('-')));
            assertEquals(senders.get(n), m.get("from").asText(), "sender of " + subject);
            assertEquals(recipient, m.get("to").asText());
            assertEquals("b" + subject.substring(1), m.get("body").asText());
        }
        assertEquals(TOTAL, ids.size(), "distinct ids");
        Map<String, Integer> expected = new HashMap<>();
        for (int n = 0; n < SENDERS; n++) {
            for (int i = 0; i < PER_SENDER; i++) {
                expected.put("s" + n + "-" + i, 1);
            }
        }
        assertEquals(expected, subjects, "every subject exactly once");

        // 8 sessions acting as the same recipient drain the inbox with read --next.
        List<List<JsonNode>> perThread = inParallel(8, t -> {
            List<JsonNode> got = new ArrayList<>();
            while (true) {
                Cli.Result read = recipientShell.run("read", "--next", "--json");
                assertEquals(ExitCode.OK, read.code(), read::toString);
                JsonNode doc = read.json();
                if (doc.get("message").isNull()) {
                    assertFalse(doc.get("first_read").asBoolean(), read::toString);
                    return got;
                }
                got.add(doc);
            }
        });
        List<Long> readIds = new ArrayList<>();
        for (List<JsonNode> docs : perThread) {
            for (JsonNode doc : docs) {
                assertTrue(doc.get("first_read").asBoolean(), "read --next hands out unread messages only: " + doc);
                assertFalse(doc.get("message").get("read_at").isNull(), doc::toString);
                readIds.add(doc.get("message").get("id").asLong());
            }
        }
        assertEquals(TOTAL, readIds.size(), "messages handed out in all (a duplicate would make this larger)");
        assertEquals(ids, new HashSet<>(readIds), "exactly the inbox's messages, none twice");

        JsonNode after =
                recipientShell.run("inbox", "--json", "--limit", "1000").json();
        assertEquals(0, after.get("unread").asLong());
        assertEquals(0, after.get("messages").size());
        assertEquals(
                TOTAL,
                count(
                        "SELECT count(*) FROM message_reads WHERE reader_id = (SELECT id FROM instances WHERE name = ?)",
                        recipient));
        assertEquals(
                TOTAL,
                count(
                        "SELECT count(DISTINCT message_id) FROM message_reads WHERE reader_id = "
                                + "(SELECT id FROM instances WHERE name = ?)",
                        recipient));
    }

    @Test
    void racingReadsOfOneMessageByOneReaderMarkItOnceAndAllSeeTheFirstReadTime() throws Exception {
        String host = "conc-readid";
        Cli sender = shell(host, "/c/sender");
        Cli reader = shell(host, "/c/reader");
        register(sender, "readid");
        String readerName = register(reader, "readid");

        // Free races: ten sessions as one reader read the same message at once, a few times over.
        for (int round = 0; round < 3; round++) {
            long id = sendTo(sender, readerName, "race " + round);
            checkRacingReads(id, inParallel(10, t -> reader.run("read", Long.toString(id), "--json")));
        }

        // The same race with the interleaving pinned down: a transaction here holds the message's
        // row lock, so the first reader's mark cannot commit (its foreign-key check waits) while
        // the other nine, having started their statements, wait for that mark. Then it is let go.
        long id = sendTo(sender, readerName, "race pinned");
        List<Cli.Result> results;
        try (Connection lock = db.connect("clambake")) {
            lock.setAutoCommit(false);
            try (PreparedStatement ps = lock.prepareStatement("SELECT id FROM messages WHERE id = ? FOR UPDATE")) {
                ps.setLong(1, id);
                ps.executeQuery().close();
            }
            results = inParallel(10, t -> reader.run("read", Long.toString(id), "--json"), finished -> {
                awaitWaitingOrFinished(10, finished);
                lock.rollback();
            });
        }
        checkRacingReads(id, results);
    }

    private static long sendTo(Cli sender, String to, String subject) {
        Cli.Result sent = sender.run("send", "--to", to, "--subject", subject, "--json");
        assertEquals(ExitCode.OK, sent.code(), sent::toString);
        return sent.json().get("message").get("id").asLong();
    }

    /** All exit 0, one first read, one mark in the table, and every reader shows that mark's time. */
    private void checkRacingReads(long id, List<Cli.Result> results) throws SQLException {
        for (Cli.Result r : results) {
            assertEquals(ExitCode.OK, r.code(), r::toString);
            assertEquals(id, r.json().get("message").get("id").asLong());
        }
        long first = results.stream()
                .filter(r -> r.json().get("first_read").asBoolean())
                .count();
        assertEquals(1, first, "exactly one racing read is the first: " + results);

        List<OffsetDateTime> marks = new ArrayList<>();
        try (Connection c = db.connect("clambake");
                PreparedStatement ps = c.prepareStatement("SELECT read_at FROM message_reads WHERE message_id = ?")) {
            ps.setLong(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    marks.add(rs.getObject(1, OffsetDateTime.class));
                }
            }
        }
        assertEquals(1, marks.size(), "one read mark for message " + id);
        Instant markedAt = marks.get(0).toInstant();
        for (Cli.Result r : results) {
            JsonNode readAt = r.json().get("message").get("read_at");
            assertFalse(readAt.isNull(), "every racing read shows the message as read, at the first read's time: " + r);
            assertEquals(markedAt, Instant.parse(readAt.asText()), r::toString);
        }
    }

    /**
     * Polls until each of the {@code n} racing CLI sessions (application_name clambake) either
     * waits on a lock or has finished, so that releasing the held lock lets them all go at once.
     */
    private void awaitWaitingOrFinished(int n, CountDownLatch finished) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        try (Connection c = db.connect("clambake");
                PreparedStatement ps = c.prepareStatement("""
                SELECT count(*) FROM pg_stat_activity
                 WHERE datname = current_database() AND application_name = 'clambake' AND wait_event_type = 'Lock'
                """)) {
            long waiting = 0;
            while (System.nanoTime() < deadline) {
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    waiting = rs.getLong(1);
                }
                if (waiting + (n - finished.getCount()) >= n) {
                    return;
                }
                Thread.sleep(5);
            }
            fail(waiting + " sessions wait on a lock and " + (n - finished.getCount()) + " have finished, of " + n);
        }
    }

    @Test
    void concurrentReadsOfOneBroadcastMarkItReadForEachReaderOnly() throws Exception {
        String host = "conc-bcast";
        Cli sender = shell(host, "/c/announcer");
        register(sender, "bcast");
        List<Cli> readers = new ArrayList<>();
        for (int n = 0; n < 10; n++) {
            Cli r = shell(host, "/c/listener-" + n);
            register(r, n % 2 == 0 ? "bcast" : "other-" + n);
            readers.add(r);
        }
        Cli idle = shell(host, "/c/idle");
        String idleName = register(idle, "bcast");

        Cli.Result sent =
                sender.run("send", "--to", "@all", "--type", "warning", "--subject", "Restarting Docker", "--json");
        assertEquals(ExitCode.OK, sent.code(), sent::toString);
        long id = sent.json().get("message").get("id").asLong();

        List<Cli.Result> results = inParallel(10, n -> readers.get(n).run("read", Long.toString(id), "--json"));
        for (Cli.Result r : results) {
            assertEquals(ExitCode.OK, r.code(), r::toString);
            assertTrue(r.json().get("first_read").asBoolean(), "each reader's own first read: " + r);
            assertEquals("@all", r.json().get("message").get("to").asText());
        }
        for (Cli r : readers) {
            JsonNode inbox = r.run("inbox", "--json").json();
            assertEquals(0, inbox.get("unread").asLong(), inbox::toString);
        }
        JsonNode idleInbox = idle.run("inbox", "--json").json();
        assertEquals(idleName, idleInbox.get("me").asText());
        assertEquals(1, idleInbox.get("unread").asLong(), idleInbox::toString);
        assertEquals(id, idleInbox.get("messages").get(0).get("id").asLong());
        assertEquals(10, count("SELECT count(DISTINCT reader_id) FROM message_reads WHERE message_id = ?", id));
        assertEquals(10, count("SELECT count(*) FROM message_reads WHERE message_id = ?", id));
    }

    @Test
    void concurrentRegistrationsOfOneDirectoryMakeOneInstanceAndOfManyDirectoriesManyNames() throws Exception {
        String host = "conc-reg";
        Cli same = shell(host, "/c/reg/same");
        List<Cli.Result> results = inParallel(10, t -> same.run("register", "--project", "demo"));
        for (Cli.Result r : results) {
            assertEquals(ExitCode.OK, r.code(), r::toString);
        }
        Set<String> names = results.stream()
                .map(r -> r.out().lines().findFirst().orElseThrow())
                .collect(Collectors.toSet());
        assertEquals(1, names.size(), "one name for one host+dir+project: " + names);
        long created = results.stream()
                .filter(r -> r.out().lines().skip(1).findFirst().orElse("").startsWith("registered:"))
                .count();
        assertEquals(1, created, "one registration creates the instance, the others revive it: " + results);
        assertEquals(
                1,
                count(
                        "SELECT count(*) FROM instances WHERE host = ? AND dir = ? AND project = 'demo'",
                        host,
                        "/c/reg/same"));
        assertEquals(
                1,
                count(
                        "SELECT count(*) FROM instances WHERE host = ? AND dir = ? AND project = 'demo' AND name = ?",
                        host,
                        "/c/reg/same",
                        names.iterator().next()));

        List<String> many = inParallel(30, n -> {
            Cli.Result r = shell(host, "/c/reg/dir-" + n).run("register", "--project", "demo");
            assertEquals(ExitCode.OK, r.code(), r::toString);
            return r.out().lines().findFirst().orElseThrow();
        });
        assertEquals(30, new TreeSet<>(many).size(), "30 directories, 30 names: " + many);
        assertEquals(
                30,
                count("SELECT count(DISTINCT name) FROM instances WHERE host = ? AND dir LIKE '/c/reg/dir-%'", host));
        assertEquals(31, count("SELECT count(*) FROM instances WHERE host = ?", host));
    }

    @Test
    void concurrentCleanupsDeleteEveryExpiredMessageExactlyOnce() throws Exception {
        String host = "conc-clean";
        Cli recipientShell = shell(host, "/c/clean/recipient");
        String recipient = register(recipientShell, "clean");
        List<Cli> senders = new ArrayList<>();
        for (int n = 0; n < 6; n++) {
            Cli s = shell(host, "/c/clean/sender-" + n);
            register(s, "clean");
            senders.add(s);
        }
        // 300 messages go through 'send' from six sessions at once; each is then copied nine times
        // in SQL, which makes 3000 real rows without paying for 3000 CLI runs.
        int sent = 300;
        int total = sent * 10;
        inParallel(senders.size(), n -> {
            for (int i = n; i < sent; i += senders.size()) {
                Cli.Result r =
                        senders.get(n).run("send", "--to", recipient, "--subject", "old " + i, "--body", "body " + i);
                assertEquals(ExitCode.OK, r.code(), r::toString);
            }
            return null;
        });
        assertEquals(
                sent,
                count(
                        "SELECT count(*) FROM messages WHERE recipient_id = (SELECT id FROM instances WHERE name = ?)",
                        recipient));
        try (Connection c = db.connect("clambake");
                PreparedStatement ps = c.prepareStatement("""
                     INSERT INTO messages (sender_id, audience, recipient_id, project, type, subject, body, expires_at)
                     SELECT sender_id, audience, recipient_id, project, type, subject || ' copy ' || g, body, expires_at
                       FROM messages, generate_series(1, 9) AS g
                      WHERE recipient_id = (SELECT id FROM instances WHERE name = ?)
                     """)) {
            ps.setString(1, recipient);
            assertEquals(total - sent, ps.executeUpdate());
        }
        // One message that has not expired must survive every cleanup.
        Cli.Result keep = senders.get(0).run("send", "--to", recipient, "--subject", "still fresh", "--json");
        assertEquals(ExitCode.OK, keep.code(), keep::toString);
        long keptId = keep.json().get("message").get("id").asLong();

        int expired;
        try (Connection c = db.connect("clambake");
                PreparedStatement ps =
                        c.prepareStatement("UPDATE messages SET expires_at = now() - interval '1 second' "
                                + "WHERE recipient_id = (SELECT id FROM instances WHERE name = ?) AND id <> ?")) {
            ps.setString(1, recipient);
            ps.setLong(2, keptId);
            expired = ps.executeUpdate();
        }
        assertEquals(total, expired);
        assertEquals(
                total,
                count("SELECT count(*) FROM messages WHERE expires_at <= now()"),
                "no other test expires messages");

        List<Cli.Result> results = inParallel(6, n -> senders.get(n).run("cleanup", "--json"));
        long sum = 0;
        for (Cli.Result r : results) {
            assertEquals(ExitCode.OK, r.code(), r::toString);
            sum += r.json().get("expired_messages").asLong();
            assertEquals(0, r.json().get("stale_instances").asLong(), r::toString);
        }
        assertEquals(total, sum, "every expired message deleted by exactly one cleanup: " + results);
        assertEquals(0, count("SELECT count(*) FROM messages WHERE expires_at <= now()"));
        assertEquals(
                1,
                count(
                        "SELECT count(*) FROM messages WHERE recipient_id = (SELECT id FROM instances WHERE name = ?)",
                        recipient));
        JsonNode inbox = recipientShell.run("inbox", "--json").json();
        assertEquals(1, inbox.get("unread").asLong());
        assertEquals(keptId, inbox.get("messages").get(0).get("id").asLong());
    }

    @Test
    void concurrentFirstRunsOnAnEmptySchemaMigrateItOnce() throws Exception {
        String schema = "fresh_x";
        Cli fresh = shell("conc-fresh", "/c/fresh").with("CLAMBAKE_SCHEMA", schema);
        List<Cli.Result> results = inParallel(8, t -> fresh.run("status", "--json"));
        for (Cli.Result r : results) {
            assertEquals(ExitCode.OK, r.code(), r::toString);
            assertEquals(0, r.json().get("instances").size(), r::toString);
        }
        assertEquals(
                1, count("SELECT count(*) FROM " + schema + ".flyway_schema_history WHERE version = '1' AND success"));
        assertEquals(0, count("SELECT count(*) FROM " + schema + ".flyway_schema_history WHERE NOT success"));
        assertEquals(
                1,
                count(
                        "SELECT count(*) FROM information_schema.tables WHERE table_schema = ? AND table_name = 'messages'",
                        schema));
        assertEquals(
                count("SELECT count(DISTINCT version) FROM " + schema + ".flyway_schema_history"),
                count("SELECT count(*) FROM " + schema + ".flyway_schema_history WHERE version IS NOT NULL"),
                "each migration applied once");
        assertEquals(
                SchemaMigrator.LATEST_VERSION,
                count("SELECT max(version::int) FROM " + schema + ".flyway_schema_history"));
        // And the schema is in use: a session registered there is not seen in the default schema.
        String name = register(fresh, "fresh");
        assertEquals(1, count("SELECT count(*) FROM " + schema + ".instances WHERE name = ?", name));
        JsonNode elsewhere =
                shell("conc-fresh", "/c/fresh").run("status", "--json").json();
        for (JsonNode i : elsewhere.get("instances")) {
            assertFalse(name.equals(i.get("name").asText()), elsewhere::toString);
        }
    }
}

package io.clambake.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.clambake.domain.ClambakeException;
import io.clambake.support.Cli;
import io.clambake.support.DatabaseTest;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The page's conversations: a reply in the stream names what it answers, and the thread panel
 * shows a conversation as the `thread` verb shows it to the human overseer: direct messages
 * between two agents without subject and body, and none opened from such a message.
 */
class ThreadPanelTest extends DatabaseTest {
    @Test
    void aConversationShowsAsTheOverseerMayReadIt() throws SQLException {
        Cli a = shell("thread-host", "/w/thread/a");
        Cli b = shell("thread-host", "/w/thread/b");
        String aName = register(a, "threads");
        String bName = register(b, "threads");
        long question = sent(a, "--to", "@project:threads", "--type", "request", "--subject", "Who owns CI?");
        long answer = sent(b, "--reply-to", String.valueOf(question), "--to", "@project:threads", "--body", "I do");
        long aside = sent(a, "--reply-to", String.valueOf(answer), "--subject", "between us", "--body", "secret");
        long alone = sent(a, "--to", "@all", "--subject", "no replies");
        assertTrue(Panels.following(Set.of("messages")).contains("thread"));
        assertTrue(Panels.following(Set.of("message_acks")).contains("thread"));

        try (Connection c = db.connect("clambake")) {
            Map<Long, Map<?, ?>> stream = new HashMap<>();
            for (Object row : (List<?>) panel(c, "messages", Map.of()).get("messages")) {
                Map<?, ?> m = (Map<?, ?>) row;
                stream.put(((Number) m.get("id")).longValue(), m);
            }
            assertEquals(3, stream.get(question).get("thread_size"));
            assertEquals(1, stream.get(alone).get("thread_size"));
            assertEquals(question, stream.get(answer).get("reply_to"));
            assertEquals("Who owns CI?", stream.get(answer).get("reply_to_subject"));
            assertEquals(true, stream.get(aside).get("private"));
            assertNull(stream.get(aside).get("subject"));

            for (long opened : List.of(question, answer)) {
                Map<?, ?> thread = panel(c, "thread", Map.of("thread", String.valueOf(opened)));
                assertEquals(question, thread.get("thread"));
                List<?> messages = (List<?>) thread.get("messages");
                assertEquals(
                        List.of(question, answer, aside),
                        messages.stream()
                                .map(m -> ((Number) ((Map<?, ?>) m).get("id")).longValue())
                                .toList());
                Map<?, ?> last = (Map<?, ?>) messages.get(2);
                assertEquals(aName, last.get("from"));
                assertEquals(bName, last.get("to"));
                assertEquals(true, last.get("private"));
                assertNull(last.get("subject"));
                assertNull(last.get("body"));
                assertEquals("I do", ((Map<?, ?>) messages.get(1)).get("body"));
            }

            Map<?, ?> fromPrivate = panel(c, "thread", Map.of("thread", String.valueOf(aside)));
            assertEquals(List.of(), fromPrivate.get("messages"));
            assertTrue(String.valueOf(fromPrivate.get("missing")).startsWith("no message #" + aside + " you may read"));
            assertEquals(List.of(), panel(c, "thread", Map.of()).get("messages"));
            assertThrows(ClambakeException.class, () -> Panels.Filter.parse(Map.of("thread", "7; DROP")));
            assertThrows(ClambakeException.class, () -> Panels.Filter.parse(Map.of("thread", "0")));
        }
    }

    private static Map<?, ?> panel(Connection c, String name, Map<String, String> query) throws SQLException {
        Map<?, ?> panels = (Map<?, ?>) Panels.read(c, Set.of(name), Panels.Filter.parse(query), OffsetDateTime.now())
                .get("panels");
        return (Map<?, ?>) panels.get(name);
    }
}

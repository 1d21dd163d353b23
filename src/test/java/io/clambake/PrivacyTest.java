package io.clambake;

import static io.clambake.support.HookPayloads.payload;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.clambake.domain.ExitCode;
import io.clambake.support.Cli;
import io.clambake.support.DatabaseTest;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A direct message's subject and body are for its sender and its recipient only: every verb and
 * hook that lists messages is asked, as a third instance and as an unregistered caller.
 */
class PrivacyTest extends DatabaseTest {
    private static final String SECRET = "SECRET";

    @Test
    void aDirectMessageBetweenTwoOthersShowsNoSubjectOrBodyAnywhere() {
        Cli alice = shell("priv", "/w/priv/alice");
        Cli bob = shell("priv", "/w/priv/bob");
        Cli carol = shell("priv", "/w/priv/carol");
        Cli outsider = shell("priv", "/w/priv/unregistered");
        String a = register(alice, "priv");
        String b = register(bob, "priv");
        register(carol, "priv");
        long direct = sent(alice, "--to", b, "--type", "blocker", "--subject", SECRET + " subject", "--body", SECRET);
        long broadcast = sent(alice, "--to", "@project:priv", "--subject", "public news", "--body", "for all");

        for (Cli viewer : List.of(carol, outsider)) {
            for (String[] args :
                    List.of(new String[] {"status"}, new String[] {"status", "--project", "priv"}, new String[] {
                        "status", "--limit", "50"
                    })) {
                Cli.Result text = ok(viewer.run(args));
                assertFalse(text.out().contains(SECRET), text::toString);
                assertTrue(
                        text.out()
                                .lines()
                                .anyMatch(line -> line.startsWith("#" + direct + " ")
                                        && line.contains(a + " -> " + b)
                                        && line.contains("blocker")
                                        && line.endsWith("(private)")),
                        text::toString);
                Cli.Result json = ok(viewer.run(withJson(args)));
                assertFalse(json.out().contains(SECRET), json::toString);
                JsonNode hidden = message(json.json(), direct);
                assertEquals(a, hidden.get("from").asText());
                assertEquals(b, hidden.get("to").asText());
                assertEquals("blocker", hidden.get("type").asText());
                assertFalse(hidden.get("created_at").isNull());
                assertTrue(hidden.get("subject").isNull(), hidden::toString);
                assertTrue(hidden.get("body").isNull(), hidden::toString);
                assertTrue(hidden.get("private").asBoolean(), hidden::toString);
                JsonNode open = message(json.json(), broadcast);
                assertEquals("public news", open.get("subject").asText());
                assertFalse(open.get("private").asBoolean());
            }
        }

        Cli.Result inbox = ok(carol.run("inbox"));
        Cli.Result inboxJson = ok(carol.run("inbox", "--json"));
        Cli.Result read = carol.run("read", String.valueOf(direct));
        Cli.Result readJson = carol.run("read", String.valueOf(direct), "--json");
        Cli.Result next = ok(carol.run("read", "--next", "--json"));
        Cli.Result afterNext = ok(carol.run("read", "--next", "--json"));
        for (Cli.Result result : List.of(inbox, inboxJson, read, readJson, next, afterNext)) {
            assertFalse(result.out().contains(SECRET) || result.err().contains(SECRET), result::toString);
        }
        assertEquals(ExitCode.NOT_FOUND, read.code(), read::toString);
        assertEquals(ExitCode.NOT_FOUND, readJson.code(), readJson::toString);
        assertEquals(broadcast, next.json().get("message").get("id").asLong());
        assertTrue(afterNext.json().get("message").isNull(), afterNext::toString);
        assertEquals(
                ExitCode.NOT_REGISTERED,
                outsider.run("read", String.valueOf(direct)).code());

        for (Cli party : List.of(alice, bob)) {
            JsonNode shown = message(json(party, "status"), direct);
            assertEquals(SECRET + " subject", shown.get("subject").asText(), party::toString);
            assertEquals(SECRET, shown.get("body").asText());
            assertFalse(shown.get("private").asBoolean());
            assertTrue(ok(party.run("status")).out().contains(SECRET + " subject"));
        }
        assertEquals(
                SECRET,
                json(bob, "read", String.valueOf(direct))
                        .get("message")
                        .get("body")
                        .asText());
        assertEquals(
                SECRET,
                json(alice, "read", String.valueOf(direct))
                        .get("message")
                        .get("body")
                        .asText());
        assertFalse(json(bob, "inbox").get("messages").get(0).get("private").asBoolean());
    }

    @Test
    void aThirdSessionsBriefingAndRemindersCarryNoneOfIt() {
        Cli alice = shell("priv-hook", "/w/privhook/alice");
        Cli bob = shell("priv-hook", "/w/privhook/bob");
        Cli claude = shell("priv-hook", "/w/privhook/carol");
        register(alice, "demo");
        String b = register(bob, "demo");
        sent(alice, "--to", b, "--type", "blocker", "--subject", SECRET + " blocker", "--body", SECRET);

        Cli.Result start = claude.runWithStdin(
                payload("session-start", "priv-session", "/w/privhook/carol"), "hook", "--project", "demo");
        assertEquals(ExitCode.OK, start.code(), start::toString);
        String briefing =
                start.json().get("hookSpecificOutput").get("additionalContext").asText();
        assertTrue(briefing.contains("you are "), briefing);
        assertFalse(briefing.contains(SECRET), briefing);

        sent(alice, "--to", b, "--type", "warning", "--subject", SECRET + " later", "--body", SECRET);
        sent(alice, "--to", "@project:demo", "--type", "warning", "--subject", "everyone may see this");
        Cli.Result prompt = claude.runWithStdin(
                payload("user-prompt-submit", "priv-session", "/w/privhook/carol"), "hook", "--project", "demo");
        assertEquals(ExitCode.OK, prompt.code(), prompt::toString);
        String reminder =
                prompt.json().get("hookSpecificOutput").get("additionalContext").asText();
        assertTrue(reminder.contains("everyone may see this"), reminder);
        assertFalse(reminder.contains(SECRET), reminder);
    }

    private static JsonNode message(JsonNode doc, long id) {
        for (JsonNode m : doc.get("messages")) {
            if (m.get("id").asLong() == id) {
                return m;
            }
        }
        throw new AssertionError("#" + id + " not in " + doc);
    }
}

package io.clambake;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.clambake.domain.ExitCode;
import io.clambake.support.Cli;
import io.clambake.support.DatabaseTest;
import org.junit.jupiter.api.Test;

/** The seed's whole session protocol, for two instances in two directories on one machine. */
class SessionProtocolTest extends DatabaseTest {

    @Test
    void twoInstancesRunTheProtocolEndToEnd() {
        Cli a = shell("host1", "/work/alpha");
        Cli b = shell("host1", "/work/beta");
        String alpha = register(a, "demo");
        String beta = register(b, "demo");
        assertNotEquals(alpha, beta);

        Cli.Result empty = a.run("inbox");
        assertEquals(ExitCode.OK, empty.code(), empty::toString);
        assertEquals("no unread messages\n", empty.out());

        assertEquals(ExitCode.OK, a.run("recall", "--project", "demo").code());
        assertEquals(ExitCode.OK, a.run("recall", "--global", "--limit", "10").code());

        Cli.Result sent = a.run(
                "send",
                "--to",
                "@all",
                "--type",
                "warning",
                "--subject",
                "Restarting Docker",
                "--body",
                "Details here");
        assertEquals(ExitCode.OK, sent.code(), sent::toString);

        JsonNode inbox = b.run("inbox", "--json").json();
        assertEquals(1, inbox.get("messages").size());
        JsonNode message = inbox.get("messages").get(0);
        assertEquals(alpha, message.get("from").asText());
        assertEquals("warning", message.get("type").asText());
        assertEquals("Restarting Docker", message.get("subject").asText());
        assertEquals(
                0, a.run("inbox", "--json").json().get("messages").size(), "a sender does not get its own broadcast");

        Cli.Result read = b.run("read", message.get("id").asText());
        assertEquals(ExitCode.OK, read.code(), read::toString);
        assertTrue(read.out().contains("Details here"), read.out());
        assertEquals(0, b.run("inbox", "--json").json().get("unread").asInt());

        assertEquals(
                ExitCode.OK,
                a.run(
                                "remember",
                                "--project",
                                "demo",
                                "--type",
                                "gotcha",
                                "--title",
                                "Docker restart",
                                "--content",
                                "Restarting Docker drops every open connection")
                        .code());
        assertEquals(
                ExitCode.OK,
                a.run(
                                "remember",
                                "--global",
                                "--type",
                                "lesson",
                                "--title",
                                "Warn first",
                                "--content",
                                "Send a warning before touching shared services")
                        .code());
        JsonNode recalled = b.run("recall", "--project", "demo", "--json").json();
        assertEquals(
                "Docker restart", recalled.get("memories").get(0).get("title").asText());
        assertEquals(alpha, recalled.get("memories").get(0).get("author").asText());

        assertEquals(
                ExitCode.OK, a.run("heartbeat", "--task", "rebuilding images").code());
        assertEquals(
                ExitCode.OK,
                a.run("log", "--action", "rebuild", "--summary", "Rebuilt all images")
                        .code());
        Cli.Result status = b.run("status");
        assertEquals(ExitCode.OK, status.code(), status::toString);
        assertTrue(status.out().contains("rebuilding images"), status.out());
        assertTrue(status.out().contains("Rebuilt all images"), status.out());
        assertTrue(status.out().contains("Restarting Docker"), status.out());

        assertEquals(ExitCode.OK, a.run("deregister").code());
        assertEquals(ExitCode.NOT_REGISTERED, a.run("inbox").code());
        assertEquals(1, b.run("status", "--json").json().get("instances").size());
    }
}

package io.clambake;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.clambake.domain.ExitCode;
import io.clambake.support.Cli;
import io.clambake.support.DatabaseTest;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Who is calling: --as, then CLAMBAKE_INSTANCE, then this host's nearest registered directory. */
class IdentityTest extends DatabaseTest {

    @Test
    void asBeatsEnvironmentVariableWhichBeatsTheDirectory() {
        Cli x = shell("id-order", "/id/order/x");
        Cli y = shell("id-order", "/id/order/y");
        Cli z = shell("id-order", "/id/order/z");
        String xName = register(x, "order");
        String yName = register(y, "order");
        String zName = register(z, "order");

        assertEquals(xName, me(x));
        assertEquals(yName, me(x.with("CLAMBAKE_INSTANCE", yName)));
        assertEquals(zName, me(x.with("CLAMBAKE_INSTANCE", yName), "--as", zName));
        assertEquals(zName, me(x, "--as", zName));
        assertEquals(xName, me(x.with("CLAMBAKE_INSTANCE", "")), "an empty variable is no variable");

        // The resolved identity is the one that acts: a message sent as y comes from y.
        Cli.Result sent =
                x.with("CLAMBAKE_INSTANCE", yName).run("send", "--to", zName, "--subject", "from y", "--json");
        assertEquals(ExitCode.OK, sent.code(), sent::toString);
        assertEquals(yName, sent.json().get("message").get("from").asText());
        JsonNode inbox = z.run("inbox", "--json").json();
        assertEquals(yName, inbox.get("messages").get(0).get("from").asText());

        // An unregistered shell can act through --as too.
        Cli nowhere = shell("id-order", "/elsewhere");
        assertEquals(ExitCode.NOT_REGISTERED, nowhere.run("inbox").code());
        assertEquals(
                zName,
                nowhere.run("inbox", "--as", zName, "--json").json().get("me").asText());
    }

    @Test
    void nearestRegisteredAncestorWins() {
        Cli p = shell("id-tree", "/p");
        Cli sub = shell("id-tree", "/p/sub");
        String pName = register(p, "tree");
        String subName = register(sub, "tree");
        assertNotEquals(pName, subName);

        assertEquals(subName, me(sub.in("/p/sub/deep")));
        assertEquals(subName, me(sub.in("/p/sub/deep/deeper/")));
        assertEquals(subName, me(sub.in("/p/sub/deep/../")));
        assertEquals(pName, me(p.in("/p/other")));
        assertEquals(pName, me(p.in("/p/subway")), "a name prefix is not an ancestor");
        assertEquals(pName, me(p.in("/p")));
        assertEquals(null, me(p.in("/q")));
        assertEquals(null, me(p.in("/")));
        assertEquals(ExitCode.NOT_REGISTERED, p.in("/q").run("inbox").code());

        // Another host's registration of the same directories does not count here.
        assertEquals(null, me(shell("id-tree-other-host", "/p/sub/deep")));
    }

    @Test
    void twoDirectoriesOnOneHostAreTwoIdentities() {
        Cli one = shell("id-dirs", "/id/dirs/one");
        Cli two = shell("id-dirs", "/id/dirs/two");
        String first = register(one, "dirs");
        String second = register(two, "dirs");
        assertNotEquals(first, second);
        assertEquals(first, me(one));
        assertEquals(second, me(two));

        assertEquals(ExitCode.OK, one.run("heartbeat", "--task", "task one").code());
        assertEquals(ExitCode.OK, two.run("heartbeat", "--task", "task two").code());
        JsonNode status = one.run("status", "--project", "dirs", "--json").json();
        assertEquals(2, status.get("instances").size());
        for (JsonNode i : status.get("instances")) {
            assertEquals(
                    i.get("name").asText().equals(first) ? "task one" : "task two",
                    i.get("task").asText());
        }
    }

    @Test
    void oneDirectoryOnTwoHostsIsTwoIdentities() {
        Cli here = shell("id-host-a", "/id/shared");
        Cli there = shell("id-host-b", "/id/shared");
        JsonNode a = here.run("register", "--project", "hosts", "--json").json();
        JsonNode b = there.run("register", "--project", "hosts", "--json").json();
        assertEquals(false, a.get("revived").asBoolean());
        assertEquals(false, b.get("revived").asBoolean(), "another host's registration is not revived");
        String aName = a.get("instance").get("name").asText();
        String bName = b.get("instance").get("name").asText();
        assertNotEquals(aName, bName);
        assertEquals("id-host-a", a.get("instance").get("host").asText());
        assertEquals("id-host-b", b.get("instance").get("host").asText());
        assertEquals(aName, me(here));
        assertEquals(bName, me(there));

        assertEquals(
                ExitCode.OK,
                here.run("send", "--to", bName, "--subject", "across hosts").code());
        assertEquals(1, there.run("inbox", "--json").json().get("unread").asInt());
        assertEquals(0, here.run("inbox", "--json").json().get("unread").asInt());
    }

    @Test
    void unknownOrDepartedNamesAreRejected() {
        Cli x = shell("id-errors", "/id/errors/x");
        Cli y = shell("id-errors", "/id/errors/y");
        String xName = register(x, "errors");
        String yName = register(y, "errors");

        Cli.Result unknown = x.run("inbox", "--as", "no-such-instance");
        assertEquals(ExitCode.NOT_FOUND, unknown.code(), unknown::toString);
        assertTrue(unknown.err().contains("no-such-instance"), unknown.err());
        Cli.Result unknownEnv = x.with("CLAMBAKE_INSTANCE", "no-such-instance").run("status");
        assertEquals(ExitCode.NOT_FOUND, unknownEnv.code(), unknownEnv::toString);
        assertEquals(
                ExitCode.NOT_FOUND,
                x.with("CLAMBAKE_INSTANCE", "no-such-instance").run("recall").code());

        assertEquals(ExitCode.OK, y.run("deregister").code());
        Cli.Result departed = x.with("CLAMBAKE_INSTANCE", yName).run("inbox");
        assertEquals(ExitCode.NOT_REGISTERED, departed.code(), departed::toString);
        assertTrue(departed.err().contains(yName) && departed.err().contains("register"), departed.err());
        assertEquals(
                ExitCode.NOT_REGISTERED,
                x.run("send", "--as", yName, "--to", xName, "--subject", "ghost")
                        .code());
        assertEquals(0, x.run("inbox", "--json").json().get("unread").asInt());
        assertEquals(ExitCode.NOT_REGISTERED, y.run("heartbeat").code());
        // Verbs anyone may run still work, as nobody.
        JsonNode status =
                x.with("CLAMBAKE_INSTANCE", yName).run("status", "--json").json();
        assertTrue(status.get("me").isNull(), status.toString());
    }

    @Test
    void everyVerbOfARegisteredInstanceRefreshesLastSeen() throws Exception {
        Cli x = shell("id-seen", "/id/seen/x");
        Cli other = shell("id-seen", "/id/seen/other");
        String name = register(x, "seen");
        register(other, "seen");
        for (List<String> verb : List.of(
                List.of("recall"),
                List.of("status"),
                List.of("inbox"),
                List.of("cleanup", "--stale-after", "7d"),
                List.of("recall", "--global"),
                List.of("heartbeat"))) {
            setLastSeenHoursAgo(name, 2);
            OffsetDateTime before = lastSeen(name);
            Cli.Result r = x.run(verb.toArray(String[]::new));
            assertEquals(ExitCode.OK, r.code(), r::toString);
            OffsetDateTime after = lastSeen(name);
            assertTrue(
                    Duration.between(before, after).toMinutes() >= 119,
                    verb + " moved last_seen from " + before + " to " + after);
        }
        // Through --as and CLAMBAKE_INSTANCE as well.
        setLastSeenHoursAgo(name, 2);
        OffsetDateTime before = lastSeen(name);
        assertEquals(ExitCode.OK, other.run("status", "--as", name).code());
        assertTrue(lastSeen(name).isAfter(before.plusMinutes(119)));
        setLastSeenHoursAgo(name, 2);
        assertEquals(
                ExitCode.OK, other.with("CLAMBAKE_INSTANCE", name).run("recall").code());
        assertTrue(lastSeen(name).isAfter(before.plusMinutes(119)));

        // Someone else's command does not refresh it.
        setLastSeenHoursAgo(name, 2);
        OffsetDateTime stale = lastSeen(name);
        assertEquals(ExitCode.OK, other.run("status").code());
        assertEquals(stale, lastSeen(name));
    }

    private static String me(Cli shell, String... extra) {
        String[] args = new String[2 + extra.length];
        args[0] = "status";
        args[1] = "--json";
        System.arraycopy(extra, 0, args, 2, extra.length);
        Cli.Result r = shell.run(args);
        assertEquals(ExitCode.OK, r.code(), r::toString);
        JsonNode me = r.json().get("me");
        return me.isNull() ? null : me.asText();
    }

    private OffsetDateTime lastSeen(String name) throws SQLException {
        try (Connection c = db.connect("clambake");
                PreparedStatement ps = c.prepareStatement("SELECT last_seen FROM instances WHERE name = ?")) {
            ps.setString(1, name);
            try (ResultSet rs = ps.executeQuery()) {
                assertTrue(rs.next());
                return rs.getObject(1, OffsetDateTime.class);
            }
        }
    }
}

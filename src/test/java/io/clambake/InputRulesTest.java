package io.clambake;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.clambake.domain.ExitCode;
import io.clambake.support.Cli;
import io.clambake.support.DatabaseTest;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The command line's input rules: a verb is needed, an unknown verb or option is a usage error,
 * and empty or oversized input is refused before anything is written.
 */
class InputRulesTest extends DatabaseTest {

    @Test
    void withoutAVerbTheUsageIsPrinted() {
        Cli a = shell("usage", "/w/usage");
        Cli.Result none = a.run();
        assertEquals(ExitCode.USAGE, none.code(), none::toString);
        assertTrue(none.err().contains("register"), none.err());
        Cli.Result help = a.run("--help");
        assertEquals(ExitCode.OK, help.code(), help::toString);
        assertTrue(help.out().contains("cleanup"), help.out());
        assertEquals(ExitCode.USAGE, a.run("no-such-verb").code());
        assertEquals(ExitCode.USAGE, a.run("inbox", "--no-such-option").code());
    }

    @Test
    void oversizedOrEmptyInputIsRejectedAndWritesNothing() throws Exception {
        Cli a = shell("limits", "/w/limits/a");
        Cli b = shell("limits", "/w/limits/b");
        register(a, "lim-proj");
        String beta = register(b, "lim-proj");
        long messages = count("SELECT count(*) FROM messages");
        long log = count("SELECT count(*) FROM action_log");

        List<String[]> bad = new ArrayList<>();
        bad.add(new String[] {"send", "--to", beta, "--subject", ""});
        bad.add(new String[] {"send", "--to", beta, "--subject", "   "});
        bad.add(new String[] {"send", "--to", beta, "--subject", "s".repeat(201)});
        bad.add(new String[] {"send", "--to", beta, "--subject", "ok", "--body", "b".repeat(65_537)});
        bad.add(new String[] {"send", "--to", "@all", "--subject", "s".repeat(201)});
        bad.add(new String[] {"send", "--to", beta});
        for (String[] args : bad) {
            Cli.Result r = a.run(args);
            assertEquals(
                    ExitCode.USAGE,
                    r.code(),
                    () -> String.join(" ", args)
                                    .substring(
                                            0,
                                            Math.min(80, String.join(" ", args).length())) + ": " + r);
            assertTrue(r.err().startsWith("clambake send: "), r.err());
            JsonNode error = a.run(withJson(args)).json().get("error");
            assertEquals(ExitCode.USAGE, error.get("exit_code").asInt());
        }
        Cli.Result fromStdin =
                a.runWithStdin("b".repeat(65_537), "send", "--to", beta, "--subject", "ok", "--body", "-");
        assertEquals(ExitCode.USAGE, fromStdin.code(), fromStdin::toString);
        assertEquals(messages, count("SELECT count(*) FROM messages"));
        assertEquals(log, count("SELECT count(*) FROM action_log"));
        assertEquals(0, json(b, "inbox").get("unread").asInt());

        ok(a.run("send", "--to", beta, "--subject", "s".repeat(200), "--body", "b".repeat(65_536)));
        JsonNode got = json(b, "inbox").get("messages").get(0);
        assertEquals(200, got.get("subject").asText().length());
        assertEquals(65_536, got.get("body").asText().length());
    }
}

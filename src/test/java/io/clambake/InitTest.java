package io.clambake;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.clambake.claude.ClaudeCodeFiles;
import io.clambake.domain.ExitCode;
import io.clambake.support.Cli;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** `clambake init`: merged into the user's files, idempotent, and a dry run writes nothing. */
class InitTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String LAUNCHER = "/opt/java/bin/java -jar /opt/clambake/clambake.jar";
    private static final String HOOK = LAUNCHER + " hook --project shop";

    @TempDir
    Path temp;

    @Test
    void thisRepositorysClaudeMdCarriesTheSectionInitWrites() throws IOException {
        String claudeMd = Files.readString(Path.of("CLAUDE.md"));
        assertTrue(
                claudeMd.contains(ClaudeCodeFiles.section()),
                "CLAUDE.md's Clambake section must be the text of src/main/resources/io/clambake/claude/protocol.md");
    }

    @Test
    void setsARepositoryUpKeepingTheUsersContentAndASecondRunChangesNothing() throws Exception {
        Path repo = repository("shop");
        Files.writeString(repo.resolve("CLAUDE.md"), "# Shop\n\nUse tabs.\n");
        Files.writeString(repo.resolve(".claude/settings.json"), """
                {"permissions": {"allow": ["Bash(npm test)"]},
                 "hooks": {"PostToolUse": [{"matcher": "Write|Edit",
                                            "hooks": [{"type": "command", "command": "prettier --write"}]}]}}
                """);
        Cli cli = new Cli(Map.of(), repo);

        Cli.Result first = cli.run("init", "--launcher", LAUNCHER);
        Map<String, String> afterFirst = files(repo);
        Cli.Result second = cli.run("init", "--launcher", LAUNCHER);

        assertEquals(ExitCode.OK, first.code(), first::toString);
        assertEquals("updated: CLAUDE.md\nupdated: .claude/settings.json\ncreated: .mcp.json\n", first.out());
        assertEquals(ExitCode.OK, second.code(), second::toString);
        assertEquals("unchanged: CLAUDE.md\nunchanged: .claude/settings.json\nunchanged: .mcp.json\n", second.out());
        assertEquals(afterFirst, files(repo), "the second run wrote nothing");

        String claudeMd = afterFirst.get("CLAUDE.md");
        assertTrue(claudeMd.startsWith("# Shop\n\nUse tabs.\n\n<!-- clambake:begin -->\n"), claudeMd);
        assertTrue(claudeMd.endsWith("<!-- clambake:end -->\n"), claudeMd);
        JsonNode settings = JSON.readTree(afterFirst.get(".claude/settings.json"));
        assertEquals(List.of("Bash(npm test)", "mcp__clambake"), strings(settings.at("/permissions/allow")));
        assertEquals(
                "prettier --write",
                settings.at("/hooks/PostToolUse/0/hooks/0/command").asText());
        for (String event : List.of("SessionStart", "UserPromptSubmit", "PostToolUse", "SessionEnd", "Stop")) {
            assertEquals(List.of(HOOK), ourCommands(settings, event), event);
        }
        assertEquals(10, settings.at("/hooks/SessionStart/0/hooks/0/timeout").asInt());
        assertFalse(settings.at("/hooks/SessionStart/0/hooks/0").has("asyncRewake"));
        // The Stop hook waits in the background for mail, and wakes the idle agent with it.
        assertTrue(settings.at("/hooks/Stop/0/hooks/0/asyncRewake").asBoolean());
        assertEquals(3600, settings.at("/hooks/Stop/0/hooks/0/timeout").asInt());
        JsonNode server = JSON.readTree(afterFirst.get(".mcp.json")).at("/mcpServers/clambake");
        assertEquals("stdio", server.get("type").asText());
        assertEquals("/opt/java/bin/java", server.get("command").asText());
        assertEquals(
                List.of("-jar", "/opt/clambake/clambake.jar", "mcp", "--project", "shop"), strings(server.get("args")));
    }

    @Test
    void updatesItsOwnEntriesInPlaceAndLeavesOthersAlone() throws Exception {
        Path repo = repository("shop");
        Files.writeString(
                repo.resolve("CLAUDE.md"),
                "intro\n\n<!-- clambake:begin -->\nold text\n<!-- clambake:end -->\n\nmore of mine\n");
        Files.writeString(repo.resolve(".claude/settings.json"), """
                {"hooks": {"SessionStart": [{"hooks": [
                    {"type": "command", "command": "echo hello"},
                    {"type": "command", "command": "java -jar /old/place/clambake.jar hook", "timeout": 60}]}]}}
                """);
        Files.writeString(repo.resolve(".mcp.json"), """
                {"mcpServers": {"github": {"command": "gh-mcp"},
                                "clambake": {"command": "java", "args": ["-jar", "/old/clambake.jar", "mcp"],
                                             "env": {"CLAMBAKE_SCHEMA": "team"}}}}
                """);

        Cli.Result init = new Cli(Map.of(), repo).run("init", "--launcher", LAUNCHER, "--project", "shop");

        assertEquals(ExitCode.OK, init.code(), init::toString);
        String claudeMd = Files.readString(repo.resolve("CLAUDE.md"));
        assertTrue(claudeMd.startsWith("intro\n\n<!-- clambake:begin -->\n## Coordination"), claudeMd);
        assertTrue(claudeMd.endsWith("<!-- clambake:end -->\n\nmore of mine\n"), claudeMd);
        assertFalse(claudeMd.contains("old text"), claudeMd);
        JsonNode sessionStart =
                JSON.readTree(repo.resolve(".claude/settings.json").toFile()).at("/hooks/SessionStart");
        assertEquals(1, sessionStart.size());
        assertEquals("echo hello", sessionStart.at("/0/hooks/0/command").asText());
        assertEquals(HOOK, sessionStart.at("/0/hooks/1/command").asText());
        assertEquals(10, sessionStart.at("/0/hooks/1/timeout").asInt());
        JsonNode servers = JSON.readTree(repo.resolve(".mcp.json").toFile()).get("mcpServers");
        assertEquals("gh-mcp", servers.at("/github/command").asText());
        assertEquals(
                "team", servers.at("/clambake/env/CLAMBAKE_SCHEMA").asText(), "the user's env for the server stays");
        assertEquals(
                "/opt/clambake/clambake.jar", servers.at("/clambake/args/1").asText());
    }

    @Test
    void aDryRunPrintsTheDiffAndWritesNothing() throws Exception {
        Path repo = repository("shop");
        Files.writeString(repo.resolve("CLAUDE.md"), "# Shop\n");

        Cli.Result dry = new Cli(Map.of(), repo).run("init", "--launcher", LAUNCHER, "--dry-run");

        assertEquals(ExitCode.OK, dry.code(), dry::toString);
        assertEquals(Map.of("CLAUDE.md", "# Shop\n"), files(repo));
        assertTrue(dry.out().contains("--- a/CLAUDE.md\n+++ b/CLAUDE.md\n@@ -1,1 +1,"), dry.out());
        assertTrue(dry.out().contains("\n+<!-- clambake:begin -->\n"), dry.out());
        assertTrue(dry.out().contains("--- /dev/null\n+++ b/.mcp.json\n@@ -0,0 +1,"), dry.out());
        assertTrue(dry.out().contains("+            \"command\": \"" + HOOK + "\","), dry.out());
        assertTrue(
                dry.out()
                        .endsWith("would be updated: CLAUDE.md\nwould be created: .claude/settings.json\n"
                                + "would be created: .mcp.json\n"),
                dry.out());
    }

    @Test
    void globalWritesTheUserLevelFilesWithoutAProject() throws Exception {
        Path home = Files.createDirectories(temp.resolve("home"));
        Files.writeString(home.resolve(".claude.json"), """
                {"numStartups": 7, "projects": {"/home/me/shop": {"allowedTools": []}}}
                """);
        Cli cli = new Cli(Map.of(), Files.createDirectories(temp.resolve("anywhere"))).home(home);

        Cli.Result init = cli.run("init", "--global", "--launcher", LAUNCHER);
        Cli.Result again = cli.run("init", "--global", "--launcher", LAUNCHER, "--json");

        assertEquals(ExitCode.OK, init.code(), init::toString);
        JsonNode settings = JSON.readTree(home.resolve(".claude/settings.json").toFile());
        assertEquals(List.of(LAUNCHER + " hook"), ourCommands(settings, "UserPromptSubmit"));
        assertEquals(List.of("mcp__clambake"), strings(settings.at("/permissions/allow")));
        assertTrue(Files.readString(home.resolve(".claude/CLAUDE.md")).startsWith("<!-- clambake:begin -->"));
        JsonNode userConfig = JSON.readTree(home.resolve(".claude.json").toFile());
        assertEquals(7, userConfig.get("numStartups").asInt());
        assertTrue(userConfig.at("/projects/~1home~1me~1shop/allowedTools").isArray());
        assertEquals(
                List.of("-jar", "/opt/clambake/clambake.jar", "mcp"),
                strings(userConfig.at("/mcpServers/clambake/args")));
        assertEquals(ExitCode.OK, again.code(), again::toString);
        for (JsonNode file : again.json().get("files")) {
            assertEquals("unchanged", file.get("action").asText(), file.toString());
        }
        assertFalse(again.json().get("dry_run").asBoolean());
    }

    @Test
    void aSettingsFileItCannotParseIsLeftAloneWithAClearError() throws Exception {
        Path repo = repository("shop");
        Path settings = repo.resolve(".claude/settings.json");
        Files.writeString(settings, "{\"hooks\": [broken");

        Cli.Result init = new Cli(Map.of(), repo).run("init", "--launcher", LAUNCHER);

        assertEquals(ExitCode.USAGE, init.code(), init::toString);
        assertEquals(
                "clambake init: cannot parse " + settings + ": line 1, column 12: unexpected 'broken' where a value"
                        + " should be; fix it and run init again. No file was changed.\n",
                init.err());
        assertEquals(Map.of(".claude/settings.json", "{\"hooks\": [broken"), files(repo), "nothing written at all");
    }

    @Test
    void aBrokenJsonFileIsNamedWithItsLineInPlainWords() throws Exception {
        Path repo = repository("shop");
        Path settings = repo.resolve(".claude/settings.json");
        Path mcp = repo.resolve(".mcp.json");
        Map<String, String> cases = new LinkedHashMap<>();
        cases.put(
                "{\n  \"a\": 1,\n}\n",
                "line 3, column 1: unexpected '}' where a property name in double quotes should be");
        cases.put("{\n  \"a\": 1\n  \"b\": 2\n}\n", "line 3, column 3: unexpected '\"' where a comma should be");
        cases.put("{\"a\": [1, 2}", "line 1, column 12: unexpected '}' where ']' should be");
        cases.put("{\"a\": {\"b\": 1}\n", "the text ends before the JSON does (a closing '\"', '}' or ']' is missing)");
        cases.put("[1, 2]", "is not a JSON object ({...})");
        for (var c : cases.entrySet()) {
            for (Path broken : List.of(settings, mcp)) {
                Files.deleteIfExists(settings);
                Files.deleteIfExists(mcp);
                Files.writeString(broken, c.getKey());

                Cli.Result init = new Cli(Map.of(), repo).run("init", "--launcher", LAUNCHER, "--json");

                assertEquals(ExitCode.USAGE, init.code(), init::toString);
                assertEquals(1, init.err().lines().count(), init.err());
                assertTrue(init.err().contains(broken.toString()), init.err());
                assertTrue(init.err().contains(c.getValue()), init.err());
                for (String internal : List.of("code 125", "Source", "REDACTED", "Exception", "JsonToken", "marker")) {
                    assertFalse(init.err().contains(internal), init.err());
                }
                assertEquals(
                        init.err().strip().replaceFirst("^clambake init: ", ""),
                        init.json().at("/error/message").asText());
                assertEquals(Map.of(repo.relativize(broken).toString(), c.getKey()), files(repo));
            }
        }
    }

    @Test
    void claudeMdMarkersThatDoNotPairUpAreRefusedAndNothingIsWritten() throws Exception {
        String begin = "<!-- clambake:begin -->";
        String end = "<!-- clambake:end -->";
        Map<String, String> cases = new LinkedHashMap<>();
        cases.put(
                "# Mine\n" + begin + "\nold section\n\nmy notes, not Clambake's\n",
                begin + " on line 2 has no " + end + " after it");
        cases.put("# Mine\n\n" + end + "\nmy notes\n", end + " on line 3 has no " + begin + " before it");
        cases.put(
                "# Mine\n" + end + "\nmine\n" + begin + "\n", end + " on line 2 comes before " + begin + " on line 4");
        cases.put(
                begin + "\na\n" + end + "\nmine\n" + begin + "\nb\n" + end + "\n",
                "has " + begin + " on lines 1, 5 and " + end + " on lines 3, 7: Clambake's section must appear once");
        cases.put(
                begin + "\n" + begin + "\n" + end + "\n", "has " + begin + " on lines 1, 2 and " + end + " on line 3");
        cases.put(end + "\nmine\n" + end + "\n", "has " + begin + " nowhere and " + end + " on lines 1, 3");
        int n = 0;
        for (var c : cases.entrySet()) {
            Path repo = repository("markers-" + n++);
            Path claudeMd = repo.resolve("CLAUDE.md");
            Files.writeString(claudeMd, c.getKey());

            Cli.Result first = new Cli(Map.of(), repo).run("init", "--launcher", LAUNCHER);
            Cli.Result second = new Cli(Map.of(), repo).run("init", "--launcher", LAUNCHER);

            for (Cli.Result init : List.of(first, second)) {
                assertEquals(ExitCode.USAGE, init.code(), init::toString);
                assertEquals(1, init.err().lines().count(), init.err());
                assertTrue(init.err().startsWith("clambake init: " + claudeMd + " " + c.getValue()), init.err());
                assertTrue(init.err().strip().endsWith("No file was changed."), init.err());
            }
            assertEquals(Map.of("CLAUDE.md", c.getKey()), files(repo), "nothing written at all");
        }
    }

    @Test
    void theMcpToolsAreAllowedOnceAndTheUsersRulesStay() throws Exception {
        Path repo = repository("shop");
        Path settings = repo.resolve(".claude/settings.json");
        Files.writeString(settings, """
                {"permissions": {"allow": ["Bash(npm test)"], "deny": ["Bash(rm -rf *)"]}}
                """);
        Cli cli = new Cli(Map.of(), repo);

        ok(cli.run("init", "--launcher", LAUNCHER));
        JsonNode permissions = JSON.readTree(settings.toFile()).get("permissions");
        ok(cli.run("init", "--launcher", LAUNCHER, "--project", "other"));

        assertEquals(List.of("Bash(npm test)", "mcp__clambake"), strings(permissions.get("allow")));
        assertEquals(List.of("Bash(rm -rf *)"), strings(permissions.get("deny")));
        assertEquals(permissions, JSON.readTree(settings.toFile()).get("permissions"), "no second rule on rerun");

        Files.writeString(settings, """
                {"permissions": {"allow": ["mcp__clambake__*"]}}
                """);
        ok(cli.run("init", "--launcher", LAUNCHER));
        assertEquals(
                List.of("mcp__clambake__*"),
                strings(JSON.readTree(settings.toFile()).at("/permissions/allow")),
                "a rule for the whole server is there already");

        Files.writeString(settings, """
                {"permissions": {"allow": "mcp__clambake"}}
                """);
        Cli.Result notAList = cli.run("init", "--launcher", LAUNCHER);
        assertEquals(ExitCode.USAGE, notAList.code(), notAList::toString);
        assertTrue(notAList.err().contains(settings + ": \"allow\" is not an array"), notAList.err());
    }

    private static Cli.Result ok(Cli.Result result) {
        assertEquals(ExitCode.OK, result.code(), result::toString);
        return result;
    }

    private Path repository(String name) throws IOException {
        Path repo = temp.resolve(name);
        Files.createDirectories(repo.resolve(".git"));
        Files.createDirectories(repo.resolve(".claude"));
        return repo;
    }

    /** Every file under the repository but .git, by relative path. */
    private static Map<String, String> files(Path repo) throws IOException {
        Map<String, String> files = new TreeMap<>();
        try (Stream<Path> walk = Files.walk(repo)) {
            for (Path p : walk.filter(Files::isRegularFile).toList()) {
                files.put(repo.relativize(p).toString(), Files.readString(p));
            }
        }
        return files;
    }

    private static List<String> ourCommands(JsonNode settings, String event) {
        List<String> commands = new ArrayList<>();
        for (JsonNode group : settings.at("/hooks/" + event)) {
            for (JsonNode handler : group.get("hooks")) {
                if (handler.get("command").asText().contains("clambake")) {
                    commands.add(handler.get("command").asText());
                }
            }
        }
        return commands;
    }

    private static List<String> strings(JsonNode array) {
        List<String> values = new ArrayList<>();
        array.forEach(v -> values.add(v.asText()));
        return values;
    }
}

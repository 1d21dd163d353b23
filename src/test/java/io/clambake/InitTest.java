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
        assertEquals("Bash(npm test)", settings.at("/permissions/allow/0").asText());
        assertEquals(
                "prettier --write",
                settings.at("/hooks/PostToolUse/0/hooks/0/command").asText());
        for (String event : List.of("SessionStart", "UserPromptSubmit", "PostToolUse", "SessionEnd")) {
            assertEquals(List.of(HOOK), ourCommands(settings, event), event);
        }
        assertEquals(10, settings.at("/hooks/SessionStart/0/hooks/0/timeout").asInt());
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
        Files.writeString(repo.resolve(".claude/settings.json"), "{\"hooks\": [broken");

        Cli.Result init = new Cli(Map.of(), repo).run("init", "--launcher", LAUNCHER);

        assertEquals(ExitCode.USAGE, init.code(), init::toString);
        assertTrue(init.err().startsWith("clambake init: cannot parse settings.json"), init.err());
        assertEquals(Map.of(".claude/settings.json", "{\"hooks\": [broken"), files(repo), "nothing written at all");
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

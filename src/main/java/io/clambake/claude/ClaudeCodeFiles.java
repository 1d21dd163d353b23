package io.clambake.claude;

import io.clambake.domain.ClambakeException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.regex.Pattern;
import tools.jackson.core.JacksonException;
import tools.jackson.core.exc.UnexpectedEndOfInputException;
import tools.jackson.core.util.DefaultIndenter;
import tools.jackson.core.util.DefaultPrettyPrinter;
import tools.jackson.core.util.Separators;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Clambake's parts of Claude Code's files, merged into what a user has: a marked section of
 * CLAUDE.md, command hooks in settings.json, and an MCP server entry. Each merge is a pure
 * function of the old text, returns the old text itself when nothing needs to change (so a
 * second run rewrites nothing, not even formatting), and refuses input it cannot parse rather
 * than overwrite it.
 */
public final class ClaudeCodeFiles {
    public static final String BEGIN = "<!-- clambake:begin -->";
    public static final String END = "<!-- clambake:end -->";

    public static final String MCP_SERVER = "clambake";

    /** Claude Code's permission rule for every tool of the MCP server {@link #MCP_SERVER}. */
    public static final String ALLOW_TOOLS = "mcp__" + MCP_SERVER;

    /** A command handler that runs {@code clambake ... hook}, however the launcher is spelled. */
    private static final Pattern OUR_HOOK = Pattern.compile("(^|[/\\s'\"])clambake\\S*\\s+hook(\\s|$)");

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private ClaudeCodeFiles() {}

    /** The CLAUDE.md section: the protocol between Clambake's markers. */
    public static String section() {
        return BEGIN + "\n" + Protocol.text() + END;
    }

    /**
     * CLAUDE.md ({@code what} names it in errors) with the section replaced between its markers,
     * or appended after the user's text when it has none. Markers that do not pair up (a begin
     * without an end, an end first, two sections) are refused: guessing where the section ends
     * could delete the user's text.
     */
    public static String withSection(String existing, String section, String what) {
        String text = existing == null ? "" : existing;
        List<Integer> begins = lines(text, BEGIN);
        List<Integer> ends = lines(text, END);
        if (begins.isEmpty() && ends.isEmpty()) {
            return text.isBlank() ? section + "\n" : text.stripTrailing() + "\n\n" + section + "\n";
        }
        int begin = text.indexOf(BEGIN);
        int end = text.indexOf(END);
        if (begins.size() == 1 && ends.size() == 1 && begin < end) {
            return text.substring(0, begin) + section + text.substring(end + END.length());
        }
        String problem;
        if (begins.size() > 1 || ends.size() > 1) {
            problem = "has " + BEGIN + where(begins) + " and " + END + where(ends)
                    + ": Clambake's section must appear once";
        } else if (ends.isEmpty()) {
            problem = BEGIN + " on line " + begins.get(0) + " has no " + END + " after it";
        } else if (begins.isEmpty()) {
            problem = END + " on line " + ends.get(0) + " has no " + BEGIN + " before it";
        } else {
            problem = END + " on line " + ends.get(0) + " comes before " + BEGIN + " on line " + begins.get(0);
        }
        throw ClambakeException.invalid(what + " " + problem
                + "; leave one begin marker followed by one end marker (or none), then run init again."
                + " No file was changed.");
    }

    /** The 1-based numbers of the lines of {@code text} that contain {@code marker}. */
    private static List<Integer> lines(String text, String marker) {
        List<Integer> found = new ArrayList<>();
        List<String> lines = text.lines().toList();
        for (int i = 0; i < lines.size(); i++) {
            for (int at = lines.get(i).indexOf(marker);
                    at >= 0;
                    at = lines.get(i).indexOf(marker, at + 1)) {
                found.add(i + 1);
            }
        }
        return found;
    }

    private static String where(List<Integer> lines) {
        if (lines.isEmpty()) {
            return " nowhere";
        }
        return (lines.size() == 1 ? " on line " : " on lines ")
                + String.join(", ", lines.stream().map(String::valueOf).toList());
    }

    /**
     * settings.json with one command handler per hook event running {@code command}, and the
     * permission rule that lets the agent call Clambake's MCP tools without asking. A handler of
     * Clambake's already there is updated in place; the user's hooks, rules and settings stay as
     * they are.
     */
    public static String withHooks(String existing, String what, String command) {
        ObjectNode root = parse(existing, what);
        ObjectNode updated = root.deepCopy();
        allowTools(updated, what);
        ObjectNode hooks = object(updated, "hooks", what);
        for (HookEvent event : HookEvent.values()) {
            ArrayNode groups = array(hooks, event.label(), what);
            ObjectNode handler = JSON.createObjectNode()
                    .put("type", "command")
                    .put("command", command)
                    .put("timeout", event.timeoutSeconds());
            if (event.rewakes()) {
                handler.put("asyncRewake", true);
            }
            boolean placed = false;
            for (Iterator<JsonNode> g = groups.iterator(); g.hasNext(); ) {
                JsonNode group = g.next();
                if (!(group.get("hooks") instanceof ArrayNode handlers)) {
                    continue;
                }
                for (int i = handlers.size() - 1; i >= 0; i--) {
                    if (isOurs(handlers.get(i))) {
                        handlers.remove(i);
                        if (!placed) {
                            handlers.insert(i, handler);
                            placed = true;
                        }
                    }
                }
                if (handlers.isEmpty()) {
                    g.remove();
                }
            }
            if (!placed) {
                ObjectNode group = groups.addObject();
                if (event.matcher() != null) {
                    group.put("matcher", event.matcher());
                }
                group.set("hooks", JSON.createArrayNode().add(handler));
            }
        }
        return render(existing, root, updated);
    }

    /** An MCP config ({@code .mcp.json}, {@code ~/.claude.json}) with Clambake's stdio server; other fields of its entry stay. */
    public static String withMcpServer(String existing, String what, String command, List<String> args) {
        ObjectNode root = parse(existing, what);
        ObjectNode updated = root.deepCopy();
        ObjectNode server = object(object(updated, "mcpServers", what), MCP_SERVER, what);
        server.put("type", "stdio");
        server.put("command", command);
        ArrayNode arguments = server.putArray("args");
        args.forEach(arguments::add);
        return render(existing, root, updated);
    }

    /**
     * Adds {@code mcp__clambake} (every tool of the server) to permissions.allow unless a rule for
     * the whole server is there already. Claude Code honours it in a folder the user has trusted.
     */
    private static void allowTools(ObjectNode settings, String what) {
        ArrayNode allow = array(object(settings, "permissions", what), "allow", what);
        for (JsonNode rule : allow) {
            if (rule.isString() && List.of(ALLOW_TOOLS, ALLOW_TOOLS + "__*").contains(rule.asString())) {
                return;
            }
        }
        allow.add(ALLOW_TOOLS);
    }

    static boolean isOurs(JsonNode handler) {
        return handler.path("command").isString()
                && OUR_HOOK.matcher(handler.path("command").asString()).find();
    }

    private static ObjectNode parse(String text, String what) {
        if (text == null || text.isBlank()) {
            return JSON.createObjectNode();
        }
        try {
            if (JSON.readTree(text) instanceof ObjectNode object) {
                return object;
            }
        } catch (JacksonException e) {
            var at = e.getLocation();
            String problem = JsonProblem.describe(
                    e.getOriginalMessage(),
                    at == null ? 0 : at.getLineNr(),
                    at == null ? 0 : at.getColumnNr(),
                    e instanceof UnexpectedEndOfInputException);
            throw ClambakeException.invalid(
                    "cannot parse " + what + ": " + problem + "; fix it and run init again. No file was changed.");
        }
        throw ClambakeException.invalid(
                what + " is not a JSON object ({...}); fix it and run init again. No file was changed.");
    }

    private static ObjectNode object(ObjectNode parent, String field, String what) {
        JsonNode node = parent.get(field);
        if (node == null) {
            return parent.putObject(field);
        }
        if (node instanceof ObjectNode object) {
            return object;
        }
        throw ClambakeException.invalid(
                what + ": \"" + field + "\" is not an object ({...}); fix it and run init again. No file was changed.");
    }

    private static ArrayNode array(ObjectNode parent, String field, String what) {
        JsonNode node = parent.get(field);
        if (node == null) {
            return parent.putArray(field);
        }
        if (node instanceof ArrayNode array) {
            return array;
        }
        throw ClambakeException.invalid(
                what + ": \"" + field + "\" is not an array ([...]); fix it and run init again. No file was changed.");
    }

    /** The old text when the tree did not change; else the tree laid out as JSON.stringify(x, null, 2) would. */
    private static String render(String existing, ObjectNode before, ObjectNode after) {
        if (existing != null && !existing.isBlank() && before.equals(after)) {
            return existing;
        }
        DefaultIndenter indenter = new DefaultIndenter("  ", "\n");
        DefaultPrettyPrinter printer = new DefaultPrettyPrinter(Separators.createDefaultInstance()
                        .withObjectNameValueSpacing(Separators.Spacing.AFTER)
                        .withObjectEmptySeparator("")
                        .withArrayEmptySeparator(""))
                .withObjectIndenter(indenter)
                .withArrayIndenter(indenter);
        return JSON.writer().with(printer).writeValueAsString(after) + "\n";
    }
}

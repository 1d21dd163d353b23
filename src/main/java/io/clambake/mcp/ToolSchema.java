package io.clambake.mcp;

import io.clambake.domain.ClambakeException;
import io.clambake.domain.Rules;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

/**
 * A verb seen as an MCP tool, read from the verb's picocli model so the two cannot drift apart:
 * the description, one JSON-schema property per option (named like the option without its
 * leading dashes, snake_case as in the JSON documents: {@code to}, {@code subject},
 * {@code stale_after}, {@code idempotency_key}) and per positional parameter, and
 * the way back from tool arguments to the verb's command line. The server checks arguments
 * here, not with the SDK's schema validator, so that a bad one is answered with the command
 * line's error document.
 */
public record ToolSchema(
        String verb, String description, Map<String, Object> inputSchema, Map<String, ArgSpec> params) {
    /**
     * Options the server sets itself, or that make no sense for a tool: a tool call that blocks
     * for minutes ({@code --wait}) would hold up the agent that made it, which the Stop hook wakes anyway.
     */
    private static final Set<String> HIDDEN =
            Set.of("--json", "--db-url", "--as", "--debug", "--help", "--version", "--wait");

    public static ToolSchema of(CommandSpec spec) {
        Map<String, Object> properties = new LinkedHashMap<>();
        List<String> required = new ArrayList<>();
        Map<String, ArgSpec> params = new LinkedHashMap<>();
        for (PositionalParamSpec p : spec.positionalParameters()) {
            String name = p.paramLabel().toLowerCase(Locale.ROOT);
            add(name, p, properties, params);
            if (p.group() == null && p.arity().min() > 0) {
                required.add(name);
            }
        }
        for (OptionSpec o : spec.options()) {
            if (HIDDEN.contains(o.longestName()) || o.usageHelp() || o.versionHelp()) {
                continue;
            }
            String name = o.longestName().replaceFirst("^-+", "").replace('-', '_');
            add(name, o, properties, params);
            if (o.required() && o.group() == null) {
                required.add(name);
            }
        }
        Map<String, Object> schema = new LinkedHashMap<>();
        schema.put("type", "object");
        schema.put("properties", properties);
        if (!required.isEmpty()) {
            schema.put("required", required);
        }
        return new ToolSchema(spec.name(), String.join(" ", spec.usageMessage().description()), schema, params);
    }

    private static void add(String name, ArgSpec arg, Map<String, Object> properties, Map<String, ArgSpec> params) {
        Map<String, Object> property = new LinkedHashMap<>();
        if (arg.isMultiValue()) {
            // Repeatable (lease TARGET..., --resource NAME...): an array of the values.
            property.put("type", "array");
            property.put("items", Map.of("type", jsonType(arg)));
        } else {
            property.put("type", jsonType(arg));
        }
        property.put("description", terse(arg));
        properties.put(name, property);
        params.put(name, arg);
    }

    private static String jsonType(ArgSpec arg) {
        Class<?> type = arg.type();
        if (type == boolean.class || type == Boolean.class) {
            return "boolean";
        }
        return type == int.class || type == long.class || type == Integer.class || type == Long.class
                ? "integer"
                : "string";
    }

    /** The first description line, defaults filled in, without the stdin convention tools cannot use. */
    private static String terse(ArgSpec arg) {
        String text = arg.description().length == 0 ? "" : arg.description()[0];
        String fallback = arg.defaultValue() == null ? "" : arg.defaultValue();
        return text.replace("${DEFAULT-VALUE}", fallback)
                .replaceAll(";? ?'-' reads standard input", "")
                .strip();
    }

    /**
     * The verb's arguments for these tool arguments: options first, then "--" and positionals.
     * Each value must have its property's type (a number written as text counts as a number).
     */
    public List<String> commandLine(Map<String, Object> arguments) {
        Map<String, Object> given = arguments == null ? Map.of() : arguments;
        List<String> options = new ArrayList<>();
        List<String> positionals = new ArrayList<>();
        options.add(verb);
        for (Map.Entry<String, Object> entry : given.entrySet()) {
            ArgSpec arg = params.get(entry.getKey());
            if (arg == null) {
                throw ClambakeException.invalid("unknown argument '" + entry.getKey() + "' for " + verb + " (expected "
                        + String.join(", ", params.keySet()) + ")");
            }
            if (entry.getValue() == null) {
                continue;
            }
            if (arg.isMultiValue()) {
                List<?> values = entry.getValue() instanceof List<?> list ? list : List.of(entry.getValue());
                for (Object element : values) {
                    String value = text(entry.getKey(), jsonType(arg), element);
                    if (arg instanceof OptionSpec option) {
                        options.add(option.longestName() + "=" + value);
                    } else {
                        positionals.add(value);
                    }
                }
                continue;
            }
            String value = text(entry.getKey(), jsonType(arg), entry.getValue());
            if (arg instanceof OptionSpec option) {
                if (!"boolean".equals(jsonType(arg))) {
                    options.add(option.longestName() + "=" + value);
                } else if (value.equals("true")) {
                    options.add(option.longestName());
                }
            } else {
                positionals.add(value);
            }
        }
        for (Object name : (List<?>) inputSchema.getOrDefault("required", List.of())) {
            if (given.get(name.toString()) == null) {
                throw ClambakeException.invalid("missing required argument '" + name + "' for " + verb);
            }
        }
        if (!positionals.isEmpty()) {
            options.add("--");
            options.addAll(positionals);
        }
        return options;
    }

    /** The value as command-line text, if it has the property's JSON type. */
    private static String text(String name, String type, Object value) {
        String text = switch (type) {
            case "boolean" ->
                value instanceof Boolean || "true".equals(value) || "false".equals(value) ? value.toString() : null;
            case "integer" -> integer(value);
            default ->
                value instanceof String || value instanceof Number || value instanceof Boolean
                        ? value.toString()
                        : null;
        };
        if (text == null) {
            String shown = value instanceof String s ? "\"" + s + "\"" : String.valueOf(value);
            throw ClambakeException.invalid("argument '" + name + "' must be "
                    + ("boolean".equals(type) ? "true or false" : "integer".equals(type) ? "an integer" : "a string")
                    + " (got " + (shown.length() > 40 ? shown.substring(0, 40) + "…" : shown) + ")");
        }
        return Rules.noNul("argument '" + name + "'", text);
    }

    private static String integer(Object value) {
        if (value instanceof Integer
                || value instanceof Long
                || value instanceof Short
                || value instanceof BigInteger) {
            return value.toString();
        }
        if (value instanceof Number n
                && n.doubleValue() == Math.rint(n.doubleValue())
                && Math.abs(n.doubleValue()) < 1e15) {
            return Long.toString(n.longValue());
        }
        return value instanceof String s && s.strip().matches("-?\\d{1,18}") ? s.strip() : null;
    }
}

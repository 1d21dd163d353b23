package io.clambake.web;

import io.clambake.config.Environment;
import io.clambake.domain.ClambakeException;
import io.clambake.domain.Rules;
import io.clambake.run.Outcome;
import io.clambake.run.Runner;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What the human can do from the page. Each action is a verb run in-process through the one
 * runner, as the overseer ({@code --as human}, {@code --json}), so it is checked, stored and
 * answered exactly as the same command typed in a terminal. A new action is one entry in
 * {@link #ALL} (and a form or button in app.js).
 */
final class Actions {
    /**
     * A verb, arguments it always gets ({@code fixed}, such as {@code --force}) and the form
     * fields it takes: {@code options} become {@code --NAME=VALUE} (a value can never be taken
     * for another option), {@code positional} goes after {@code --}, and {@code stdin} is read by
     * the verb from standard input ({@code --NAME=-}).
     */
    record Action(String verb, List<String> fixed, List<String> options, String positional, String stdin) {
        List<String> fields() {
            List<String> fields = new ArrayList<>(options);
            if (positional != null) {
                fields.add(positional);
            }
            if (stdin != null) {
                fields.add(stdin);
            }
            return fields;
        }
    }

    static final Map<String, Action> ALL = Map.of(
            "send", new Action("send", List.of(), List.of("to", "type", "subject", "ttl"), null, "body"),
            "update-memory", new Action("update-memory", List.of(), List.of("status"), "id", null),
            "release-lease", new Action("release", List.of("--force"), List.of("project", "resource"), "target", null),
            "close", new Action("close", List.of(), List.of(), "id", null));

    private final Runner runner;
    private final Environment environment;

    Actions(Runner runner, Environment environment) {
        this.runner = runner;
        this.environment = environment;
    }

    /** Runs the action with these form fields; the outcome's stdout is the verb's JSON document. */
    Outcome run(String name, Map<String, String> fields) {
        Action action = ALL.get(name);
        if (action == null) {
            throw ClambakeException.notFound("no action named '" + name + "'");
        }
        for (String field : fields.keySet()) {
            if (!field.equals(Guard.TOKEN_FIELD) && !action.fields().contains(field)) {
                throw ClambakeException.invalid("unknown field '" + field + "' for " + name + " (expected "
                        + String.join(", ", action.fields()) + ")");
            }
        }
        List<String> args = new ArrayList<>(List.of(action.verb(), "--json", "--as", Rules.OVERSEER));
        args.addAll(action.fixed());
        for (String option : action.options()) {
            String value = fields.get(option);
            if (value != null && !value.isEmpty()) {
                args.add("--" + option + "=" + value);
            }
        }
        String input = action.stdin() == null ? null : fields.get(action.stdin());
        if (input != null && !input.isEmpty()) {
            args.add("--" + action.stdin() + "=-");
        }
        if (action.positional() != null && fields.get(action.positional()) != null) {
            args.add("--");
            args.add(fields.get(action.positional()));
        }
        Environment env = new Environment(
                environment.variables(),
                environment.cwd(),
                environment.home(),
                new ByteArrayInputStream((input == null ? "" : input).getBytes(StandardCharsets.UTF_8)));
        return runner.capture(env, args.toArray(String[]::new));
    }
}

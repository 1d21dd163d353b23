package io.clambake.cli;

import io.clambake.db.MessageQueries;
import io.clambake.domain.ClambakeException;
import io.clambake.domain.ExitCode;
import io.clambake.domain.Instance;
import io.clambake.domain.Message;
import io.clambake.domain.Page;
import io.clambake.domain.Rules;
import io.clambake.output.Text;
import io.clambake.output.Views;
import java.time.OffsetDateTime;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
        name = "search",
        description = {
            "Search the live messages you may read (broadcasts, and your own direct messages), best match first.",
            "Full-text search with English stemming, as recall --search: 'deadlock' finds 'deadlocks', and"
                    + " web-search syntax works (a quoted phrase, -word, or); the subject weighs more than the body."
        })
final class SearchCommand extends Verb {
    @Mixin
    CallerOptions caller;

    @Parameters(paramLabel = "QUERY", description = "What to look for.")
    String query;

    @Option(
            names = "--limit",
            paramLabel = "N",
            defaultValue = "20",
            description = "Show at most N, 1 to 1000 (default: ${DEFAULT-VALUE}).")
    int limit;

    @Override
    protected int run(Session session) throws Exception {
        Rules.line("QUERY", query, Rules.MAX_SUBJECT);
        if (limit < 1 || limit > 1000) {
            throw ClambakeException.invalid("--limit must be between 1 and 1000");
        }
        Optional<Instance> me = session.meIfRegistered();
        Page<Message> page =
                new MessageQueries(session.db()).search(me.map(Instance::id).orElse(null), query, limit);
        if (json()) {
            Map<String, Object> doc = new LinkedHashMap<>();
            doc.put("me", me.map(Instance::name).orElse(null));
            doc.put("messages", page.items().stream().map(Views::message).toList());
            doc.put("total", page.total());
            return printJson(doc);
        }
        if (page.items().isEmpty()) {
            out().println("no messages match");
            return ExitCode.OK;
        }
        OffsetDateTime now = session.now();
        Text.Table table = new Text.Table();
        page.items().forEach(m -> InboxCommand.row(table, m, now));
        table.print(out());
        if (page.more() > 0) {
            out().println(page.more() + " more (search --limit " + Math.min(1000, page.total()) + ")");
        }
        return ExitCode.OK;
    }
}

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
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
        name = "inbox",
        description = {
            "List your unread messages (direct, @all and your project's), newest first.",
            "Listing does not mark them read: 'read ID' does.",
            "--wait returns at once when you have unread mail, else blocks until some arrives (woken by"
                    + " the database's LISTEN/NOTIFY, not by polling) or the duration passes; a wait that ends"
                    + " empty prints 'no unread messages' (JSON: an empty list) and exits 0."
        })
final class InboxCommand extends Verb {
    @Mixin
    CallerOptions caller;

    @Option(
            names = "--limit",
            paramLabel = "N",
            defaultValue = "20",
            description = "Show at most N (default: ${DEFAULT-VALUE}).")
    int limit;

    @Option(
            names = "--wait",
            paramLabel = "DURATION",
            description = "With no unread mail, wait this long for some: 30s, 10m, 1h; 0s to 1d.")
    String wait;

    @Override
    protected int run(Session session) throws Exception {
        if (limit < 1 || limit > 1000) {
            throw ClambakeException.invalid("--limit must be between 1 and 1000");
        }
        Duration waitFor = wait == null ? Duration.ZERO : Rules.duration("--wait", wait, Rules.WAIT);
        Instance me = session.me();
        Page<Message> page = new MessageQueries(session.db()).unread(me, limit);
        if (page.items().isEmpty() && !waitFor.isZero()) {
            page = Mail.await(
                            session,
                            waitFor,
                            c -> Optional.of(new MessageQueries(c).unread(me, limit))
                                    .filter(p -> !p.items().isEmpty()))
                    .orElse(page);
        }
        long more = page.more();
        if (json()) {
            Map<String, Object> doc = new LinkedHashMap<>();
            doc.put("me", me.name());
            doc.put("messages", page.items().stream().map(Views::message).toList());
            doc.put("unread", page.total());
            doc.put("more", more);
            return printJson(doc);
        }
        if (page.items().isEmpty()) {
            out().println("no unread messages");
            return ExitCode.OK;
        }
        OffsetDateTime now = session.now();
        Text.Table table = new Text.Table();
        page.items().forEach(m -> row(table, m, now));
        table.print(out());
        if (more > 0) {
            out().println(more + " more unread (inbox --limit " + Math.min(1000, page.total()) + ")");
        }
        return ExitCode.OK;
    }

    /** One message as inbox and search list it: id, type, sender (and a broadcast's audience), age, preview. */
    static void row(Text.Table table, Message m, OffsetDateTime now) {
        String preview = m.withheld()
                ? "(private)"
                : Text.oneLine(m.subject() + (m.body().isBlank() ? "" : " - " + m.body()), 100);
        table.row(
                "#" + m.id(),
                m.type().label(),
                Text.sender(m.from()) + (m.to().startsWith("@") ? " " + m.to() : ""),
                Text.age(m.createdAt(), now),
                preview);
    }
}

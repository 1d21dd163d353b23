package io.clambake.cli;

import io.clambake.db.MessageQueries;
import io.clambake.domain.ClambakeException;
import io.clambake.domain.ExitCode;
import io.clambake.domain.Instance;
import io.clambake.domain.Message;
import io.clambake.domain.Rules;
import io.clambake.output.Text;
import io.clambake.output.Views;
import java.io.PrintWriter;
import java.time.OffsetDateTime;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

@Command(
        name = "thread",
        description = {
            "Show the whole conversation a message belongs to, oldest first, without marking anything read.",
            "A direct message between two others in it shows from, to, type and time only."
        })
final class ThreadCommand extends Verb {
    /** A conversation longer than this shows its first messages and says how to see the rest. */
    static final int MAX = 500;

    @Mixin
    CallerOptions caller;

    @Parameters(paramLabel = "ID", description = "Any message of the conversation.")
    long id;

    @Override
    protected int run(Session session) throws Exception {
        Rules.id("ID", id);
        Optional<Instance> me = session.meIfRegistered();
        Long viewer = me.map(Instance::id).orElse(null);
        MessageQueries queries = new MessageQueries(session.db());
        Message start = queries.readable(viewer, id)
                .orElseThrow(() -> ClambakeException.notFound(
                        "no message #" + id + " you may read (unknown, expired or private to two others)"));
        List<Message> thread = queries.thread(viewer, start.thread(), MAX);
        if (json()) {
            Map<String, Object> doc = new LinkedHashMap<>();
            doc.put("me", me.map(Instance::name).orElse(null));
            doc.put("thread", start.thread());
            doc.put("messages", thread.stream().map(Views::message).toList());
            return printJson(doc);
        }
        OffsetDateTime now = session.now();
        PrintWriter out = out();
        boolean first = true;
        for (Message m : thread) {
            if (!first) {
                out.println();
            }
            first = false;
            out.println(header(m, now));
            if (m.withheld()) {
                out.println("(private)");
                continue;
            }
            out.println("Subject: " + Text.line(m.subject()));
            if (!m.body().isBlank()) {
                out.println(Text.block(m.body().stripTrailing()));
            }
        }
        return ExitCode.OK;
    }

    /** {@code #7 request from a to b, 2m ago, reply to #5, acked 1m ago}: a message's facts on one line. */
    static String header(Message m, OffsetDateTime now) {
        return "#" + m.id() + " " + m.type().label() + " from " + Text.sender(m.from()) + " to " + m.to() + ", "
                + Text.age(m.createdAt(), now)
                + (m.replyTo() == null ? "" : ", reply to #" + m.replyTo())
                + (m.ackedAt() == null ? "" : ", acked " + Text.age(m.ackedAt(), now))
                + (m.closedAt() == null ? "" : ", closed " + Text.age(m.closedAt(), now));
    }
}

package io.clambake.cli;

import io.clambake.db.MessageDao;
import io.clambake.domain.ClambakeException;
import io.clambake.domain.ExitCode;
import io.clambake.domain.Instance;
import io.clambake.domain.Message;
import io.clambake.domain.Rules;
import io.clambake.output.Text;
import io.clambake.output.Views;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

@Command(
        name = "ack",
        description = {
            "Acknowledge a message addressed to you: \"seen, on it\".",
            "The sender's status and briefing list its requests and blockers no one acknowledged."
        })
final class AckCommand extends Verb {
    @Mixin
    CallerOptions caller;

    @Parameters(paramLabel = "ID", description = "Message id.")
    long id;

    @Override
    protected int run(Session session) throws Exception {
        Rules.id("ID", id);
        Instance me = session.me();
        MessageDao.Ack ack = new MessageDao(session.db())
                .ack(me, id)
                .orElseThrow(() -> ClambakeException.notFound("no message #" + id + " for " + me.name()
                        + " (unknown, expired, your own, or addressed to another instance)"));
        Message m = ack.message();
        if (json()) {
            Map<String, Object> doc = new LinkedHashMap<>();
            doc.put("message", Views.message(m));
            doc.put("first_ack", ack.first());
            return printJson(doc);
        }
        out().println((ack.first() ? "acked #" : "already acked #") + m.id() + " ("
                + m.type().label() + " from " + Text.sender(m.from()) + "): " + Text.oneLine(m.subject(), 100));
        return ExitCode.OK;
    }
}

package io.clambake.cli;

import io.clambake.db.MessageDao;
import io.clambake.db.MessageQueries;
import io.clambake.domain.ClambakeException;
import io.clambake.domain.ExitCode;
import io.clambake.domain.Instance;
import io.clambake.domain.Message;
import io.clambake.domain.MessageType;
import io.clambake.domain.Rules;
import io.clambake.output.Text;
import io.clambake.output.Views;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

@Command(
        name = "close",
        description = {
            "Close a blocker you sent (the human overseer may close any): status and briefings stop" + " listing it.",
            "A done reply to it (send --type done --reply-to ID) closes it too and tells everyone it"
                    + " reached; deregistering (or being cleaned up as stale) closes all of yours."
        })
final class CloseCommand extends Verb {
    @Mixin
    CallerOptions caller;

    @Parameters(paramLabel = "ID", description = "The blocker's id.")
    long id;

    @Override
    protected int run(Session session) throws Exception {
        Rules.id("ID", id);
        Instance me = session.me();
        Optional<Message> closed = new MessageDao(session.db()).close(me, id);
        boolean already = false;
        Message m;
        if (closed.isPresent()) {
            m = closed.get();
        } else {
            m = new MessageQueries(session.db())
                    .readable(me.id(), id)
                    .orElseThrow(() -> ClambakeException.notFound("no message #" + id + " for " + me.name()
                            + " (unknown, expired or addressed to another instance)"));
            if (m.type() != MessageType.BLOCKER) {
                throw ClambakeException.invalid("#" + id + " is a " + m.type().label() + ", not a blocker");
            }
            if (!m.from().equals(me.name()) && !Rules.OVERSEER.equals(me.name())) {
                throw ClambakeException.invalid("#" + id + " is " + m.from() + "'s blocker: only its sender closes it");
            }
            already = true;
        }
        if (json()) {
            Map<String, Object> doc = new LinkedHashMap<>();
            doc.put("message", Views.message(m));
            doc.put("already_closed", already);
            return printJson(doc);
        }
        out().println((already ? "already closed #" : "closed #") + m.id() + ": " + Text.oneLine(m.subject(), 100));
        return ExitCode.OK;
    }
}

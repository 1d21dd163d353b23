package io.clambake.cli;

import io.clambake.db.MessageDao;
import io.clambake.domain.ClambakeException;
import io.clambake.domain.ExitCode;
import io.clambake.domain.Instance;
import io.clambake.domain.Message;
import io.clambake.domain.Rules;
import io.clambake.output.Text;
import io.clambake.output.Views;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
        name = "read",
        description = {
            "Show a whole message and mark it read for you only.",
            "--next takes your oldest unread message; sessions racing as one instance never get the same one.",
            "--next --wait waits for one when there is none (see inbox --wait); a wait that ends empty prints"
                    + " 'no unread messages' (JSON: null) and exits 0."
        })
final class ReadCommand extends Verb {
    @Mixin
    CallerOptions caller;

    @ArgGroup(multiplicity = "1")
    Which which;

    static final class Which {
        @Parameters(paramLabel = "ID", description = "Message id.")
        Long id;

        @Option(names = "--next", description = "Read the oldest unread message.")
        boolean next;
    }

    @Option(
            names = "--wait",
            paramLabel = "DURATION",
            description = "With --next and no unread mail, wait this long for some: 30s, 10m, 1h; 0s to 1d.")
    String wait;

    @Override
    protected int run(Session session) throws Exception {
        if (!which.next) {
            Rules.id("ID", which.id);
        }
        if (wait != null && !which.next) {
            throw ClambakeException.invalid("--wait goes with --next");
        }
        Duration waitFor = wait == null ? Duration.ZERO : Rules.duration("--wait", wait, Rules.WAIT);
        Instance me = session.me();
        MessageDao messages = new MessageDao(session.db());
        Optional<MessageDao.Read> read = which.next ? messages.readNext(me) : messages.read(me, which.id);
        if (read.isEmpty() && which.next && !waitFor.isZero()) {
            read = Mail.await(session, waitFor, c -> new MessageDao(c).readNext(me));
        }
        if (read.isEmpty() && !which.next) {
            throw ClambakeException.notFound("no message #" + which.id + " for " + me.name()
                    + " (unknown, expired or addressed to another instance)");
        }
        if (json()) {
            Map<String, Object> doc = new LinkedHashMap<>();
            doc.put("message", read.map(r -> Views.message(r.message())).orElse(null));
            doc.put("first_read", read.map(MessageDao.Read::firstRead).orElse(false));
            return printJson(doc);
        }
        if (read.isEmpty()) {
            out().println("no unread messages");
            return ExitCode.OK;
        }
        Message m = read.get().message();
        PrintWriter out = out();
        out.println("#" + m.id() + " " + m.type().label() + " from " + Text.sender(m.from()) + " to " + m.to() + ", "
                + Text.age(m.createdAt(), session.now())
                + (read.get().firstRead() || m.readAt() == null
                        ? ""
                        : " (read " + Text.age(m.readAt(), session.now()) + ")"));
        out.println("Subject: " + Text.line(m.subject()));
        if (!m.body().isBlank()) {
            out.println();
            out.println(Text.block(m.body().stripTrailing()));
        }
        return ExitCode.OK;
    }
}

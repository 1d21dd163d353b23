package io.clambake.cli;

import io.clambake.db.InstanceDao;
import io.clambake.db.MessageDao;
import io.clambake.db.MessageQueries;
import io.clambake.domain.ClambakeException;
import io.clambake.domain.ExitCode;
import io.clambake.domain.Instance;
import io.clambake.domain.Message;
import io.clambake.domain.MessageType;
import io.clambake.domain.Recipient;
import io.clambake.domain.Rules;
import io.clambake.output.Text;
import io.clambake.output.Views;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
        name = "send",
        description = {
            "Send a message to one instance, to every instance (@all) or to a project (@project:P).",
            "--reply-to ID answers a message you may read: the reply joins its thread, goes to its sender"
                    + " (your reply to your own message goes where that one went) unless --to says otherwise,"
                    + " and its subject defaults to 'Re: <subject>'. A done reply to your own blocker closes it."
        })
final class SendCommand extends Verb {
    @Mixin
    CallerOptions caller;

    @Option(
            names = "--to",
            paramLabel = "NAME|@all|@project:P",
            description = "Recipient (required unless --reply-to).")
    String to;

    @Option(
            names = "--type",
            paramLabel = "TYPE",
            defaultValue = "info",
            description = "info, warning, blocker, request or done (default: ${DEFAULT-VALUE}).")
    String type;

    @Option(
            names = "--subject",
            paramLabel = "S",
            description =
                    "One-line subject (max 200 characters, no control characters; required unless" + " --reply-to).")
    String subject;

    @Option(
            names = "--body",
            paramLabel = "B",
            description = "Message body (max 65536 characters); '-' reads standard input.")
    String body;

    @Option(
            names = "--ttl",
            paramLabel = "DURATION",
            defaultValue = "7d",
            description = "Expire after this long: 90s, 30m, 2h, 7d; 1s to 365d (default: ${DEFAULT-VALUE}).")
    String ttl;

    @Option(
            names = "--reply-to",
            paramLabel = "ID",
            description = "Answer this message, joining its conversation ('thread ID').")
    Long replyTo;

    @Option(
            names = "--idempotency-key",
            paramLabel = "KEY",
            description = "Send at most once: while the first message with this key from this sender"
                    + " lives, a send with the same key returns it instead of storing another."
                    + " Use it to retry safely after exit 5.")
    String idempotencyKey;

    @Override
    protected int run(Session session) throws Exception {
        if (replyTo == null && to == null) {
            throw ClambakeException.invalid("--to is required (or --reply-to ID)");
        }
        if (replyTo == null && subject == null) {
            throw ClambakeException.invalid("--subject is required (or --reply-to ID)");
        }
        if (replyTo != null) {
            Rules.id("--reply-to", replyTo);
        }
        Recipient recipient = to == null ? null : Recipient.parse(to);
        MessageType messageType = MessageType.parse(type);
        if (subject != null) {
            Rules.line("--subject", subject, Rules.MAX_SUBJECT);
        }
        String text = body == null ? "" : Rules.optionalText("--body", valueOrStdin("--body", body), Rules.MAX_TEXT);
        Duration expiry = Rules.duration("--ttl", ttl, Rules.TTL);
        String key = idempotencyKey == null
                ? null
                : Rules.line("--idempotency-key", idempotencyKey, Rules.MAX_IDEMPOTENCY_KEY);
        Instance me = session.me();
        String title = subject == null ? null : subject.strip();
        if (replyTo != null) {
            // Only someone who may read the original may answer it; to anyone else it does not exist.
            Message original = new MessageQueries(session.db())
                    .readable(me.id(), replyTo)
                    .orElseThrow(() -> ClambakeException.notFound("no message #" + replyTo + " for " + me.name()
                            + " (unknown, expired or addressed to another instance)"));
            if (recipient == null) {
                recipient = Recipient.parse(original.from().equals(me.name()) ? original.to() : original.from());
            }
            if (title == null) {
                title = Message.replySubject(original.subject(), Rules.MAX_SUBJECT);
            }
        }
        InstanceDao instances = new InstanceDao(session.db());
        Long recipientId = null;
        if (recipient instanceof Recipient.Direct direct) {
            recipientId = instances
                    .findByName(direct.name())
                    .orElseThrow(() -> ClambakeException.notFound("no instance named '" + direct.name() + "'"))
                    .id();
        }
        // Broadcasts count from a reader's first registration: in a project no one ever joined,
        // no one could ever read this one.
        if (recipient instanceof Recipient.Project p && !instances.everRegisteredIn(p.project())) {
            throw ClambakeException.notFound(
                    "no instance ever registered in project " + p.project() + ", so no one could read this");
        }
        MessageDao.Sent result = new MessageDao(session.db())
                .send(me.id(), recipient, recipientId, messageType, title, text, expiry, replyTo, key);
        Message sent = result.message();
        if (json()) {
            // Ordered: Map.of's iteration order differs from JVM to JVM, and output must not.
            Map<String, Object> document = new LinkedHashMap<>();
            document.put("message", Views.message(sent));
            document.put("repeated", !result.first());
            return printJson(document);
        }
        if (!result.first()) {
            out().println("already sent #" + sent.id() + " to " + sent.to() + " with this idempotency key");
            return ExitCode.OK;
        }
        out().println("sent #" + sent.id() + " to " + sent.to()
                + (replyTo == null ? "" : " in thread #" + sent.thread())
                + " (expires in " + Text.span(expiry) + ")");
        return ExitCode.OK;
    }
}

package io.clambake.claude;

import io.clambake.domain.Instance;
import io.clambake.domain.Lease;
import io.clambake.domain.Memory;
import io.clambake.domain.Message;
import io.clambake.domain.Page;
import io.clambake.output.HostLabels;
import io.clambake.output.Text;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The text hooks put into an agent's context: short factual lines, each list capped with a
 * "+N more" line naming the command that shows the rest. Claude Code cuts context at 10,000
 * characters; a briefing with every list overflowing comes to about 5,100.
 */
public final class Briefing {
    public static final int LIVE = 8;
    public static final int BLOCKERS = 5;
    public static final int UNREAD = 8;
    public static final int UNACKNOWLEDGED = 5;
    public static final int PROJECT_MEMORIES = 5;
    public static final int GLOBAL_MEMORIES = 3;
    public static final int LEASES = 5;
    private static final int LINE = 150;

    private final StringBuilder text = new StringBuilder();
    private final OffsetDateTime now;
    private final String me;

    private Briefing(OffsetDateTime now, String me) {
        this.now = now;
        this.me = me;
    }

    /** {@code command}: how to run clambake when it is not on the PATH, else null. */
    public record Start(
            Instance me,
            int siblings,
            boolean envPersisted,
            String command,
            List<Instance> live,
            Page<Message> blockers,
            List<Lease> leases,
            Page<Message> unacknowledged,
            Page<Message> unread,
            Page<Memory> projectMemories,
            Page<Memory> globalMemories) {}

    public static String start(Start s, OffsetDateTime now) {
        Instance me = s.me();
        Briefing b = new Briefing(now, me.name());
        b.line("Clambake (coordination between agent sessions): you are " + me.name() + " (project " + me.project()
                + ", host " + me.host() + ", " + me.dir() + "). "
                + (s.envPersisted()
                        ? "Your shell commands act as " + me.name() + " through CLAMBAKE_INSTANCE."
                        : "clambake commands run in this directory act as " + me.name() + ".")
                + (s.command() == null ? "" : " `clambake` below stands for `" + s.command() + "`."));
        if (s.siblings() > 0) {
            b.line(s.siblings() + " other open session" + (s.siblings() == 1 ? "" : "s") + " in this directory share"
                    + (s.siblings() == 1 ? "s" : "") + " this identity and its inbox.");
        }
        List<Instance> others = s.live().stream()
                .filter(i -> i.id() != me.id())
                .sorted((a, c) -> Boolean.compare(
                        !a.project().equals(me.project()), !c.project().equals(me.project())))
                .toList();
        if (others.isEmpty()) {
            b.line("No other instance is live.");
        } else {
            b.line("Live instances:");
            HostLabels hosts = new HostLabels(s.live());
            others.stream()
                    .limit(LIVE)
                    .forEach(i -> b.item(i.name() + " " + i.project() + " " + hosts.of(i) + " " + i.dir() + " seen "
                            + Text.age(i.lastSeen(), now) + ": " + (i.task() == null ? "(no task)" : i.task())));
            b.more(others.size() - LIVE, "clambake status");
        }
        if (!s.blockers().items().isEmpty()) {
            b.line("Open blockers:");
            s.blockers().items().forEach(b::message);
            b.more(s.blockers().total() - s.blockers().items().size(), "clambake inbox");
        }
        if (!s.leases().isEmpty()) {
            b.line("Active leases in " + me.project() + " (edits and commits of others' exclusive ones are refused):");
            s.leases().stream()
                    .limit(LEASES)
                    .forEach(l -> b.item(l.target().label() + " " + (l.shared() ? "shared" : "exclusive") + " by "
                            + (l.holder().equals(me.name()) ? "you" : l.holder()) + " until "
                            + l.expiresAt().toInstant() + (l.reason() == null ? "" : ": " + l.reason())));
            b.more(s.leases().size() - LEASES, "clambake leases");
        }
        if (!s.unacknowledged().items().isEmpty()) {
            b.line("Your requests and blockers no one has acknowledged yet:");
            s.unacknowledged().items().forEach(b::message);
            b.more(s.unacknowledged().total() - s.unacknowledged().items().size(), "clambake status");
        }
        Set<Long> listed = s.blockers().items().stream().map(Message::id).collect(Collectors.toSet());
        List<Message> unread = s.unread().items().stream()
                .filter(m -> !listed.contains(m.id()))
                .toList();
        if (unread.isEmpty() && s.unread().total() == 0) {
            b.line("No unread messages.");
        } else if (!unread.isEmpty()) {
            b.line("Unread messages, urgent first (`clambake read ID` shows one whole and marks it read):");
            unread.forEach(b::message);
        }
        b.more(s.unread().total() - s.unread().items().size(), "clambake inbox");
        b.memories("Project memory (" + me.project() + "):", s.projectMemories(), "clambake recall");
        b.memories("Global memory:", s.globalMemories(), "clambake recall --global");
        b.line("Protocol:");
        Protocol.duties().forEach(duty -> b.line("- " + duty));
        return b.text.toString().stripTrailing();
    }

    /** New messages since the last reminder, or null when there are none. */
    public static String reminder(Instance me, Page<Message> fresh, OffsetDateTime now) {
        if (fresh.items().isEmpty()) {
            return null;
        }
        Briefing b = new Briefing(now, me.name());
        b.line("Clambake: new message" + (fresh.items().size() == 1 ? "" : "s") + " for " + me.name()
                + " (`clambake read ID` shows one whole and marks it read):");
        fresh.items().forEach(b::message);
        b.more(fresh.total() - fresh.items().size(), "clambake inbox");
        return b.text.toString().stripTrailing();
    }

    private void memories(String heading, Page<Memory> page, String command) {
        if (page.items().isEmpty()) {
            return;
        }
        line(heading);
        for (Memory m : page.items()) {
            item("#" + m.id() + " " + m.type().label() + ": " + m.title() + " - " + m.content());
        }
        more(page.total() - page.items().size(), command);
    }

    private void message(Message m) {
        String to = m.to().startsWith("@") || m.from().equals(me) ? " -> " + m.to() : "";
        item("#" + m.id() + " " + m.type().label() + " from " + Text.sender(m.from()) + to + ", "
                + Text.age(m.createdAt(), now) + ": " + m.subject() + (m.body().isBlank() ? "" : " - " + m.body()));
    }

    private void more(long more, String command) {
        if (more > 0) {
            line("+" + more + " more (" + command + ")");
        }
    }

    private void item(String content) {
        line("- " + Text.oneLine(content, LINE));
    }

    /** Every line holds stored text (names, directories, tasks, subjects): escaped, as all text output is. */
    private void line(String content) {
        text.append(Text.line(content)).append('\n');
    }
}

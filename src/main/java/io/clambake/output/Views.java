package io.clambake.output;

import io.clambake.domain.Instance;
import io.clambake.domain.Lease;
import io.clambake.domain.LogEntry;
import io.clambake.domain.Memory;
import io.clambake.domain.Message;
import java.util.LinkedHashMap;
import java.util.Map;

/** The JSON shape of each record: snake_case names, ISO-8601 UTC times. */
public final class Views {
    private Views() {}

    public static Map<String, Object> instance(Instance i, boolean stale) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", i.name());
        m.put("project", i.project());
        m.put("host", i.host());
        m.put("machine", i.machine());
        m.put("dir", i.dir());
        m.put("pid", i.pid());
        m.put("task", i.task());
        m.put("registered_at", i.registeredAt());
        m.put("started_at", i.startedAt());
        m.put("last_seen", i.lastSeen());
        m.put("stale", stale);
        m.put("left_at", i.leftAt());
        m.put("left_reason", i.leftReason());
        return m;
    }

    public static Map<String, Object> message(Message msg) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", msg.id());
        m.put("from", msg.from());
        m.put("to", msg.to());
        m.put("type", msg.type().label());
        m.put("subject", msg.subject());
        m.put("body", msg.body());
        m.put("created_at", msg.createdAt());
        m.put("expires_at", msg.expiresAt());
        m.put("read_at", msg.readAt());
        m.put("private", msg.withheld());
        m.put("reply_to", msg.replyTo());
        m.put("thread", msg.thread());
        m.put("closed_at", msg.closedAt());
        m.put("acked_at", msg.ackedAt());
        return m;
    }

    public static Map<String, Object> memory(Memory mem) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", mem.id());
        m.put("scope", mem.scope().label());
        m.put("project", mem.project());
        m.put("type", mem.type().label());
        m.put("title", mem.title());
        m.put("content", mem.content());
        m.put("status", mem.status().label());
        m.put("author", mem.author());
        m.put("created_at", mem.createdAt());
        m.put("updated_at", mem.updatedAt());
        m.put("updated_by", mem.updatedBy());
        m.put("rank", mem.rank());
        return m;
    }

    /** The error document of every failed command, on the command line and from the MCP server alike. */
    public static Map<String, Object> error(int exitCode, String message) {
        return error(exitCode, message, null);
    }

    /** The error document; {@code holder}: the instance holding a lease the command wanted (exit 6), else null. */
    public static Map<String, Object> error(int exitCode, String message, String holder) {
        Map<String, Object> error = new LinkedHashMap<>();
        error.put("exit_code", exitCode);
        error.put("message", message);
        if (holder != null) {
            error.put("holder", holder);
        }
        return Map.of("error", error);
    }

    public static Map<String, Object> lease(Lease l) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", l.id());
        m.put("project", l.project());
        m.put("target", l.target().target());
        m.put("kind", l.target().kind().label());
        m.put("shared", l.shared());
        m.put("holder", l.holder());
        m.put("host", l.host());
        m.put("task", l.task());
        m.put("reason", l.reason());
        m.put("since", l.acquiredAt());
        m.put("expires_at", l.expiresAt());
        m.put("renewed", l.renewed());
        return m;
    }

    public static Map<String, Object> logEntry(LogEntry e) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", e.id());
        m.put("instance", e.instance());
        m.put("project", e.project());
        m.put("action", e.action());
        m.put("summary", e.summary());
        m.put("created_at", e.createdAt());
        return m;
    }
}

package io.clambake.cli;

import io.clambake.db.MemoryDao;
import io.clambake.domain.ClambakeException;
import io.clambake.domain.ExitCode;
import io.clambake.domain.Memory;
import io.clambake.domain.MemoryScope;
import io.clambake.domain.MemoryStatus;
import io.clambake.domain.MemoryType;
import io.clambake.domain.Page;
import io.clambake.domain.Rules;
import io.clambake.output.Text;
import io.clambake.output.Views;
import java.io.PrintWriter;
import java.time.OffsetDateTime;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
        name = "recall",
        description = {
            "Query project (default: yours) or global memory, newest first.",
            "--search is full-text search with English stemming, best match first."
        })
final class RecallCommand extends Verb {
    @Mixin
    CallerOptions caller;

    private static final int PREVIEW = 400;

    @ArgGroup(exclusive = true, multiplicity = "0..1")
    ScopeOptions scope = new ScopeOptions();

    @Option(names = "--type", paramLabel = "T", description = "Only this memory type.")
    String type;

    @Option(names = "--search", paramLabel = "Z", description = "Words to search for in titles and contents.")
    String search;

    @Option(
            names = "--status",
            paramLabel = "S",
            description = "active, resolved, obsolete or all (default: active and resolved).")
    String status;

    @Option(
            names = "--limit",
            paramLabel = "N",
            defaultValue = "20",
            description = "Show at most N (default: ${DEFAULT-VALUE}).")
    int limit;

    @Option(
            names = "--full",
            description =
                    "Print whole contents instead of the first " + PREVIEW + " characters (JSON always has them).")
    boolean full;

    @Override
    protected int run(Session session) throws Exception {
        MemoryScope memoryScope = scope.scope();
        MemoryType memoryType = type == null ? null : MemoryType.parse(type, memoryScope);
        if (limit < 1 || limit > 1000) {
            throw ClambakeException.invalid("--limit must be between 1 and 1000");
        }
        List<MemoryStatus> statuses = statuses();
        String query = search == null || search.isBlank() ? null : Rules.noNul("--search", search);
        String project = scope.project(session.meIfRegistered());
        Page<Memory> page = new MemoryDao(session.db())
                .recall(new MemoryDao.Query(memoryScope, project, memoryType, query, statuses, limit));
        long more = page.more();
        if (json()) {
            Map<String, Object> doc = new LinkedHashMap<>();
            doc.put("memories", page.items().stream().map(Views::memory).toList());
            doc.put("total", page.total());
            doc.put("more", more);
            return printJson(doc);
        }
        PrintWriter out = out();
        if (page.items().isEmpty()) {
            out.println("no memories" + (project == null ? " (global)" : " for " + project));
            return ExitCode.OK;
        }
        OffsetDateTime now = session.now();
        for (Memory m : page.items()) {
            String marker =
                    m.status() == MemoryStatus.ACTIVE ? "" : " [" + m.status().label() + "]";
            String editor = m.author().equals(m.updatedBy()) ? "" : " updated by " + m.updatedBy();
            out.println("#" + m.id() + " " + m.type().label() + marker + ": " + Text.line(m.title()) + "  ("
                    + m.author() + "," + editor + " " + Text.age(m.updatedAt(), now) + ")");
            String content = m.content().strip();
            int length = Rules.characters(content, content.length());
            String shown = full || length <= PREVIEW
                    ? content
                    : content.substring(0, content.offsetByCodePoints(0, PREVIEW)) + "… (" + (length - PREVIEW)
                            + " more characters, --full)";
            Text.block(shown).lines().forEach(line -> out.println("    " + line));
        }
        if (more > 0) {
            out.println(more + " more (recall --limit " + Math.min(1000, page.total()) + ")");
        }
        return ExitCode.OK;
    }

    private List<MemoryStatus> statuses() {
        if (status == null) {
            return List.of(MemoryStatus.ACTIVE, MemoryStatus.RESOLVED);
        }
        if ("all".equals(status)) {
            return List.of(MemoryStatus.values());
        }
        try {
            return List.of(MemoryStatus.parse(status));
        } catch (ClambakeException e) {
            throw ClambakeException.invalid(
                    "unknown memory status '" + status + "' (expected active, resolved, obsolete or all)");
        }
    }
}

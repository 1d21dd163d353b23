package io.clambake.cli;

import io.clambake.db.MemoryDao;
import io.clambake.domain.ExitCode;
import io.clambake.domain.Instance;
import io.clambake.domain.Memory;
import io.clambake.domain.MemoryScope;
import io.clambake.domain.MemoryType;
import io.clambake.domain.Rules;
import io.clambake.output.Views;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
        name = "remember",
        description = {
            "Store knowledge for a project (default: yours) or for every project (--global).",
            "Project types: architecture, feature, issue, fix, decision, pattern, gotcha, update.",
            "Global types: infrastructure, convention, tool, preference, credential, lesson."
        })
final class RememberCommand extends Verb {
    @Mixin
    CallerOptions caller;

    @ArgGroup(exclusive = true, multiplicity = "0..1")
    ScopeOptions scope = new ScopeOptions();

    @Option(names = "--type", required = true, paramLabel = "T", description = "Memory type (see above).")
    String type;

    @Option(names = "--title", required = true, paramLabel = "X", description = "One-line title (max 200 characters).")
    String title;

    @Option(
            names = "--content",
            required = true,
            paramLabel = "Y",
            description = "The knowledge (max 65536 characters); '-' reads standard input.")
    String content;

    @Override
    protected int run(Session session) throws Exception {
        MemoryScope memoryScope = scope.scope();
        MemoryType memoryType = MemoryType.parse(type, memoryScope);
        Rules.line("--title", title, Rules.MAX_TITLE);
        String text = Rules.text("--content", valueOrStdin("--content", content), Rules.MAX_TEXT);
        Instance me = session.me();
        String project = scope.project(Optional.of(me));
        Memory memory = new MemoryDao(session.db())
                .remember(memoryScope, project, memoryType, title.strip(), text.strip(), me.id());
        if (json()) {
            return printJson(Map.of("memory", Views.memory(memory)));
        }
        out().println("remembered #" + memory.id() + " (" + (project == null ? "global" : project) + ", "
                + memoryType.label() + ")");
        return ExitCode.OK;
    }
}

package io.clambake.cli;

import io.clambake.db.MemoryDao;
import io.clambake.domain.ClambakeException;
import io.clambake.domain.ExitCode;
import io.clambake.domain.Instance;
import io.clambake.domain.Memory;
import io.clambake.domain.MemoryStatus;
import io.clambake.domain.Rules;
import io.clambake.output.Text;
import io.clambake.output.Views;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
        name = "update-memory",
        description = "Change a memory's status (active, resolved, obsolete), title or content.")
final class UpdateMemoryCommand extends Verb {
    @Mixin
    CallerOptions caller;

    @Parameters(paramLabel = "ID", description = "Memory id.")
    long id;

    @Option(names = "--status", paramLabel = "S", description = "active, resolved or obsolete.")
    String status;

    @Option(names = "--title", paramLabel = "X", description = "New title.")
    String title;

    @Option(names = "--content", paramLabel = "Y", description = "New content; '-' reads standard input.")
    String content;

    @Override
    protected int run(Session session) throws Exception {
        Rules.id("ID", id);
        if (status == null && title == null && content == null) {
            throw ClambakeException.invalid("nothing to update: give --status, --title or --content");
        }
        MemoryStatus newStatus = status == null ? null : MemoryStatus.parse(status);
        String newTitle = title == null
                ? null
                : Rules.line("--title", title, Rules.MAX_TITLE).strip();
        String newContent = content == null
                ? null
                : Rules.text("--content", valueOrStdin("--content", content), Rules.MAX_TEXT)
                        .strip();
        Instance me = session.me();
        Memory memory = new MemoryDao(session.db()).update(id, newStatus, newTitle, newContent, me.id());
        if (json()) {
            return printJson(Map.of("memory", Views.memory(memory)));
        }
        out().println("updated #" + memory.id() + " (" + memory.status().label() + "): " + Text.line(memory.title()));
        return ExitCode.OK;
    }
}

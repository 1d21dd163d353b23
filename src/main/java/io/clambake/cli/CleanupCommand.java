package io.clambake.cli;

import io.clambake.db.InstanceDao;
import io.clambake.db.MessageDao;
import io.clambake.domain.ExitCode;
import io.clambake.domain.Instance;
import io.clambake.domain.Rules;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
        name = "cleanup",
        description = {
            "Remove stale instances (their names and inboxes are kept for a later 'register') and delete expired messages.",
            "Safe to run from many sessions at once."
        })
final class CleanupCommand extends Verb {
    @Mixin
    CallerOptions caller;

    private static final int BATCH = 5_000;

    @Option(
            names = "--stale-after",
            paramLabel = "DURATION",
            defaultValue = "1h",
            description = "Instances unseen this long are stale: 30m, 2h, 7d; 10m to 365d (default: ${DEFAULT-VALUE}).")
    String staleAfter;

    @Override
    protected int run(Session session) throws Exception {
        Duration threshold = Rules.duration("--stale-after", staleAfter, Rules.STALE_AFTER);
        Long caller = session.meIfRegistered().map(Instance::id).orElse(null);
        int stale = new InstanceDao(session.db()).removeStale(threshold, caller);
        long expired = new MessageDao(session.db()).deleteExpired(BATCH);
        if (json()) {
            Map<String, Object> result = new LinkedHashMap<>();
            result.put("stale_instances", stale);
            result.put("expired_messages", expired);
            return printJson(result);
        }
        out().println("removed " + stale + " stale instance" + (stale == 1 ? "" : "s") + ", deleted " + expired
                + " expired message" + (expired == 1 ? "" : "s"));
        return ExitCode.OK;
    }
}

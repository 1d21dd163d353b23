package io.clambake.bench;

import io.clambake.db.InstanceDao;
import io.clambake.db.LogDao;
import io.clambake.db.MemoryDao;
import io.clambake.db.MessageDao;
import io.clambake.domain.Instance;
import io.clambake.domain.MemoryScope;
import io.clambake.domain.MemoryStatus;
import io.clambake.domain.MessageType;
import io.clambake.domain.Recipient;
import io.clambake.support.ExplainingConnection;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Runs each hot statement of the CLI through the real DAOs on a seeded database and keeps its
 * EXPLAIN ANALYZE plan. PlanTest checks the plans in CI; bench/run.sh prints them for the report.
 */
public final class HotQueryPlans {
    public static final List<String> BIG_TABLES = List.of("messages", "message_reads", "memories", "action_log");
    private static final Pattern EXECUTION = Pattern.compile("Execution Time: ([0-9.]+) ms");

    private HotQueryPlans() {
    }

    /** The seed, with its placeholders filled in. */
    public static String seedSql(Path seedFile, String schema, int instances, int messages, int memories, int logs)
            throws IOException {
        return Files.readString(seedFile)
                .replace("${schema}", schema)
                .replace("${instances}", Integer.toString(instances))
                .replace("${messages}", Integer.toString(messages))
                .replace("${memories}", Integer.toString(memories))
                .replace("${logs}", Integer.toString(logs));
    }

    /** Label of the command a statement serves -> its plans, in the order they ran. */
    public static Map<String, List<ExplainingConnection.Plan>> capture(Connection raw) throws SQLException {
        ExplainingConnection explaining = new ExplainingConnection(raw);
        Connection c = explaining.connection();
        Map<String, List<ExplainingConnection.Plan>> plans = new LinkedHashMap<>();
        InstanceDao instances = new InstanceDao(c);
        MessageDao messages = new MessageDao(c);
        MemoryDao memories = new MemoryDao(c);

        Instance reader = new InstanceDao(raw).findByName("bench-00001").orElseThrow();
        Instance other = new InstanceDao(raw).findByName("bench-00002").orElseThrow();

        instances.touchByDirectory(reader.host(), List.of(reader.dir(), "/work", "/"));
        instances.heartbeat(reader.id(), "benchmarking");
        plans.put("heartbeat (identity by directory, then update)", List.copyOf(explaining.plans()));
        explaining.clear();

        MessageDao.Page inbox = messages.unread(reader, 20);
        plans.put("inbox", List.copyOf(explaining.plans()));
        explaining.clear();

        long id = inbox.messages().isEmpty() ? 1 : inbox.messages().get(0).id();
        messages.read(reader, id);
        plans.put("read ID", List.copyOf(explaining.plans()));
        explaining.clear();

        messages.readNext(reader);
        plans.put("read --next", List.copyOf(explaining.plans()));
        explaining.clear();

        messages.send(reader.id(), new Recipient.Direct(other.name()), other.id(), MessageType.INFO, "bench",
                "benchmark message", Duration.ofDays(7));
        plans.put("send", List.copyOf(explaining.plans()));
        explaining.clear();

        List<MemoryStatus> usual = List.of(MemoryStatus.ACTIVE, MemoryStatus.RESOLVED);
        memories.recall(new MemoryDao.Query(MemoryScope.PROJECT, reader.project(), null, "deadlock", usual, 20));
        plans.put("recall --search deadlock", List.copyOf(explaining.plans()));
        explaining.clear();

        memories.recall(new MemoryDao.Query(MemoryScope.PROJECT, reader.project(), null, null, usual, 20));
        plans.put("recall (newest)", List.copyOf(explaining.plans()));
        explaining.clear();

        instances.live(null);
        messages.recent(null, 10);
        new LogDao(c).recent(null, 10);
        plans.put("status", List.copyOf(explaining.plans()));
        explaining.clear();
        return plans;
    }

    public static double executionMillis(ExplainingConnection.Plan plan) {
        Matcher m = EXECUTION.matcher(plan.plan());
        return m.find() ? Double.parseDouble(m.group(1)) : Double.NaN;
    }

    /** bench/run.sh: {@code HotQueryPlans JDBC_URL SCHEMA} prints a Markdown section of plans. */
    public static void main(String[] args) throws Exception {
        Properties props = new Properties();
        props.setProperty("currentSchema", args[1]);
        try (Connection raw = DriverManager.getConnection(args[0], props)) {
            for (int warm = 0; warm < 3; warm++) {
                capture(raw);
            }
            Map<String, List<ExplainingConnection.Plan>> plans = capture(raw);
            StringBuilder out = new StringBuilder();
            out.append("| command | statements | server time (ms, EXPLAIN ANALYZE) | seq scan of a big table |\n");
            out.append("|---|---|---|---|\n");
            for (var e : plans.entrySet()) {
                double total = e.getValue().stream().mapToDouble(HotQueryPlans::executionMillis).sum();
                boolean seq = e.getValue().stream().anyMatch(p -> BIG_TABLES.stream().anyMatch(p::seqScans));
                out.append("| ").append(e.getKey()).append(" | ").append(e.getValue().size()).append(" | ")
                        .append(String.format("%.2f", total)).append(" | ").append(seq ? "**yes**" : "no").append(" |\n");
            }
            out.append("\n");
            for (var e : plans.entrySet()) {
                out.append("#### ").append(e.getKey()).append("\n\n```\n");
                for (ExplainingConnection.Plan p : e.getValue()) {
                    out.append(p.plan()).append("\n");
                }
                out.append("```\n\n");
            }
            System.out.print(out);
        }
    }
}

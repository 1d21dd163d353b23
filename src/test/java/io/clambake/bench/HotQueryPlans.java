package io.clambake.bench;

import io.clambake.db.InstanceDao;
import io.clambake.db.LogDao;
import io.clambake.db.MemoryDao;
import io.clambake.db.MessageDao;
import io.clambake.db.MessageQueries;
import io.clambake.domain.Instance;
import io.clambake.domain.MemoryScope;
import io.clambake.domain.MemoryStatus;
import io.clambake.domain.Message;
import io.clambake.domain.MessageType;
import io.clambake.domain.Page;
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

    private HotQueryPlans() {}

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

    /** Seeds a tenth of the benchmark's data set (seed.sql ends with ANALYZE): the size CI checks plans at. */
    public static void seedTenthSize(Connection connection) throws IOException, SQLException {
        try (java.sql.Statement st = connection.createStatement()) {
            st.execute(seedSql(Path.of("bench/seed.sql"), "clambake", 200, 100_000, 20_000, 100_000));
        }
    }

    /**
     * Command -> the DAO statements it runs after opening its connection (the identity look-up
     * by $CLAMBAKE_INSTANCE first, as the CLI does), each with its plan, in the order they ran.
     */
    public static Map<String, List<ExplainingConnection.Plan>> capture(Connection raw) throws SQLException {
        ExplainingConnection explaining = new ExplainingConnection(raw);
        Connection c = explaining.connection();
        Map<String, List<ExplainingConnection.Plan>> plans = new LinkedHashMap<>();
        InstanceDao instances = new InstanceDao(c);
        MessageDao messages = new MessageDao(c);
        MemoryDao memories = new MemoryDao(c);
        List<MemoryStatus> usual = List.of(MemoryStatus.ACTIVE, MemoryStatus.RESOLVED);
        Instance reader = new InstanceDao(raw).findByName("bench-00001").orElseThrow();
        Instance other = new InstanceDao(raw).findByName("bench-00002").orElseThrow();

        instances.touchByName(reader.name());
        Page<Message> inbox = new MessageQueries(c).unread(reader, 20);
        plans.put("inbox", take(explaining));

        instances.touchByName(reader.name());
        long id = inbox.items().isEmpty() ? 1 : inbox.items().get(0).id();
        messages.read(reader, id);
        plans.put("read ID", take(explaining));

        instances.touchByName(reader.name());
        messages.readNext(reader);
        plans.put("read --next", take(explaining));

        instances.touchByName(reader.name());
        instances.findByName(other.name());
        messages.send(
                reader.id(),
                new Recipient.Direct(other.name()),
                other.id(),
                MessageType.INFO,
                "bench",
                "benchmark message",
                Duration.ofDays(7),
                null,
                null);
        plans.put("send", take(explaining));

        instances.touchByName(reader.name());
        memories.recall(new MemoryDao.Query(MemoryScope.PROJECT, reader.project(), null, "deadlock", usual, 20));
        plans.put("recall --search", take(explaining));

        instances.touchByName(reader.name());
        memories.recall(new MemoryDao.Query(MemoryScope.PROJECT, reader.project(), null, null, usual, 20));
        plans.put("recall", take(explaining));

        instances.touchByName(reader.name());
        instances.heartbeat(reader.id(), "benchmarking");
        plans.put("heartbeat", take(explaining));

        instances.touchByDirectory(reader.host(), reader.machine(), List.of(reader.dir(), "/work", "/"));
        plans.put("identity by directory", take(explaining));

        instances.touchByName(reader.name());
        instances.live(null);
        new MessageQueries(c).recent(reader.id(), null, 10);
        new LogDao(c).recent(null, 10);
        plans.put("status", take(explaining));
        return plans;
    }

    private static List<ExplainingConnection.Plan> take(ExplainingConnection explaining) {
        List<ExplainingConnection.Plan> taken = List.copyOf(explaining.plans());
        explaining.clear();
        return taken;
    }

    public static double executionMillis(ExplainingConnection.Plan plan) {
        Matcher m = EXECUTION.matcher(plan.plan());
        return m.find() ? Double.parseDouble(m.group(1)) : Double.NaN;
    }

    /**
     * bench/run.sh: {@code HotQueryPlans JDBC_URL SCHEMA OUT_DIR} prints a Markdown section of
     * plans and writes OUT_DIR/COMMAND.sql, the same statements with values written in, for psql.
     */
    public static void main(String[] args) throws Exception {
        Properties props = new Properties();
        props.setProperty("currentSchema", args[1]);
        try (Connection raw = DriverManager.getConnection(args[0], props)) {
            for (int warm = 0; warm < 3; warm++) {
                capture(raw);
            }
            Map<String, List<ExplainingConnection.Plan>> plans = capture(raw);
            Path outDir = Path.of(args[2]);
            Files.createDirectories(outDir);
            for (var e : plans.entrySet()) {
                StringBuilder sql = new StringBuilder();
                for (ExplainingConnection.Plan p : e.getValue()) {
                    sql.append(p.inlined().strip()).append(";\n");
                }
                Files.writeString(
                        outDir.resolve(e.getKey()
                                        .toLowerCase(java.util.Locale.ROOT)
                                        .replaceAll("[^a-z]+", "-")
                                        .replaceAll("-$", "")
                                + ".sql"),
                        sql);
            }
            StringBuilder out = new StringBuilder();
            out.append("| command | statements | server time (ms, EXPLAIN ANALYZE) | seq scan of a big table |\n");
            out.append("|---|---|---|---|\n");
            for (var e : plans.entrySet()) {
                double total = e.getValue().stream()
                        .mapToDouble(HotQueryPlans::executionMillis)
                        .sum();
                boolean seq =
                        e.getValue().stream().anyMatch(p -> BIG_TABLES.stream().anyMatch(p::seqScans));
                out.append("| ")
                        .append(e.getKey())
                        .append(" | ")
                        .append(e.getValue().size())
                        .append(" | ")
                        .append(String.format("%.2f", total))
                        .append(" | ")
                        .append(seq ? "**yes**" : "no")
                        .append(" |\n");
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

package io.clambake;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.clambake.support.Cli;
import io.clambake.support.DatabaseTest;
import java.sql.Connection;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/**
 * More commands at once than the server lets in (a role's CONNECTION LIMIT answers SQLSTATE 53300
 * like a full max_connections): each waits its turn with jittered backoff instead of failing at
 * once (issue 14.4).
 */
class ConnectionBurstTest extends DatabaseTest {

    @Test
    void aBurstLargerThanTheConnectionLimitAllSucceeds() throws Exception {
        String role = "clambake_burst_" + UUID.randomUUID().toString().substring(0, 8);
        try (Connection c = db.connect("public");
                Statement st = c.createStatement()) {
            st.execute("CREATE ROLE " + role + " LOGIN CONNECTION LIMIT 3");
            st.execute("GRANT CREATE, CONNECT ON DATABASE " + db.name() + " TO " + role);
        }
        try {
            String url = db.url().replaceFirst("://[^@/]*@", "://" + role + "@");
            Cli a = shell("h", "/w/burst").with("CLAMBAKE_DB_URL", url).with("CLAMBAKE_SCHEMA", "burst");
            register(a, "burst"); // migrates alone: Flyway takes two connections of the three
            ExecutorService pool = Executors.newFixedThreadPool(16);
            try {
                CountDownLatch start = new CountDownLatch(1);
                List<Future<Cli.Result>> results = new ArrayList<>();
                for (int i = 0; i < 16; i++) {
                    String subject = "burst " + i;
                    results.add(pool.submit(() -> {
                        start.await();
                        return a.run("send", "--to", "@all", "--subject", subject);
                    }));
                }
                start.countDown();
                for (Future<Cli.Result> result : results) {
                    ok(result.get());
                }
            } finally {
                pool.shutdownNow();
            }
            try (Connection c = db.connect("burst");
                    Statement st = c.createStatement();
                    var rs = st.executeQuery("SELECT count(*) FROM messages WHERE subject LIKE 'burst %'")) {
                rs.next();
                assertEquals(16, rs.getLong(1));
            }
        } finally {
            try (Connection c = db.connect("public");
                    Statement st = c.createStatement()) {
                st.execute("DROP SCHEMA IF EXISTS burst CASCADE");
                st.execute("REVOKE ALL ON DATABASE " + db.name() + " FROM " + role);
                st.execute("DROP ROLE " + role);
            }
        }
    }
}

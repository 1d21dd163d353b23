package io.clambake.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.clambake.domain.ExitCode;
import io.clambake.support.Cli;
import io.clambake.support.DatabaseTest;
import java.sql.Connection;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The page's leases panel: the active leases of the filtered project, refreshed when leases change. */
class LeasesPanelTest extends DatabaseTest {
    @Test
    void theLeasesPanelShowsTheProjectsActiveLeasesAndFollowsTheLeasesTable() throws Exception {
        Cli a = shell("panel-host", "/w/panel/a");
        register(a, "panelled");
        assertEquals(
                ExitCode.OK, a.run("lease", "src/**", "--reason", "refactor").code());
        Cli b = shell("panel-host", "/w/panel/b");
        register(b, "elsewhere");
        assertEquals(ExitCode.OK, b.run("lease", "--resource", "docker").code());
        assertTrue(Panels.following(Set.of("leases")).contains("leases"));
        assertTrue(Actions.ALL.containsKey("release-lease"));
        try (Connection c = db.connect("clambake")) {
            Map<?, ?> doc = (Map<?, ?>) Panels.read(
                            c,
                            Set.of("leases"),
                            Panels.Filter.parse(Map.of("project", "panelled")),
                            OffsetDateTime.now())
                    .get("panels");
            List<?> leases = (List<?>) ((Map<?, ?>) doc.get("leases")).get("leases");
            assertEquals(1, leases.size(), leases.toString());
            Map<?, ?> lease = (Map<?, ?>) leases.get(0);
            assertEquals("src/**", lease.get("target"));
            assertEquals("refactor", lease.get("reason"));
            assertEquals(false, lease.get("holder_stale"));
            assertEquals(
                    Boolean.TRUE,
                    ((Map<?, ?>) ((List<?>) ((Map<?, ?>) ((Map<?, ?>) Panels.read(
                                                                    c,
                                                                    Set.of("leases"),
                                                                    Panels.Filter.parse(Map.of("project", "panelled")),
                                                                    OffsetDateTime.now()
                                                                            .plusHours(2))
                                                            .get("panels"))
                                                    .get("leases"))
                                            .get("leases"))
                                    .get(0))
                            .get("holder_stale"),
                    "a holder unseen for an hour gets the page's release button");
            Map<?, ?> all =
                    (Map<?, ?>) Panels.read(c, Set.of("leases"), Panels.Filter.parse(Map.of()), OffsetDateTime.now())
                            .get("panels");
            assertEquals(2, ((List<?>) ((Map<?, ?>) all.get("leases")).get("leases")).size());
        }
    }
}

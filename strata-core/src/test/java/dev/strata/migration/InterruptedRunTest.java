package dev.strata.migration;

import dev.strata.PostgresServer;
import dev.strata.Strata;
import dev.strata.testing.Kill;
import dev.strata.testing.SharedPostgres;
import dev.strata.testing.TestStrata;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code kill -9} of a process in the middle of its fan-out: the run stays its own until the lease
 * expires, then the next process takes it over and finishes the targets still pending, without
 * running again what the killed one had migrated.
 */
class InterruptedRunTest {
    private static final Duration LEASE = Duration.ofMillis(500);

    @TempDir
    Path migrations;

    private final Deployments deployments = new Deployments(LEASE);
    private Process child;

    @AfterEach
    void stopAll() {
        if (child != null && child.isAlive()) {
            child.destroyForcibly();
        }
        deployments.close();
    }

    @Test
    void a_run_killed_mid_way_is_resumed_by_the_next_process_once_its_lease_expired() throws Exception {
        Strata v1 = deployments.start(MigrationSets.upTo(migrations, 1));
        FanOutTopology topology = new FanOutTopology(v1);
        v1.close();
        String location = MigrationSets.upTo(migrations, 2);
        String acmeDatabase = topology.acme.placement().database();

        try (Gate gate = Gate.closeIn(acmeDatabase)) {
            PostgresServer pg = SharedPostgres.server();
            child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-cp", testClassPath(), FanOutChild.class.getName(), pg.host(), String.valueOf(pg.port()), pg.user(),
                    pg.password() == null ? "-" : pg.password(), deployments.namespace(), location, String.valueOf(LEASE.toMillis()))
                    .redirectErrorStream(true).redirectOutput(migrations.resolve("child.log").toFile()).start();
            try {
                Gate.await("the child migrated everything outside acme's database", () -> {
                    if (!child.isAlive()) {
                        throw new AssertionError("the child ended");
                    }
                    String[] run = deployments.onlyRun();
                    return run != null && run[4].contains("\"done\": 5");
                });
            } catch (AssertionError e) {
                String threads = "";
                if (child.isAlive()) {
                    Process jstack = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "jstack").toString(),
                            String.valueOf(child.pid())).redirectErrorStream(true).start();
                    threads = new String(jstack.getInputStream().readAllBytes());
                }
                throw new AssertionError(e.getMessage() + "; the child's threads:\n" + threads + "\nthe child said:\n"
                        + java.nio.file.Files.readString(migrations.resolve("child.log")), e);
            }
            Kill.hard(List.of(child.toHandle()));
            endSessionsOf(acmeDatabase);
        }
        String[] killed = deployments.onlyRun();
        assertThat(killed[1]).as("the killed process's run is still running").isEqualTo("running");

        Strata next = deployments.start(location);
        Gate.await("the interrupted run is finished", () -> "succeeded".equals(deployments.onlyRun()[1]));
        String[] resumed = deployments.onlyRun();
        assertThat(resumed[0]).as("the same run, taken over").isEqualTo(killed[0]);
        assertThat(resumed[2]).isNotEqualTo(killed[2]);
        assertThat(Integer.parseInt(resumed[3])).as("attempts").isEqualTo(2);
        assertThat(resumed[4]).contains("\"failed\": 0");
        assertThat(next.migrations().status()).hasSize(7).allSatisfy(t -> {
            assertThat(t.version()).as(t.target()).isEqualTo("2");
            assertThat(t.error()).as(t.target()).isNull();
        });
        for (String target : topology.tenantTargets(next)) {
            assertThat(FanOutTopology.timesApplied(target, "2")).as(target).isEqualTo(1);
        }
    }

    /** The killed child's server sessions (a waiting migration) end as the server notices; ended here at once. */
    private static void endSessionsOf(String database) throws SQLException {
        try (Connection c = TestStrata.admin("postgres");
             PreparedStatement ps = c.prepareStatement(
                     "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = ? AND pid <> pg_backend_pid()")) {
            ps.setString(1, database);
            ps.execute();
        }
    }

    private static String testClassPath() {
        String surefire = System.getProperty("surefire.test.class.path");
        return surefire != null && !surefire.isBlank() ? surefire : System.getProperty("java.class.path");
    }
}

package dev.strata.embedded;

import dev.strata.embedded.internal.PostmasterPidFile;
import dev.strata.embedded.testing.Kill;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

import static dev.strata.embedded.LocalPostgresSecurityTest.query;
import static dev.strata.embedded.LocalPostgresSecurityTest.rows;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The embedded PostgreSQL keeps what it acknowledged: durable settings by default (only an explicit
 * opt-in, used by the test fixture, turns them off), and a server killed with {@code kill -9}
 * restarts from its stale {@code postmaster.pid} with every committed row.
 */
class LocalPostgresDurabilityTest {

    @Test
    void the_embedded_server_is_durable_by_default(@TempDir Path dir) throws Exception {
        try (LocalPostgres pg = LocalPostgres.start(dir)) {
            assertThat(query(pg, "SHOW fsync")).isEqualTo("on");
            assertThat(query(pg, "SHOW synchronous_commit")).isEqualTo("on");
            assertThat(query(pg, "SHOW full_page_writes")).isEqualTo("on");
        }
    }

    @Test
    void it_runs_non_durable_only_when_asked_and_a_later_default_start_is_durable_again(@TempDir Path dir) throws Exception {
        try (LocalPostgres pg = LocalPostgres.start(dir, LocalPostgres.options().durable(false))) {
            assertThat(query(pg, "SHOW fsync")).isEqualTo("off");
            assertThat(query(pg, "SHOW synchronous_commit")).isEqualTo("off");
        }
        try (LocalPostgres pg = LocalPostgres.start(dir, false)) {
            assertThat(query(pg, "SHOW fsync")).isEqualTo("on");
            assertThat(query(pg, "SHOW synchronous_commit")).isEqualTo("on");
        }
    }

    @Test
    void a_server_killed_with_sigkill_restarts_from_its_stale_pid_file_with_every_committed_row(@TempDir Path dir) throws Exception {
        LocalPostgres first = LocalPostgres.start(dir);
        List<String> committed = new ArrayList<>();
        try (Connection c = DriverManager.getConnection(first.jdbcUrl("postgres"), "postgres", first.password());
             Statement s = c.createStatement()) {
            s.execute("CREATE TABLE acknowledged (n int PRIMARY KEY)");
            for (int n = 0; n < 50; n++) {
                s.execute("INSERT INTO acknowledged VALUES (" + n + ")");
                committed.add(Integer.toString(n));
            }
        }
        long postmaster = PostmasterPidFile.of(dir.resolve("pg")).orElseThrow().pid();
        Kill.hard(List.of(ProcessHandle.of(postmaster).orElseThrow()));
        first.close(); // releases this JVM's hold on the directory; the server is already gone
        assertThat(dir.resolve("pg").resolve("postmaster.pid")).as("left behind by kill -9").exists();

        try (LocalPostgres second = LocalPostgres.start(dir)) {
            assertThat(second.attached()).isFalse();
            assertThat(rows(second, "SELECT n::text FROM acknowledged")).containsExactlyInAnyOrderElementsOf(committed);
        }
    }

    @Test
    void a_pid_file_naming_the_postmaster_of_another_cluster_is_stale_and_that_server_is_left_alone(@TempDir Path parent)
            throws Exception {
        Path mine = parent.resolve("mine");
        LocalPostgres.start(mine).close();
        try (LocalPostgres other = LocalPostgres.start(parent.resolve("other"))) {
            Files.copy(parent.resolve("other").resolve("pg").resolve("postmaster.pid"), mine.resolve("pg").resolve("postmaster.pid"));

            try (LocalPostgres pg = LocalPostgres.start(mine)) {
                assertThat(pg.attached()).isFalse();
                assertThat(pg.port()).isNotEqualTo(other.port());
                assertThat(query(pg, "SELECT 1")).isEqualTo("1");
            }
            assertThat(query(other, "SELECT 1")).isEqualTo("1");
        }
    }

    @Test
    void a_pid_file_naming_a_live_process_that_is_not_this_clusters_postmaster_is_stale(@TempDir Path dir) throws Exception {
        LocalPostgres.start(dir).close();
        Path pidFile = dir.resolve("pg").resolve("postmaster.pid");
        // after a reboot the old pid may belong to anything: here, this JVM
        Files.writeString(pidFile, ProcessHandle.current().pid() + "\n" + dir.resolve("pg") + "\n1700000000\n5432\n\n127.0.0.1\n0 0\nready\n");

        try (LocalPostgres pg = LocalPostgres.start(dir)) {
            assertThat(pg.attached()).isFalse();
            assertThat(query(pg, "SELECT 1")).isEqualTo("1");
        }
    }
}

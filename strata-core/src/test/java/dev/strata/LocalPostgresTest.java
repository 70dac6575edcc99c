package dev.strata;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;

import static org.assertj.core.api.Assertions.assertThat;

class LocalPostgresTest {

    @Test
    void a_second_start_on_a_running_directory_attaches_and_its_close_leaves_the_server_running(@TempDir Path dir)
            throws Exception {
        LocalPostgres owner = LocalPostgres.start(dir);
        try {
            assertThat(owner.attached()).isFalse();
            LocalPostgres attached = LocalPostgres.start(dir);
            assertThat(attached.attached()).isTrue();
            assertThat(attached.server().port()).isEqualTo(owner.server().port());
            assertThat(attached.server().password()).isEqualTo(owner.server().password());
            assertThat(select1(attached.server())).isEqualTo(1);

            attached.close();

            assertThat(select1(owner.server())).as("the owner's server still runs").isEqualTo(1);
        } finally {
            owner.close();
        }
        assertThat(Files.exists(dir.resolve("pg").resolve("postmaster.pid"))).isFalse();
    }

    private static int select1(PostgresServer server) throws Exception {
        try (Connection c = DriverManager.getConnection(server.jdbcUrl("postgres"), server.user(), server.password());
             Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT 1")) {
            rs.next();
            return rs.getInt(1);
        }
    }
}

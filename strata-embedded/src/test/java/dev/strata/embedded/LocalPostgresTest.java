package dev.strata.embedded;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
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
            assertThat(attached.port()).isEqualTo(owner.port());
            assertThat(attached.password()).isEqualTo(owner.password());
            assertThat(select1(attached)).isEqualTo(1);

            attached.close();

            assertThat(select1(owner)).as("the owner's server still runs").isEqualTo(1);
        } finally {
            owner.close();
        }
        assertThat(Files.exists(dir.resolve("pg").resolve("postmaster.pid"))).isFalse();
    }

    @Test
    void its_database_url_reaches_it_as_the_superuser_and_its_printable_form_hides_the_password(@TempDir Path dir)
            throws Exception {
        try (LocalPostgres pg = LocalPostgres.start(dir, LocalPostgres.options().durable(false))) {
            URI url = URI.create(pg.databaseUrl());

            assertThat(url.getScheme()).isEqualTo("postgresql");
            assertThat(url.getHost()).isEqualTo(pg.host()).isEqualTo("127.0.0.1");
            assertThat(url.getPort()).isEqualTo(pg.port());
            assertThat(url.getUserInfo()).isEqualTo(pg.user() + ":" + pg.password());
            assertThat(url.getPath()).isEqualTo("/" + pg.database());
            assertThat(pg.password()).isEqualTo(Files.readString(dir.resolve("pg-superuser-password")).strip());
            try (Connection c = DriverManager.getConnection("jdbc:postgresql://" + url.getHost() + ":" + url.getPort()
                    + url.getPath(), pg.user(), pg.password()); Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")) {
                rs.next();
                assertThat(rs.getBoolean(1)).isTrue();
            }
            assertThat(pg.toString()).doesNotContain(pg.password()).contains("***", Integer.toString(pg.port()));
        }
    }

    private static int select1(LocalPostgres pg) throws Exception {
        try (Connection c = DriverManager.getConnection(pg.jdbcUrl("postgres"), pg.user(), pg.password());
             Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT 1")) {
            rs.next();
            return rs.getInt(1);
        }
    }
}

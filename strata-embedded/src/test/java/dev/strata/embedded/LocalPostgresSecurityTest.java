package dev.strata.embedded;

import dev.strata.embedded.LocalPostgresException.Reason;
import dev.strata.embedded.internal.HostBasedAuthentication;
import dev.strata.embedded.internal.PostgresBinaries;
import dev.strata.embedded.internal.PostmasterPidFile;
import dev.strata.embedded.testing.ObservedStart;
import dev.strata.embedded.testing.WireLogin;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The embedded PostgreSQL as a local attacker sees it: it never accepts a login without the
 * superuser's password, not during its first start, not after a restart, not when an older
 * installation is upgraded or another process's server is attached to; its secrets and directories
 * are readable by their owner only from the moment they exist.
 */
class LocalPostgresSecurityTest {
    private static final String PERMISSIVE_HBA = """
            local   all   all                 trust
            host    all   all   127.0.0.1/32  trust
            host    all   all   ::1/128       trust
            host    replication   all   127.0.0.1/32  trust
            """;

    @Test
    void a_new_server_never_accepts_a_login_without_password_during_or_after_its_first_start(@TempDir Path dir) throws Exception {
        ObservedStart.Result start = ObservedStart.start(dir, LocalPostgres.options());
        try (LocalPostgres pg = start.postgres()) {
            assertThat(start.logins()).noneMatch(o -> o.kind() == WireLogin.Kind.ACCEPTED_WITHOUT_PASSWORD);
            assertThat(start.answered()).as("the probe reached the server").isNotEmpty()
                    .allMatch(o -> o.kind() == WireLogin.Kind.PASSWORD_REQUESTED || o.kind() == WireLogin.Kind.REFUSED);
            assertThat(ObservedStart.tryAll(pg.port()))
                    .extracting(WireLogin.Outcome::kind).doesNotContain(WireLogin.Kind.ACCEPTED_WITHOUT_PASSWORD);
            assertThat(query(pg, "SELECT current_user")).isEqualTo("postgres");
        }
    }

    @Test
    void a_wrong_password_is_refused(@TempDir Path dir) throws Exception {
        try (LocalPostgres pg = LocalPostgres.start(dir)) {
            assertThatThrownBy(() -> rows(pg.port(), "not-the-password", "SELECT 1")).hasMessageContaining("password authentication failed");
        }
    }

    @Test
    void secrets_and_directories_are_owner_only_from_their_creation(@TempDir Path parent) throws Exception {
        Path dir = parent.resolve("home").resolve("strata");
        ObservedStart.Result start = ObservedStart.start(dir, LocalPostgres.options());
        try (LocalPostgres pg = start.postgres()) {
            assertThat(start.modeViolations()).isEmpty();
            assertThat(mode(dir)).isEqualTo("rwx------");
            assertThat(mode(parent.resolve("home"))).as("missing parents are created private too").isEqualTo("rwx------");
            assertThat(mode(dir.resolve("pg"))).isEqualTo("rwx------");
            assertThat(mode(dir.resolve("pg-superuser-password"))).isEqualTo("rw-------");
            assertThat(mode(dir.resolve("pg").resolve("pg_hba.conf"))).isEqualTo("rw-------");
            assertThat(Files.readString(dir.resolve("pg-superuser-password")).strip()).isEqualTo(pg.password());
        }
    }

    @Test
    void the_cluster_allows_only_scram_passwords_over_loopback_tcp_and_has_no_unix_socket(@TempDir Path dir) throws Exception {
        try (LocalPostgres pg = LocalPostgres.start(dir)) {
            List<String> rules = rows(pg, "SELECT type || ' ' || array_to_string(database, ',') || ' '"
                    + " || array_to_string(user_name, ',') || ' ' || coalesce(address, '-') || ' ' || coalesce(netmask, '-')"
                    + " || ' ' || auth_method || coalesce(' ' || error, '') FROM pg_hba_file_rules ORDER BY rule_number");
            assertThat(rules).containsExactly(
                    "local all all - - scram-sha-256",
                    "host all all 127.0.0.1 255.255.255.255 scram-sha-256",
                    "host all all ::1 ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff scram-sha-256");
            assertThat(Files.readString(dir.resolve("pg").resolve("pg_hba.conf"))).isEqualTo(HostBasedAuthentication.CONTENT);
            assertThat(query(pg, "SHOW listen_addresses")).isEqualTo("127.0.0.1");
            assertThat(query(pg, "SHOW unix_socket_directories")).isEmpty();
            assertThat(query(pg, "SHOW password_encryption")).isEqualTo("scram-sha-256");
            assertThat(query(pg, "SELECT rolpassword FROM pg_authid WHERE rolname = 'postgres'")).startsWith("SCRAM-SHA-256$");
            int port = pg.port();
            assertThat(Path.of("/tmp/.s.PGSQL." + port)).doesNotExist();
            assertThat(dir.resolve("pg").resolve(".s.PGSQL." + port)).doesNotExist();
        }
    }

    @Test
    void a_restart_narrows_widened_modes_and_rewrites_a_permissive_pg_hba_before_the_server_starts(@TempDir Path dir) throws Exception {
        String password;
        try (LocalPostgres pg = LocalPostgres.start(dir)) {
            password = pg.password();
        }
        widen(dir);
        Files.writeString(dir.resolve("pg").resolve("pg_hba.conf"), PERMISSIVE_HBA);

        ObservedStart.Result restart = ObservedStart.start(dir, LocalPostgres.options());
        try (LocalPostgres pg = restart.postgres()) {
            assertThat(pg.attached()).isFalse();
            assertThat(restart.logins()).noneMatch(o -> o.kind() == WireLogin.Kind.ACCEPTED_WITHOUT_PASSWORD);
            assertThat(restart.answered()).isNotEmpty();
            assertThat(Files.readString(dir.resolve("pg").resolve("pg_hba.conf"))).isEqualTo(HostBasedAuthentication.CONTENT);
            assertThat(ObservedStart.modeViolations(dir)).isEmpty();
            assertThat(mode(dir.resolve("pg"))).isEqualTo("rwx------");
            assertThat(pg.password()).isEqualTo(password);
            assertThat(query(pg, "SELECT 1")).isEqualTo("1");
        }
    }

    @Test
    void attaching_to_a_running_server_narrows_modes_and_reloads_a_permissive_pg_hba(@TempDir Path dir) throws Exception {
        try (LocalPostgres owner = LocalPostgres.start(dir)) {
            int port = owner.port();
            Files.writeString(dir.resolve("pg").resolve("pg_hba.conf"), PERMISSIVE_HBA);
            query(owner, "SELECT pg_reload_conf()::text");
            assertThat(WireLogin.attempt("127.0.0.1", port, "postgres", "postgres", false).kind())
                    .as("the tampered server is open (the premise)").isEqualTo(WireLogin.Kind.ACCEPTED_WITHOUT_PASSWORD);
            widen(dir);

            LocalPostgres attached = LocalPostgres.start(dir);

            assertThat(attached.attached()).isTrue();
            assertThat(ObservedStart.tryAll(port)).extracting(WireLogin.Outcome::kind)
                    .doesNotContain(WireLogin.Kind.ACCEPTED_WITHOUT_PASSWORD);
            assertThat(Files.readString(dir.resolve("pg").resolve("pg_hba.conf"))).isEqualTo(HostBasedAuthentication.CONTENT);
            assertThat(ObservedStart.modeViolations(dir)).isEmpty();
            attached.close();
            assertThat(query(owner, "SELECT 1")).isEqualTo("1");
        }
    }

    @Test
    void two_starts_on_a_new_directory_at_once_make_one_server_with_one_password(@TempDir Path dir) throws Exception {
        var first = java.util.concurrent.CompletableFuture.supplyAsync(() -> LocalPostgres.start(dir));
        var second = java.util.concurrent.CompletableFuture.supplyAsync(() -> LocalPostgres.start(dir));
        LocalPostgres a = first.get(2, java.util.concurrent.TimeUnit.MINUTES);
        LocalPostgres b = second.get(2, java.util.concurrent.TimeUnit.MINUTES);
        LocalPostgres owner = a.attached() ? b : a;
        LocalPostgres attached = a.attached() ? a : b;
        try {
            assertThat(owner.attached()).isFalse();
            assertThat(attached.attached()).isTrue();
            assertThat(attached.port()).isEqualTo(owner.port());
            assertThat(attached.password()).isEqualTo(owner.password())
                    .isEqualTo(Files.readString(dir.resolve("pg-superuser-password")).strip());
            assertThat(query(attached, "SELECT 1")).isEqualTo("1");
        } finally {
            attached.close();
            owner.close();
        }
    }

    @Test
    void a_directory_that_is_not_a_cluster_is_refused_and_left_alone(@TempDir Path dir) throws Exception {
        Files.createDirectories(dir.resolve("pg"));
        Files.writeString(dir.resolve("pg").resolve("notes.txt"), "mine");

        assertThatThrownBy(() -> LocalPostgres.start(dir))
                .isInstanceOfSatisfying(LocalPostgresException.class, e -> assertThat(e.reason()).isEqualTo(Reason.INVALID_CONFIGURATION))
                .hasMessageContaining("not a PostgreSQL cluster");
        assertThat(Files.readString(dir.resolve("pg").resolve("notes.txt"))).isEqualTo("mine");
        assertThat(dir.resolve("pg-superuser-password")).doesNotExist();
    }

    @Test
    void a_data_directory_others_may_write_to_is_refused_and_left_as_it_was(@TempDir Path parent) throws Exception {
        for (String mode : List.of("rwxrwxrwx", "rwxrwx---", "rwx-w--w-")) {
            Path dir = Files.createDirectory(parent.resolve("shared-" + mode.replace('-', '_')));
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString(mode));

            assertThatThrownBy(() -> LocalPostgres.start(dir))
                    .isInstanceOfSatisfying(LocalPostgresException.class, e -> assertThat(e.reason()).isEqualTo(Reason.INVALID_CONFIGURATION))
                    .hasMessageContaining("writable by others");
            assertThat(mode(dir)).isEqualTo(mode);
            try (var entries = Files.list(dir)) {
                assertThat(entries).as("nothing created in " + mode).isEmpty();
            }
        }
    }

    @Test
    void the_binaries_are_run_from_a_private_directory_not_from_a_shared_temporary_one(@TempDir Path dir) throws Exception {
        try (LocalPostgres pg = LocalPostgres.start(dir)) {
            Path binaries = PostgresBinaries.directory();
            Path privateParent = PostgresBinaries.workingDirectory().getParent();
            assertThat(binaries).startsWith(privateParent);
            assertThat(mode(privateParent)).isEqualTo("rwx------");
            assertThat(Files.getOwner(privateParent).getName()).isEqualTo(System.getProperty("user.name"));
            long postmaster = PostmasterPidFile.of(dir.resolve("pg")).orElseThrow().pid();
            assertThat(ProcessHandle.of(postmaster).orElseThrow().info().command()).hasValueSatisfying(
                    command -> assertThat(Path.of(command)).startsWith(privateParent));
        }
    }

    @Test
    void a_cluster_without_its_password_file_is_refused(@TempDir Path dir) throws Exception {
        LocalPostgres.start(dir).close();
        Files.delete(dir.resolve("pg-superuser-password"));

        assertThatThrownBy(() -> LocalPostgres.start(dir))
                .isInstanceOfSatisfying(LocalPostgresException.class, e -> assertThat(e.reason()).isEqualTo(Reason.INVALID_CONFIGURATION))
                .hasMessageContaining("has no pg-superuser-password");
    }

    /** What an older Strata (or a careless user) left: a 0755 data directory and cluster, a 0644 password file. */
    private static void widen(Path dir) throws Exception {
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.setPosixFilePermissions(dir.resolve("pg"), PosixFilePermissions.fromString("rwxr-x---"));
        Files.setPosixFilePermissions(dir.resolve("pg-superuser-password"), PosixFilePermissions.fromString("rw-r--r--"));
        assertThat(ObservedStart.modeViolations(dir)).isNotEmpty();
    }

    static String mode(Path path) throws Exception {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(path));
    }

    static String query(LocalPostgres pg, String sql) throws Exception {
        List<String> rows = rows(pg, sql);
        return rows.isEmpty() ? null : rows.get(0);
    }

    static List<String> rows(LocalPostgres pg, String sql) throws Exception {
        return rows(pg.port(), pg.password(), sql);
    }

    /** The first column of every row {@code sql} returns, as the superuser with {@code password}, over TCP. */
    static List<String> rows(int port, String password, String sql) throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + port + "/postgres", "postgres", password);
             Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            List<String> out = new ArrayList<>();
            while (rs.next()) {
                out.add(rs.getString(1));
            }
            return out;
        }
    }
}

package dev.strata.server.launcher;

import com.fasterxml.jackson.databind.JsonNode;
import dev.strata.embedded.internal.PostmasterPidFile;
import dev.strata.embedded.testing.ObservedStart;
import dev.strata.embedded.testing.WireLogin;
import dev.strata.server.api.Json;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The shaded jar end to end, through {@code bin/strata}: {@code serve} starts the embedded
 * PostgreSQL and runs the migrations from inside the jar, creates the admin key once, answers the
 * CLI, shares its PostgreSQL with {@code demo}, stops cleanly on SIGTERM and loses nothing.
 */
class ServeIT {
    @TempDir
    Path dataDir;

    private Process serve;

    @AfterEach
    void stopEverything() throws IOException {
        if (serve != null && serve.isAlive()) {
            serve.destroyForcibly();
        }
        Path pid = dataDir.resolve("pg").resolve("postmaster.pid");
        if (Files.exists(pid)) {
            long postmaster = Long.parseLong(Files.readAllLines(pid).get(0).trim());
            ProcessHandle.of(postmaster).ifPresent(ProcessHandle::destroy);
        }
    }

    @Test
    void serve_creates_the_admin_key_once_shares_postgres_with_demo_and_stops_cleanly() throws Exception {
        int port = freePort();
        Map<String, String> env = Map.of("STRATA_HOME", dataDir.toString(), "STRATA_API", "http://127.0.0.1:" + port);

        Path out1 = dataDir.resolve("serve-1.out");
        serve = startServe(port, out1);
        String banner = Files.readString(out1);
        String keyLine = banner.lines().filter(l -> l.startsWith("Admin API key (shown once, also saved to "
                + dataDir.resolve("admin-key") + "): ")).findFirst().orElseThrow(() -> new AssertionError(banner));
        String key = keyLine.substring(keyLine.lastIndexOf(' ') + 1);
        assertThat(key).startsWith("strata_");
        assertThat(Files.readString(dataDir.resolve("admin-key")).strip()).isEqualTo(key);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dataDir.resolve("admin-key")))).isEqualTo("rw-------");
        assertThat(health(port)).isEqualTo(200);
        embeddedPostgresIsPrivateAndDurable();

        Processes.Result created = strata(env, "tenants", "create", "--tier", "1", "--slug", "it-alpha");
        assertThat(created.exitCode()).as(created.toString()).isZero();

        Processes.Result demo = strata(env, "demo", "--json", "--data-dir", dataDir.toString());
        JsonNode report = Json.mapper().readTree(demo.out());
        for (JsonNode check : report.at("/isolation/results")) {
            if (!check.get("name").asText().equals("audit_passes")) {
                assertThat(check.get("passed").asBoolean()).as(check.toString()).isTrue();
            }
        }
        assertThat(health(port)).as("demo attached to serve's PostgreSQL and left it running").isEqualTo(200);
        Processes.Result list = strata(env, "tenants", "list", "--tier", "1");
        assertThat(list.out()).contains("it-alpha", "alpha", "beta");

        serve.destroy(); // SIGTERM
        assertThat(serve.waitFor(2, TimeUnit.MINUTES)).isTrue();
        assertThat(Files.exists(dataDir.resolve("pg").resolve("postmaster.pid"))).as("PostgreSQL stopped").isFalse();
        String log = Files.readString(dataDir.resolve("serve-1.out.err"));
        assertThat(log).contains("Shutting down: HTTP server, Strata, then PostgreSQL").contains("Stopped")
                .as("PostgreSQL stops after Strata, not under it").doesNotContain("lost its connection");
        assertThat(banner + log).as("the key is shown once and never logged").containsOnlyOnce(key);

        Path out2 = dataDir.resolve("serve-2.out");
        serve = startServe(port, out2);
        assertThat(Files.readString(out2)).doesNotContain("shown once").contains("Admin API key: in " + dataDir.resolve("admin-key"));
        Processes.Result show = strata(env, "tenants", "show", "it-alpha");
        assertThat(show.exitCode()).as(show.toString()).isZero();
        serve.destroy();
        assertThat(serve.waitFor(2, TimeUnit.MINUTES)).isTrue();
    }

    /** What {@code serve} started: owner-only files, no login without password, fsync and synchronous_commit on. */
    private void embeddedPostgresIsPrivateAndDurable() throws Exception {
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dataDir))).isEqualTo("rwx------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dataDir.resolve("pg")))).isEqualTo("rwx------");
        Path passwordFile = dataDir.resolve("pg-superuser-password");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(passwordFile))).isEqualTo("rw-------");
        int pgPort = PostmasterPidFile.of(dataDir.resolve("pg")).orElseThrow().port();
        assertThat(ObservedStart.tryAll(pgPort)).extracting(WireLogin.Outcome::kind)
                .doesNotContain(WireLogin.Kind.ACCEPTED_WITHOUT_PASSWORD, WireLogin.Kind.UNREACHABLE);
        try (Connection c = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + pgPort + "/postgres", "postgres",
                Files.readString(passwordFile).strip()); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT current_setting('fsync') || ' ' || current_setting('synchronous_commit')")) {
            rs.next();
            assertThat(rs.getString(1)).as("strata serve runs durable").isEqualTo("on on");
        }
    }

    @Test
    void serve_runs_with_the_migrations_of_strata_migrations_and_the_cli_migrates_through_it() throws Exception {
        Path migrations = Files.createDirectories(dataDir.resolve("app-migrations"));
        Files.writeString(migrations.resolve("V1__notes.sql"), "CREATE TABLE notes (tenant_id uuid NOT NULL, "
                + "id uuid NOT NULL DEFAULT gen_random_uuid(), body text NOT NULL, PRIMARY KEY (tenant_id, id));\n");
        int port = freePort();
        Map<String, String> env = Map.of("STRATA_HOME", dataDir.toString(), "STRATA_API", "http://127.0.0.1:" + port);
        Path out = dataDir.resolve("serve-m.out");
        serve = startServe(port, out, Map.of("STRATA_MIGRATIONS", "filesystem:" + migrations));
        assertThat(Files.readString(out)).contains("Tenant migrations: filesystem:" + migrations);

        Processes.Result created = strata(env, "tenants", "create", "--tier", "1", "--slug", "it-notes");
        assertThat(created.exitCode()).as(created.toString()).isZero();
        Processes.Result status = strata(env, "migrate", "status", "--json");
        assertThat(status.exitCode()).as(status.toString()).isZero();
        JsonNode targets = Json.mapper().readTree(status.out()).get("targets");
        assertThat(targets.size()).isGreaterThanOrEqualTo(2);
        for (JsonNode t : targets) {
            assertThat(t.get("version").asText()).as(t.toString()).isEqualTo("1");
            assertThat(t.get("pending")).as(t.toString()).isEmpty();
        }
        Processes.Result apply = strata(env, "migrate", "apply");
        assertThat(apply.exitCode()).as(apply.toString()).isZero();
        assertThat(apply.out()).as("not a terminal: plain lines").doesNotContain("\r").contains("Migrated: ");
        Processes.Result validate = strata(env, "migrate", "validate");
        assertThat(validate.exitCode()).as(validate.toString()).isZero();
        serve.destroy();
        assertThat(serve.waitFor(2, TimeUnit.MINUTES)).isTrue();
    }

    private Process startServe(int port, Path stdout) throws IOException, InterruptedException {
        return startServe(port, stdout, Map.of());
    }

    private Process startServe(int port, Path stdout, Map<String, String> env) throws IOException, InterruptedException {
        Process p = Processes.builder(dataDir, env,
                        List.of(Processes.LAUNCHER.toString(), "serve", "--data-dir", dataDir.toString(), "--port", Integer.toString(port)))
                .redirectOutput(stdout.toFile())
                .redirectError(dataDir.resolve(stdout.getFileName() + ".err").toFile())
                .start();
        // bounded wait for readiness (first start runs initdb), not a timing assertion
        for (int i = 0; i < 1200 && p.isAlive(); i++) {
            if (Files.readString(stdout, StandardCharsets.UTF_8).contains("REST API on ")) {
                return p;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("serve did not come up: " + Files.readString(stdout)
                + Files.readString(dataDir.resolve(stdout.getFileName() + ".err")));
    }

    private Processes.Result strata(Map<String, String> env, String... args) {
        List<String> command = new java.util.ArrayList<>(List.of(Processes.LAUNCHER.toString()));
        command.addAll(List.of(args));
        return Processes.run(dataDir, env, command);
    }

    private static int health(int port) throws IOException, InterruptedException {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/health")).build(),
                HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}

package dev.strata.internal.move;

import dev.strata.IsolationMode;
import dev.strata.NewTenant;
import dev.strata.PostgresServer;
import dev.strata.Strata;
import dev.strata.Tenant;
import dev.strata.embedded.LocalPostgres;
import dev.strata.internal.sql.DataPlane;
import dev.strata.testing.AppSchemas;
import dev.strata.testing.Shop;
import dev.strata.testing.StrataFixture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A tenant's rows move to another PostgreSQL server while it and a neighbour write: the target
 * is a database on a second embedded server holding the shop schema (built from the shop's own
 * migrations). The copy streams between the servers, the changes follow, verification matches,
 * the target's sequence is ahead, and neither server keeps a slot, publication or origin.
 */
class CrossServerCaptureTest {
    @RegisterExtension
    static final StrataFixture FIXTURE = StrataFixture.with(AppSchemas.SHOP);
    private static final String TARGET_DATABASE = "capture_target";

    private static Path directory;
    private static LocalPostgres second;
    private static CopyEndpoint target;

    @BeforeAll
    static void secondServer() throws Exception {
        directory = Files.createTempDirectory("strata-capture-second");
        second = LocalPostgres.start(directory, LocalPostgres.options().durable(false));
        PostgresServer server = PostgresServer.parse(second.databaseUrl());
        try (Connection c = admin("postgres"); Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + TARGET_DATABASE);
        }
        try (Connection c = admin(TARGET_DATABASE); Statement s = c.createStatement()) {
            s.execute("CREATE SCHEMA app");
            s.execute("SET search_path = app");
            for (String script : List.of("V1__customers_orders_lines.sql", "V2__events_and_views.sql")) {
                try (InputStream in = CrossServerCaptureTest.class.getResourceAsStream("/db/shop/" + script)) {
                    s.execute(new String(in.readAllBytes(), StandardCharsets.UTF_8));
                }
            }
        }
        target = new CopyEndpoint(new DataPlane("second", server), TARGET_DATABASE, "app");
    }

    @AfterAll
    static void stopSecond() throws IOException {
        if (second != null) {
            second.close();
        }
        try (var paths = Files.walk(directory)) {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    @Test
    void rls_rows_move_to_a_database_on_another_server_while_it_and_its_neighbour_write() throws Exception {
        Strata strata = FIXTURE.strata();
        Tenant t1 = strata.tenants().create(NewTenant.t1("cross-a").withMode(IsolationMode.RLS));
        Tenant mover = strata.tenants().create(NewTenant.t2("cross-a-mover", t1.slug()).withMode(IsolationMode.RLS));
        Tenant neighbour = strata.tenants().create(NewTenant.t2("cross-a-neighbour", t1.slug()).withMode(IsolationMode.RLS));
        Shop.seed(strata, mover.id(), "mover");
        Shop.seed(strata, neighbour.id(), "neighbour");
        CopyEndpoint source = CaptureFixture.endpointOf(strata, mover.id());
        CopyScope scope = CaptureFixture.scope(mover.id());
        String name = CaptureFixture.captureName("cross");
        ChangeCapture capture = new LogicalChangeCapture();

        capture.requireCapturable(source, scope);
        try (ShopWriter a = ShopWriter.start(strata, mover.id(), "mover"); ShopWriter b = ShopWriter.start(strata, neighbour.id(), "neighbour")) {
            capture.start(name, source, scope);
            a.awaitRounds(3);
            assertThat(capture.initialCopy(name, source, target, scope)).isGreaterThanOrEqualTo(10);
            a.awaitRounds(3);
            capture.catchUp(name, source, target, scope, Duration.ofSeconds(5));
            a.awaitRounds(3);
            b.awaitRounds(1);
        }
        assertThat(capture.catchUp(name, source, target, scope, Duration.ofSeconds(60))).isZero();
        capture.syncSequences(source, target, scope);
        assertThat(capture.verify(source, target, scope)).hasSize(4)
                .allSatisfy(check -> assertThat(check.matches()).as("%s", check).isTrue());
        for (String table : CaptureFixture.SHOP_TABLES) {
            assertThat(rowsAtTarget(table)).isEqualTo(CaptureFixture.rows(source, table, mover.id()));
        }
        try (Connection c = admin(TARGET_DATABASE); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT (SELECT count(*) FROM app.customers WHERE tenant_id <> '" + mover.id()
                     + "'), pg_sequence_last_value('app.order_lines_id_seq') >= (SELECT max(id) FROM app.order_lines)")) {
            rs.next();
            assertThat(rs.getLong(1)).as("rows of other tenants at the target").isZero();
            assertThat(rs.getBoolean(2)).as("target sequence ahead of every moved id").isTrue();
        }

        capture.stop(name, source, target);
        assertThat(CaptureFixture.artefactsOf(name, source)).isEmpty();
        try (Connection c = admin(TARGET_DATABASE); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT (SELECT count(*) FROM pg_replication_origin) + (SELECT count(*) FROM pg_replication_slots)")) {
            rs.next();
            assertThat(rs.getLong(1)).as("origins and slots on the target server").isZero();
        }
    }

    private static List<String> rowsAtTarget(String table) throws SQLException {
        List<String> out = new ArrayList<>();
        try (Connection c = admin(TARGET_DATABASE);
             PreparedStatement ps = c.prepareStatement("SELECT t::text FROM app." + table + " t ORDER BY 1");
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.add(rs.getString(1));
            }
        }
        return out;
    }

    private static Connection admin(String database) throws SQLException {
        return target == null && second != null
                ? new DataPlane("second", PostgresServer.parse(second.databaseUrl())).openAdmin(database)
                : target.plane().openAdmin(database);
    }
}

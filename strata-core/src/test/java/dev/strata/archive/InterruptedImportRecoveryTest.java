package dev.strata.archive;

import dev.strata.IsolationMode;
import dev.strata.NewTenant;
import dev.strata.Strata;
import dev.strata.Tenant;
import dev.strata.TenantStatus;
import dev.strata.internal.provisioning.InitialData;
import dev.strata.internal.provisioning.PlacementPlan;
import dev.strata.testing.TestStrata;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A process that dies while an import loads data leaves a provisioning tenant and a running
 * journal entry behind. An ordinary provisioning would be completed at the next start; an import
 * cannot be (its archive is gone), so the next start rolls it back completely.
 */
class InterruptedImportRecoveryTest {
    private static Strata strata;

    /** Stands for the process dying: not an exception the provisioner handles. */
    private static final class Crash extends Error {
        Crash() {
            super("simulated crash while loading");
        }
    }

    @AfterAll
    static void stop() {
        TestStrata.stopAndDrop(strata);
    }

    @Test
    void an_import_interrupted_while_loading_is_rolled_back_at_the_next_start() throws SQLException {
        strata = TestStrata.start();
        String namespace = strata.config().namespace();
        Tenant home = strata.tenants().create(NewTenant.t1("home"));
        Map<IsolationMode, UUID> crashed = new EnumMap<>(IsolationMode.class);
        Map<IsolationMode, PlacementPlan> placements = new EnumMap<>(IsolationMode.class);
        for (IsolationMode mode : IsolationMode.values()) {
            InitialData halfLoad = new InitialData() {
                @Override
                public void load(PlacementPlan placement) throws SQLException {
                    placements.put(mode, placement);
                    insertOneRowAsAdmin(placement);
                    throw new Crash();
                }

                @Override
                public String eventDetailJson() {
                    return "{}";
                }
            };
            assertThatThrownBy(() -> strata.internals().provisioner()
                    .create(NewTenant.t2("crashed-" + mode.wireName(), "home").withMode(mode), "test", halfLoad))
                    .isInstanceOf(Crash.class);
            Tenant left = strata.tenants().get("crashed-" + mode.wireName());
            assertThat(left.status()).isEqualTo(TenantStatus.PROVISIONING);
            crashed.put(mode, left.id());
        }
        assertThat(rowsOf(home, crashed.get(IsolationMode.RLS))).as("the half load committed").isEqualTo(1);
        strata.close();

        strata = TestStrata.configure().namespace(namespace).start();

        assertThat(strata.tenants().list()).extracting(Tenant::id).doesNotContainAnyElementsOf(crashed.values());
        assertThat(databases(namespace)).doesNotContain(placements.get(IsolationMode.DATABASE).database().name());
        assertThat(schemas(home)).doesNotContain(placements.get(IsolationMode.SCHEMA).schema());
        assertThat(rowsOf(home, crashed.get(IsolationMode.RLS))).as("rows left in the T1's shared tables").isZero();
        assertThat(localTenants(home)).doesNotContainAnyElementsOf(crashed.values());
        try (Connection m = TestStrata.admin(namespace);
             PreparedStatement ps = m.prepareStatement("SELECT count(*) FROM platform.operations WHERE state = 'running'");
             ResultSet rs = ps.executeQuery()) {
            rs.next();
            assertThat(rs.getLong(1)).isZero();
        }
        assertThat(strata.tenants().get("home").status()).isEqualTo(TenantStatus.ACTIVE);
    }

    private static void insertOneRowAsAdmin(PlacementPlan p) throws SQLException {
        try (Connection c = TestStrata.admin(p.database().name())) {
            c.setAutoCommit(false);
            try (PreparedStatement ps = c.prepareStatement("SELECT platform.set_tenant_context(?, 2)")) {
                ps.setObject(1, p.tenantId());
                ps.execute();
            }
            try (PreparedStatement ps = c.prepareStatement(
                    "INSERT INTO \"" + p.schema() + "\".documents (tenant_id, title) VALUES (?, 'half')")) {
                ps.setObject(1, p.tenantId());
                ps.executeUpdate();
            }
            c.commit();
        }
    }

    private static long rowsOf(Tenant home, UUID tenant) throws SQLException {
        try (Connection c = TestStrata.admin(home.placement().database());
             PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM app.documents WHERE tenant_id = ?")) {
            ps.setObject(1, tenant);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    private static List<String> databases(String namespace) throws SQLException {
        return strings("postgres", "SELECT datname FROM pg_database WHERE datname LIKE ? || '%'", namespace);
    }

    private static List<String> schemas(Tenant home) throws SQLException {
        return strings(home.placement().database(), "SELECT nspname FROM pg_namespace WHERE nspname LIKE ? || '%'", "t_");
    }

    private static List<UUID> localTenants(Tenant home) throws SQLException {
        return strings(home.placement().database(), "SELECT id::text FROM platform.tenants WHERE ? = ?", "x")
                .stream().map(UUID::fromString).toList();
    }

    private static List<String> strings(String database, String sql, String parameter) throws SQLException {
        List<String> out = new ArrayList<>();
        try (Connection c = TestStrata.admin(database); PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 1; i <= ps.getParameterMetaData().getParameterCount(); i++) {
                ps.setString(i, parameter);
            }
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getString(1));
                }
            }
        }
        return out;
    }
}

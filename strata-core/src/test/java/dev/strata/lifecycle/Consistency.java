package dev.strata.lifecycle;

import dev.strata.IsolationMode;
import dev.strata.Placement;
import dev.strata.Strata;
import dev.strata.Tenant;
import dev.strata.TenantStatus;
import dev.strata.Tier;
import dev.strata.testing.Documents;
import dev.strata.testing.TestStrata;

import java.io.ByteArrayOutputStream;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The end state every race must leave: no operation or tenant half-way, every live tenant fully
 * present (database, schema, local registration, parent alive, exportable, data reachable if it is
 * active), every decommissioned tenant fully gone (no database of its own, no schema, no rows, no
 * local registration).
 */
final class Consistency {
    private Consistency() {
    }

    /** Asserts the whole namespace is consistent; returns the live T1 and T2 tenants. */
    static List<Tenant> assertConsistent(Strata strata) throws SQLException {
        return assertConsistent(strata, "");
    }

    /**
     * Asserts no tenant and no operation is half-way, and checks the tenants whose slug starts
     * with the prefix (those a race touched) in depth; returns the live T1 and T2 tenants checked.
     */
    static List<Tenant> assertConsistent(Strata strata, String slugPrefix) throws SQLException {
        String namespace = strata.config().namespace();
        assertThat(count(namespace, "SELECT count(*) FROM platform.operations WHERE state = 'running'"))
                .as("no operation is left running").isZero();
        List<Tenant> all = strata.tenants().list();
        Map<UUID, Tenant> byId = all.stream().collect(Collectors.toMap(Tenant::id, Function.identity()));
        List<Tenant> live = new ArrayList<>();
        for (Tenant t : all) {
            if (t.tier() == Tier.T0) {
                continue;
            }
            assertThat(t.status()).as("tenant '%s' is not left half-way", t.slug())
                    .isIn(TenantStatus.ACTIVE, TenantStatus.SUSPENDED, TenantStatus.DECOMMISSIONED);
            if (!t.slug().startsWith(slugPrefix)) {
                continue;
            }
            if (t.status() == TenantStatus.DECOMMISSIONED) {
                assertGone(t);
            } else {
                assertPresent(strata, t, byId);
                live.add(t);
            }
        }
        return live;
    }

    private static void assertPresent(Strata strata, Tenant t, Map<UUID, Tenant> byId) throws SQLException {
        Placement p = t.placement();
        assertThat(databaseExists(p.database())).as("database of live tenant '%s'", t.slug()).isTrue();
        assertThat(count(strata.config().namespace(), "SELECT count(*) FROM platform.databases WHERE name = '"
                + p.database() + "' AND dropped_at IS NULL")).as("database of '%s' not recorded dropped", t.slug()).isEqualTo(1);
        assertThat(registeredLocally(p.database(), t.id())).as("'%s' registered in its database", t.slug()).isTrue();
        if (p.mode() == IsolationMode.SCHEMA) {
            assertThat(schemaExists(p.database(), p.schema())).as("schema of '%s'", t.slug()).isTrue();
        }
        boolean effectivelyActive = t.status() == TenantStatus.ACTIVE;
        if (t.tier() == Tier.T2) {
            Tenant parent = byId.get(t.parentId());
            assertThat(parent.status()).as("parent of live T2 '%s'", t.slug()).isIn(TenantStatus.ACTIVE, TenantStatus.SUSPENDED);
            effectivelyActive &= parent.status() == TenantStatus.ACTIVE;
        }
        strata.exportTenant(t.id().toString(), new ByteArrayOutputStream());
        if (effectivelyActive) {
            Documents.visible(strata, t.id());
        }
    }

    private static void assertGone(Tenant t) throws SQLException {
        Placement p = t.placement();
        String ownDatabase = "_t_" + t.id().toString().replace("-", "");
        if (p.database().endsWith(ownDatabase)) {
            assertThat(databaseExists(p.database())).as("own database of decommissioned '%s'", t.slug()).isFalse();
            return;
        }
        if (!databaseExists(p.database())) {
            return;
        }
        assertThat(registeredLocally(p.database(), t.id())).as("decommissioned '%s' unregistered", t.slug()).isFalse();
        if (p.mode() == IsolationMode.SCHEMA) {
            assertThat(schemaExists(p.database(), p.schema())).as("schema of decommissioned '%s'", t.slug()).isFalse();
        } else if (schemaExists(p.database(), p.schema())) {
            assertThat(Documents.stored(t)).as("rows of decommissioned '%s'", t.slug()).isEmpty();
        }
    }

    static boolean databaseExists(String name) throws SQLException {
        return anyRow("postgres", "SELECT 1 FROM pg_database WHERE datname = ?", name);
    }

    private static boolean schemaExists(String database, String schema) throws SQLException {
        return anyRow(database, "SELECT 1 FROM pg_namespace WHERE nspname = ?", schema);
    }

    private static boolean registeredLocally(String database, UUID id) throws SQLException {
        return anyRow(database, "SELECT 1 FROM platform.tenants WHERE id = ?", id);
    }

    /** Whether {@code sql}, with its one parameter, finds a row in {@code database} (as the administrator). */
    private static boolean anyRow(String database, String sql, Object parameter) throws SQLException {
        try (Connection c = TestStrata.admin(database); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setObject(1, parameter);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }

    static long count(String database, String sql) throws SQLException {
        try (Connection c = TestStrata.admin(database);
             PreparedStatement ps = c.prepareStatement(sql);
             ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        }
    }
}

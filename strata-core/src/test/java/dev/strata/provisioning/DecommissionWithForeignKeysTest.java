package dev.strata.provisioning;

import dev.strata.IsolationMode;
import dev.strata.NewTenant;
import dev.strata.Strata;
import dev.strata.Tenant;
import dev.strata.TenantStatus;
import dev.strata.testing.AppSchemas;
import dev.strata.testing.Shop;
import dev.strata.testing.StrataFixture;
import dev.strata.testing.TestStrata;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.Map;

import static dev.strata.internal.sql.Identifiers.qualified;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Decommissioning a tenant that shares its tables deletes its rows whatever foreign keys the
 * application's tables have between them (referencing tables first), and leaves its neighbours'
 * rows as they were.
 */
class DecommissionWithForeignKeysTest {
    @RegisterExtension
    static final StrataFixture FIXTURE = StrataFixture.with(AppSchemas.SHOP);

    private Strata strata() {
        return FIXTURE.strata();
    }

    @Test
    void an_rls_t2_with_rows_in_tables_that_reference_each_other_is_decommissioned_and_its_sibling_keeps_its_rows()
            throws SQLException {
        strata().tenants().create(NewTenant.t1("fk-parent"));
        Tenant gone = strata().tenants().create(NewTenant.t2("fk-gone", "fk-parent"));
        Tenant kept = strata().tenants().create(NewTenant.t2("fk-kept", "fk-parent"));
        Shop.seed(strata(), gone.id(), "gone");
        Shop.seed(strata(), kept.id(), "kept");

        assertThat(strata().tenants().decommission("fk-gone", false).status()).isEqualTo(TenantStatus.DECOMMISSIONED);

        assertThat(rowsPerTable(gone)).allSatisfy((table, rows) -> assertThat(rows).as(table).isZero());
        assertThat(rowsPerTable(kept)).isEqualTo(Shop.ROWS_PER_TENANT);
    }

    @Test
    void a_t1_in_the_shared_rls_database_is_decommissioned_with_its_t2s_and_a_neighbour_t1_keeps_its_rows()
            throws SQLException {
        Tenant t1 = strata().tenants().create(NewTenant.t1("fk-shared").withMode(IsolationMode.RLS));
        Tenant child = strata().tenants().create(NewTenant.t2("fk-shared-kid", "fk-shared"));
        Tenant neighbour = strata().tenants().create(NewTenant.t1("fk-neighbour").withMode(IsolationMode.RLS));
        Shop.seed(strata(), t1.id(), "t1");
        Shop.seed(strata(), child.id(), "kid");
        Shop.seed(strata(), neighbour.id(), "neighbour");

        assertThat(strata().tenants().decommission("fk-shared", true).status()).isEqualTo(TenantStatus.DECOMMISSIONED);

        assertThat(rowsPerTable(t1)).allSatisfy((table, rows) -> assertThat(rows).as(table).isZero());
        assertThat(rowsPerTable(child)).allSatisfy((table, rows) -> assertThat(rows).as(table).isZero());
        assertThat(rowsPerTable(neighbour)).isEqualTo(Shop.ROWS_PER_TENANT);
    }

    /** The tenant's rows in each of the shop's tables, counted as Strata's administrator. */
    private static Map<String, Integer> rowsPerTable(Tenant tenant) throws SQLException {
        Map<String, Integer> out = new LinkedHashMap<>();
        try (Connection c = TestStrata.admin(tenant.placement().database())) {
            for (String table : Shop.ROWS_PER_TENANT.keySet()) {
                try (PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM "
                        + qualified(tenant.placement().schema(), table) + " WHERE tenant_id = ?")) {
                    ps.setObject(1, tenant.id());
                    try (ResultSet rs = ps.executeQuery()) {
                        rs.next();
                        out.put(table, rs.getInt(1));
                    }
                }
            }
        }
        return out;
    }
}

package dev.strata.provisioning;

import dev.strata.NewTenant;
import dev.strata.Strata;
import dev.strata.Tenant;
import dev.strata.TenantStatus;
import dev.strata.testing.Documents;
import dev.strata.testing.TestStrata;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;

import static org.assertj.core.api.Assertions.assertThat;

/** A crash in the middle of provisioning or decommissioning is completed at the next start. */
class RecoveryTest {

    @Test
    void provisioning_interrupted_after_registration_is_completed_at_the_next_start() throws SQLException {
        Strata strata = TestStrata.start();
        String namespace = strata.config().namespace();
        try {
            Tenant t1 = strata.tenants().create(NewTenant.t1("crashy"));
            String database = t1.placement().database();
            strata.close();
            // Simulate a crash right after the registration committed: the database was never built.
            try (Connection c = TestStrata.admin("postgres"); Statement s = c.createStatement()) {
                s.execute("DROP DATABASE \"" + database + "\" WITH (FORCE)");
            }
            try (Connection c = TestStrata.admin(namespace); Statement s = c.createStatement()) {
                s.execute("UPDATE platform.tenants SET status = 'provisioning' WHERE id = '" + t1.id() + "'");
                s.execute("UPDATE platform.databases SET schema_version = 0 WHERE name = '" + database + "'");
                s.execute("UPDATE platform.operations SET state = 'running', finished_at = NULL WHERE tenant_id = '" + t1.id() + "'");
            }
            strata = TestStrata.start(b -> b.namespace(namespace));
            assertThat(strata.tenants().get("crashy").status()).isEqualTo(TenantStatus.ACTIVE);
            Documents.insert(strata, t1.id(), "works");
            assertThat(Documents.visible(strata, t1.id())).hasSize(1);
        } finally {
            TestStrata.stopAndDrop(strata);
        }
    }

    @Test
    void decommissioning_interrupted_before_the_drop_is_finished_at_the_next_start() throws SQLException {
        Strata strata = TestStrata.start();
        String namespace = strata.config().namespace();
        try {
            Tenant t1 = strata.tenants().create(NewTenant.t1("halfway"));
            strata.close();
            try (Connection c = TestStrata.admin(namespace)) {
                try (Statement s = c.createStatement()) {
                    s.execute("UPDATE platform.tenants SET status = 'suspended' WHERE id = '" + t1.id() + "'");
                }
                try (PreparedStatement ps = c.prepareStatement("INSERT INTO platform.operations (id, kind, tenant_id, state) "
                        + "VALUES (gen_random_uuid(), 'decommission', ?, 'running')")) {
                    ps.setObject(1, t1.id());
                    ps.executeUpdate();
                }
            }
            strata = TestStrata.start(b -> b.namespace(namespace));
            assertThat(strata.tenants().get(t1.id()).status()).isEqualTo(TenantStatus.DECOMMISSIONED);
            try (Connection c = TestStrata.admin("postgres");
                 PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM pg_database WHERE datname = ?")) {
                ps.setString(1, t1.placement().database());
                try (var rs = ps.executeQuery()) {
                    rs.next();
                    assertThat(rs.getInt(1)).isZero();
                }
            }
        } finally {
            TestStrata.stopAndDrop(strata);
        }
    }
}

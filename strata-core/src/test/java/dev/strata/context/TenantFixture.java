package dev.strata.context;

import dev.strata.IsolationMode;
import dev.strata.NewTenant;
import dev.strata.Strata;
import dev.strata.Tenant;
import dev.strata.TenantScope;
import dev.strata.testing.TestStrata;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Tenants for the context tests, each with known documents: T1 {@code alpha} (its own database)
 * with T2s {@code a1} and {@code a2} under RLS, and T1 {@code sigma} in schema mode.
 */
final class TenantFixture implements AutoCloseable {
    final Strata strata;
    final Tenant alpha;
    final Tenant a1;
    final Tenant a2;
    final Tenant sigma;

    private TenantFixture(Strata strata) throws SQLException {
        this.strata = strata;
        this.alpha = strata.tenants().create(NewTenant.t1("alpha"));
        this.a1 = strata.tenants().create(NewTenant.t2("a1", "alpha"));
        this.a2 = strata.tenants().create(NewTenant.t2("a2", "alpha"));
        this.sigma = strata.tenants().create(NewTenant.t1("sigma").withMode(IsolationMode.SCHEMA));
        for (Tenant t : List.of(alpha, a1, a2, sigma)) {
            for (int i = 1; i <= 3; i++) {
                String title = t.slug() + "-" + i;
                strata.useTenant(t.id(), scope -> insert(scope, title));
            }
        }
    }

    static TenantFixture start() {
        Strata strata = TestStrata.start();
        try {
            return new TenantFixture(strata);
        } catch (SQLException | RuntimeException e) {
            TestStrata.stopAndDrop(strata);
            throw new IllegalStateException(e);
        }
    }

    /** Inserts a document of the scope's tenant. */
    static void insert(TenantScope scope, String title) throws SQLException {
        try (PreparedStatement ps = scope.connection().prepareStatement(
                "INSERT INTO documents (tenant_id, title) VALUES (?, ?)")) {
            ps.setObject(1, scope.tenantId());
            ps.setString(2, title);
            ps.executeUpdate();
        }
    }

    /** Titles the connection sees, sorted (no explicit tenant filter: RLS or the schema decides). */
    static List<String> titles(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT title FROM documents ORDER BY title");
             ResultSet rs = ps.executeQuery()) {
            return strings(rs);
        }
    }

    static List<String> strings(ResultSet rs) throws SQLException {
        List<String> out = new ArrayList<>();
        while (rs.next()) {
            out.add(rs.getString(1));
        }
        return out;
    }

    /** The tenant id in force, read in its own statement. */
    static UUID contextTenant(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT platform.current_tenant_id()");
             ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getObject(1, UUID.class);
        }
    }

    static List<String> ownTitles(Tenant t) {
        return List.of(t.slug() + "-1", t.slug() + "-2", t.slug() + "-3");
    }

    @Override
    public void close() {
        TestStrata.stopAndDrop(strata);
    }
}

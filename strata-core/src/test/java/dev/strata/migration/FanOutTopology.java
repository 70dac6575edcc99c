package dev.strata.migration;

import dev.strata.IsolationMode;
import dev.strata.NewTenant;
import dev.strata.Strata;
import dev.strata.Tenant;
import dev.strata.testing.TestStrata;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Tenants in every kind of migration target, made through a Strata running the given migrations:
 * acme (T1, own database) with acme-r (RLS) and acme-s (schema) under it; beta (T1, shared RLS
 * database); gamma (T1, schema in the shared schema database) with gamma-s (schema); omega (T1,
 * own database) decommissioned. And the administrator's view of what the migrations left there.
 */
final class FanOutTopology {
    final Tenant acme;
    final Tenant acmeRls;
    final Tenant acmeSchema;
    final Tenant beta;
    final Tenant gamma;
    final Tenant gammaSchema;
    final Tenant omega;

    FanOutTopology(Strata strata) {
        var tenants = strata.tenants();
        acme = tenants.create(NewTenant.t1("acme").withMode(IsolationMode.DATABASE));
        acmeRls = tenants.create(NewTenant.t2("acme-r", "acme").withMode(IsolationMode.RLS));
        acmeSchema = tenants.create(NewTenant.t2("acme-s", "acme").withMode(IsolationMode.SCHEMA));
        beta = tenants.create(NewTenant.t1("beta").withMode(IsolationMode.RLS));
        gamma = tenants.create(NewTenant.t1("gamma").withMode(IsolationMode.SCHEMA));
        gammaSchema = tenants.create(NewTenant.t2("gamma-s", "gamma").withMode(IsolationMode.SCHEMA));
        Tenant o = tenants.create(NewTenant.t1("omega").withMode(IsolationMode.DATABASE));
        omega = tenants.decommission(o.id().toString(), true);
    }

    /** The target name of the schema holding a tenant's tables. */
    static String target(Tenant tenant) {
        var p = tenant.placement();
        return p.dataPlane() + "/" + p.database() + "/" + p.schema();
    }

    static String template(Strata strata) {
        return "default/" + strata.config().namespace() + "_template/app";
    }

    static String shared(Strata strata, String suffix) {
        return "default/" + strata.config().namespace() + "_" + suffix + "/app";
    }

    /** Every target the topology has but the template (which accepts no connections between migrations). */
    List<String> tenantTargets(Strata strata) {
        return targets(strata).subList(1, targets(strata).size());
    }

    /** Every target the topology has, the template first. */
    List<String> targets(Strata strata) {
        return List.of(template(strata), target(acme), target(acmeSchema), shared(strata, "shared_rls"),
                shared(strata, "shared_schema"), target(gamma), target(gammaSchema));
    }

    /** Stores a row as the tenant, through the request path. */
    static void insertItem(Strata strata, Tenant tenant, String note) throws SQLException {
        strata.useTenant(tenant.id(), scope -> {
            try (PreparedStatement ps = scope.connection().prepareStatement("INSERT INTO items (tenant_id, note) VALUES (?, ?)")) {
                ps.setObject(1, scope.tenantId());
                ps.setString(2, note);
                ps.executeUpdate();
            }
        });
    }

    /** The notes the tenant sees, through the request path. */
    static List<String> notes(Strata strata, Tenant tenant) throws SQLException {
        return strata.inTenant(tenant.id(), scope -> {
            List<String> out = new ArrayList<>();
            try (PreparedStatement ps = scope.connection().prepareStatement("SELECT note FROM items ORDER BY id");
                 ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getString(1));
                }
            }
            return out;
        });
    }

    /** The columns of {@code items} in a target, as the administrator sees them. */
    static List<String> itemColumns(String target) throws SQLException {
        String[] parts = target.split("/");
        try (Connection c = TestStrata.admin(parts[1]);
             PreparedStatement ps = c.prepareStatement("""
                     SELECT column_name FROM information_schema.columns
                      WHERE table_schema = ? AND table_name = 'items' ORDER BY ordinal_position""")) {
            ps.setString(1, parts[2]);
            List<String> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getString(1));
                }
            }
            return out;
        }
    }

    /** How often a version was recorded as applied in a target's history. */
    static int timesApplied(String target, String version) throws SQLException {
        String[] parts = target.split("/");
        try (Connection c = TestStrata.admin(parts[1]);
             PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM \"" + parts[2]
                     + "\".strata_schema_history WHERE version = ? AND success")) {
            ps.setString(1, version);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        }
    }

    /** The migration operations journalled in a namespace: id, state, owner, attempts, progress. */
    static List<String[]> migrateOperations(String namespace) throws SQLException {
        try (Connection c = TestStrata.admin(namespace);
             PreparedStatement ps = c.prepareStatement("""
                     SELECT id::text, state, owner, attempts::text, progress::text, coalesce(tenant_id::text, '')
                       FROM platform.operations WHERE kind = 'migrate' ORDER BY started_at""");
             ResultSet rs = ps.executeQuery()) {
            List<String[]> out = new ArrayList<>();
            while (rs.next()) {
                out.add(new String[] {rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5),
                        rs.getString(6)});
            }
            return out;
        }
    }

    static UUID id(String[] operation) {
        return UUID.fromString(operation[0]);
    }
}

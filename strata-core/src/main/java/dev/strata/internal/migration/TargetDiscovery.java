package dev.strata.internal.migration;

import dev.strata.internal.provisioning.DatabaseStore;
import dev.strata.internal.sql.PhysicalNames;
import dev.strata.migration.MigrationTargetKind;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * Finds every app schema that receives the application's migrations, from the registry in the
 * management database: the {@code app} schema of every live database Strata created (a tenant's own
 * database: kind {@code database}; the shared RLS and shared schema databases: kind {@code shared})
 * and every live tenant schema ({@code t_<id>}, kind {@code schema}), grouped by database. Dropped
 * databases and tenants being decommissioned or decommissioned are left out. The templates are not
 * in the registry ({@link #template}). Stateless.
 */
final class TargetDiscovery {
    /** One app schema found, and whether its tenant is still being provisioned (it may not exist yet). */
    record Candidate(AppSchema schema, boolean provisioning) {
    }

    /**
     * The targets of one database.
     *
     * @param mayBeMissing the database is still being created (its owner is provisioning, or it is not
     *                     marked ready yet): if it does not exist yet, it is skipped
     */
    record DatabaseTargets(String dataPlane, String database, boolean mayBeMissing, List<Candidate> candidates) {
        DatabaseTargets {
            candidates = List.copyOf(candidates);
        }

        DatabaseTargets only(Set<String> names) {
            return new DatabaseTargets(dataPlane, database, mayBeMissing,
                    candidates.stream().filter(c -> names.contains(c.schema().name())).toList());
        }
    }

    private TargetDiscovery() {
    }

    /** The template database's app schema on a data plane. */
    static AppSchema template(String dataPlane, PhysicalNames names) {
        return new AppSchema(dataPlane, names.templateDatabase(), PhysicalNames.APP_SCHEMA, MigrationTargetKind.TEMPLATE, null);
    }

    /** Every registered target but the templates, by database (in name order), in one management query each kind. */
    static List<DatabaseTargets> discover(Connection management) throws SQLException {
        Map<String, List<Candidate>> byDatabase = new LinkedHashMap<>();
        Map<String, String[]> databases = new LinkedHashMap<>();
        Map<String, Boolean> building = new LinkedHashMap<>();
        try (PreparedStatement ps = management.prepareStatement("""
                SELECT d.data_plane, d.name, d.purpose, d.owner_tenant_id, t.status, d.schema_version
                  FROM platform.databases d LEFT JOIN platform.tenants t ON t.id = d.owner_tenant_id
                 WHERE d.dropped_at IS NULL
                   AND (t.id IS NULL OR t.status NOT IN ('decommissioning', 'decommissioned'))
                 ORDER BY d.data_plane, d.name""");
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                String plane = rs.getString(1);
                String name = rs.getString(2);
                boolean own = "tenant".equals(rs.getString(3));
                UUID owner = rs.getObject(4, UUID.class);
                boolean provisioning = "provisioning".equals(rs.getString(5));
                String key = key(plane, name);
                databases.put(key, new String[] {plane, name});
                building.put(key, provisioning || rs.getInt(6) < DatabaseStore.READY);
                AppSchema app = new AppSchema(plane, name, PhysicalNames.APP_SCHEMA,
                        own ? MigrationTargetKind.DATABASE : MigrationTargetKind.SHARED, own ? owner : null);
                byDatabase.computeIfAbsent(key, k -> new ArrayList<>()).add(new Candidate(app, provisioning));
            }
        }
        try (PreparedStatement ps = management.prepareStatement("""
                SELECT p.data_plane, p.database_name, p.schema_name, p.tenant_id, t.status
                  FROM platform.placements p
                  JOIN platform.tenants t ON t.id = p.tenant_id
                  JOIN platform.databases d ON d.data_plane = p.data_plane AND d.name = p.database_name
                 WHERE p.mode = 'schema' AND d.dropped_at IS NULL
                   AND t.status NOT IN ('decommissioning', 'decommissioned')
                 ORDER BY p.data_plane, p.database_name, p.schema_name""");
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                String key = key(rs.getString(1), rs.getString(2));
                List<Candidate> list = byDatabase.get(key);
                if (list == null) {
                    continue; // its database's owner is being decommissioned
                }
                AppSchema schema = new AppSchema(rs.getString(1), rs.getString(2), rs.getString(3),
                        MigrationTargetKind.SCHEMA, rs.getObject(4, UUID.class));
                list.add(new Candidate(schema, "provisioning".equals(rs.getString(5))));
            }
        }
        List<DatabaseTargets> out = new ArrayList<>();
        byDatabase.forEach((key, list) -> {
            String[] db = databases.get(key);
            out.add(new DatabaseTargets(db[0], db[1], building.get(key), list));
        });
        return out;
    }

    private static String key(String plane, String database) {
        return plane + "/" + database;
    }
}

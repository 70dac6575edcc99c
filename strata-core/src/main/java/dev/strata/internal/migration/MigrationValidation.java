package dev.strata.internal.migration;

import dev.strata.internal.sql.PhysicalNames;
import dev.strata.migration.MigrationDrift;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static dev.strata.internal.sql.Identifiers.literal;
import static dev.strata.internal.sql.Identifiers.quote;

/**
 * Compares what every target's history says was applied with the migrations found: a checksum that
 * differs (the script changed after it was applied) and a migration applied but no longer found
 * are drift, reported and never re-run. One query per database (its schemas' histories read
 * together). Changes nothing. Stateless.
 */
final class MigrationValidation {
    /** Histories read in one statement. */
    private static final int SCHEMAS_PER_QUERY = 200;

    private MigrationValidation() {
    }

    static List<MigrationDrift> validate(DatabaseScan scan, TenantMigrationSet set) {
        Map<String, TenantMigration> byVersion = new HashMap<>();
        set.migrations().forEach(m -> byVersion.put(m.version(), m));
        List<MigrationDrift> out = new ArrayList<>();
        for (DatabaseScan.Scanned<List<MigrationDrift>> s : scan.scan((c, db) -> read(c, db, byVersion))) {
            if (s.error() != null) {
                for (TargetDiscovery.Candidate c : s.database().candidates()) {
                    out.add(new MigrationDrift(c.schema().name(), null, null, null, null, "not validated: " + s.error()));
                }
            } else {
                out.addAll(s.result());
            }
        }
        return out;
    }

    private static List<MigrationDrift> read(Connection c, TargetDiscovery.DatabaseTargets db,
                                             Map<String, TenantMigration> byVersion) throws SQLException {
        Map<String, String> applied = SchemaMigrator.appliedVersions(c);
        Map<String, AppSchema> withHistory = new HashMap<>();
        for (TargetDiscovery.Candidate candidate : db.candidates()) {
            String schema = candidate.schema().schema();
            if (applied.containsKey(schema) && !PhysicalNames.PLATFORM_SCHEMA.equals(schema)) {
                withHistory.put(schema, candidate.schema());
            }
        }
        List<MigrationDrift> out = new ArrayList<>();
        List<String> schemas = new ArrayList<>(withHistory.keySet());
        schemas.sort(null);
        for (int from = 0; from < schemas.size(); from += SCHEMAS_PER_QUERY) {
            List<String> part = schemas.subList(from, Math.min(schemas.size(), from + SCHEMAS_PER_QUERY));
            StringBuilder sql = new StringBuilder();
            for (String schema : part) {
                if (!sql.isEmpty()) {
                    sql.append(" UNION ALL ");
                }
                sql.append("SELECT ").append(literal(schema)).append(", version, script, checksum FROM ")
                        .append(quote(schema)).append('.').append(quote(Migrations.historyTable()))
                        .append(" WHERE success AND version IS NOT NULL AND type NOT IN ('SCHEMA', 'BASELINE', 'DELETE')");
            }
            sql.append(" ORDER BY 1, 2");
            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql.toString())) {
                while (rs.next()) {
                    AppSchema target = withHistory.get(rs.getString(1));
                    String version = rs.getString(2);
                    String script = rs.getString(3);
                    Integer checksum = (Integer) rs.getObject(4);
                    TenantMigration found = byVersion.get(version);
                    if (found == null) {
                        out.add(new MigrationDrift(target.name(), version, script, checksum, null,
                                "applied, but no longer among the migrations found: restore " + script
                                        + " in the configured locations (a migration is never un-applied)"));
                    } else if (checksum == null || checksum != found.checksum()) {
                        out.add(new MigrationDrift(target.name(), version, script, checksum, found.checksum(),
                                "changed after it was applied (checksum " + checksum + " applied, " + found.checksum()
                                        + " found): restore the applied script and put the change in a new migration"));
                    }
                }
            }
        }
        return out;
    }
}

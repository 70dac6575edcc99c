package dev.strata.internal.migration;

import dev.strata.internal.sql.PhysicalNames;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Where each app schema of one database stands: ONE catalog query for the database
 * ({@link SchemaMigrator#appliedVersions}) compared with the migrations found; no Flyway call, no
 * query per schema. Stateless.
 */
final class PendingDetection {
    /**
     * One target's state.
     *
     * @param version the newest applied version, {@code null} if none
     * @param pending what is still to apply, oldest first
     */
    record TargetState(AppSchema schema, String version, List<TenantMigration> pending) {
        TargetState {
            pending = List.copyOf(pending);
        }

        List<String> pendingVersions() {
            return pending.stream().map(TenantMigration::version).toList();
        }
    }

    private PendingDetection() {
    }

    /**
     * The state of every candidate of the database the connection is open on. A tenant schema
     * still being provisioned that has no history yet is left out: its provisioning migrates it to
     * the newest version.
     */
    static List<TargetState> detect(Connection admin, List<TargetDiscovery.Candidate> candidates, TenantMigrationSet set)
            throws SQLException {
        Map<String, String> applied = SchemaMigrator.appliedVersions(admin);
        List<TargetState> out = new ArrayList<>(candidates.size());
        for (TargetDiscovery.Candidate candidate : candidates) {
            String schema = candidate.schema().schema();
            boolean known = applied.containsKey(schema) && !PhysicalNames.PLATFORM_SCHEMA.equals(schema);
            if (!known && candidate.provisioning() && !PhysicalNames.APP_SCHEMA.equals(schema)) {
                continue;
            }
            String version = known ? applied.get(schema) : null;
            out.add(new TargetState(candidate.schema(), version, set.pendingAfter(version)));
        }
        return out;
    }
}

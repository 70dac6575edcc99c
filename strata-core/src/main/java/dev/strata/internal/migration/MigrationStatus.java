package dev.strata.internal.migration;

import dev.strata.migration.MigrationTarget;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Where every target stands: its newest applied version and what is pending (one catalog query per
 * database, {@link PendingDetection}), and why its last attempt failed if the newest outcome the
 * journal holds for it is a failure and it is still behind. Changes nothing. Stateless.
 */
final class MigrationStatus {
    private MigrationStatus() {
    }

    static List<MigrationTarget> read(DatabaseScan scan, TenantMigrationSet set, MigrationJournal journal) {
        Map<String, String> errors = journal.lastErrors();
        List<DatabaseScan.Scanned<List<PendingDetection.TargetState>>> scanned =
                scan.scan((c, db) -> PendingDetection.detect(c, db.candidates(), set));
        List<MigrationTarget> out = new ArrayList<>();
        for (DatabaseScan.Scanned<List<PendingDetection.TargetState>> s : scanned) {
            if (s.error() != null) {
                for (TargetDiscovery.Candidate c : s.database().candidates()) {
                    out.add(new MigrationTarget(c.schema().name(), c.schema().kind(), c.schema().tenant(), null,
                            versions(set.pendingAfter(null)), s.error()));
                }
                continue;
            }
            for (PendingDetection.TargetState state : s.result()) {
                String name = state.schema().name();
                String error = state.pending().isEmpty() ? null : errors.get(name);
                out.add(new MigrationTarget(name, state.schema().kind(), state.schema().tenant(), state.version(),
                        state.pendingVersions(), error));
            }
        }
        return out;
    }

    private static List<String> versions(List<TenantMigration> migrations) {
        return migrations.stream().map(TenantMigration::version).toList();
    }
}

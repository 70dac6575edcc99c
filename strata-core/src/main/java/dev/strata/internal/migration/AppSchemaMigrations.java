package dev.strata.internal.migration;

import dev.strata.internal.sql.PhysicalNames;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Objects;

/**
 * The application's tenant migrations bound to the migrator: brings one app schema to the newest
 * version, in a transaction of its own. Immutable and thread-safe.
 */
public final class AppSchemaMigrations {
    private final TenantMigrationSet set;
    private final SchemaMigrator migrator;

    public AppSchemaMigrations(TenantMigrationSet set, PhysicalNames names) {
        this.set = Objects.requireNonNull(set, "set");
        this.migrator = new SchemaMigrator(names);
    }

    /** The configured migrations. */
    public TenantMigrationSet set() {
        return set;
    }

    /** The migrator (one target inside the caller's transaction). */
    public SchemaMigrator migrator() {
        return migrator;
    }

    /**
     * Migrates {@code target} to the newest version and makes its tenant tables safe, in one
     * transaction on {@code admin} (an administrator connection to the target's database): all of
     * it or, on an exception, nothing. Returns the migrations applied.
     */
    public List<TenantMigration> migrate(Connection admin, AppSchema target) throws SQLException {
        boolean autoCommit = admin.getAutoCommit();
        admin.setAutoCommit(false);
        try {
            List<TenantMigration> pending = set.pendingAfter(SchemaMigrator.appliedVersion(admin, target.schema()));
            migrator.migrate(admin, target, pending);
            admin.commit();
            return pending;
        } catch (SQLException | RuntimeException e) {
            admin.rollback();
            throw e;
        } finally {
            admin.setAutoCommit(autoCommit);
        }
    }
}

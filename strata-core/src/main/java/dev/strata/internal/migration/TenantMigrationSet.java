package dev.strata.internal.migration;

import java.util.List;
import java.util.Optional;

/**
 * The application's tenant migrations, resolved once from the configured Flyway locations
 * ({@link dev.strata.StrataConfig#tenantMigrations()}), ordered by version. Immutable and thread-safe.
 *
 * <p>SEAM (issue 13): owned by the "one target" work (resolution with Flyway's naming, checksums and
 * placeholders); used by the fan-out. Signatures are the contract between the two.
 */
public final class TenantMigrationSet {
    private final List<TenantMigration> migrations;

    private TenantMigrationSet(List<TenantMigration> migrations) {
        this.migrations = List.copyOf(migrations);
    }

    /**
     * Resolves the migrations in the given locations.
     *
     * @throws dev.strata.StrataException {@link dev.strata.ErrorCode#INVALID_CONFIGURATION} for a
     *         missing location, a badly named script, or two scripts with one version
     */
    public static TenantMigrationSet resolve(List<String> locations) {
        throw new UnsupportedOperationException("issue 13: being built");
    }

    /** Every migration, oldest first. */
    public List<TenantMigration> migrations() {
        return migrations;
    }

    /** The newest version, empty if there are no migrations. */
    public Optional<String> latestVersion() {
        return migrations.isEmpty() ? Optional.empty() : Optional.of(migrations.get(migrations.size() - 1).version());
    }

    /**
     * The migrations newer than {@code appliedVersion} ({@code null}: none applied), oldest first.
     */
    public List<TenantMigration> pendingAfter(String appliedVersion) {
        throw new UnsupportedOperationException("issue 13: being built");
    }
}

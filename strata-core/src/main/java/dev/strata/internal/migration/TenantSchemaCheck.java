package dev.strata.internal.migration;

import dev.strata.ErrorCode;
import dev.strata.Placement;
import dev.strata.StrataException;
import dev.strata.Tenant;
import dev.strata.Tier;
import dev.strata.internal.pool.TenantPools;
import dev.strata.internal.registry.Registry;
import dev.strata.internal.sql.DataPlane;
import dev.strata.internal.sql.PhysicalNames;
import dev.strata.migration.MigrationTargetKind;
import dev.strata.migration.TenantSchemaStatus;
import org.flywaydb.core.api.MigrationVersion;

import java.sql.SQLException;
import java.time.Duration;
import java.util.Map;

/**
 * Whether one tenant's schema is behind: its version against the newest migration found and the
 * version of its T1's database ({@code app} of the database its T1 lives in). One catalog query per
 * database involved. Stateless.
 */
final class TenantSchemaCheck {
    private TenantSchemaCheck() {
    }

    static TenantSchemaStatus check(Tenant tenant, Registry registry, Map<String, DataPlane> planes, TenantPools pools,
                                    Duration timeout, TenantMigrationSet set) {
        if (tenant.tier() == Tier.T0 || tenant.placement() == null) {
            throw new StrataException(ErrorCode.INVALID_ARGUMENT, "Tenant '" + tenant.slug()
                    + "' is the T0 operator, which holds no tenant data and has no app schema");
        }
        Placement own = tenant.placement();
        Placement t1 = tenant.tier() == Tier.T1 ? own
                : registry.findById(tenant.parentId()).map(Tenant::placement).orElse(own);
        String version = versionOf(planes, pools, timeout, own.dataPlane(), own.database(), own.schema());
        String t1Version = own.database().equals(t1.database()) && own.dataPlane().equals(t1.dataPlane())
                && own.schema().equals(PhysicalNames.APP_SCHEMA) ? version
                : versionOf(planes, pools, timeout, t1.dataPlane(), t1.database(), PhysicalNames.APP_SCHEMA);
        String expected = newer(set.latestVersion().orElse(null), t1Version);
        boolean behind = expected != null && (version == null || compare(version, expected) < 0);
        AppSchema schema = new AppSchema(own.dataPlane(), own.database(), own.schema(), MigrationTargetKind.SCHEMA, tenant.id());
        return new TenantSchemaStatus(tenant.id(), schema.name(), version, expected,
                set.pendingAfter(version).stream().map(TenantMigration::version).toList(), behind);
    }

    private static String versionOf(Map<String, DataPlane> planes, TenantPools pools, Duration timeout, String plane,
                                    String database, String schema) {
        DataPlane dp = planes.get(plane);
        if (dp == null) {
            throw new StrataException(ErrorCode.PLANE_NOT_FOUND, "No data plane '" + plane + "' is registered");
        }
        try (AdminConnection c = AdminConnection.open(dp, database, pools, timeout)) {
            try {
                return SchemaMigrator.appliedVersions(c.connection()).get(schema);
            } finally {
                c.connection().rollback();
            }
        } catch (SQLException e) {
            throw new StrataException(ErrorCode.DATABASE_ERROR, "Cannot read the schema version of " + plane + "/" + database
                    + "/" + schema + ": " + e.getMessage(), e);
        }
    }

    private static String newer(String a, String b) {
        if (a == null) {
            return b;
        }
        if (b == null) {
            return a;
        }
        return compare(a, b) >= 0 ? a : b;
    }

    static int compare(String a, String b) {
        return MigrationVersion.fromVersion(a).compareTo(MigrationVersion.fromVersion(b));
    }
}

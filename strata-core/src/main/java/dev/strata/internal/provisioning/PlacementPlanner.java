package dev.strata.internal.provisioning;

import dev.strata.ErrorCode;
import dev.strata.IsolationMode;
import dev.strata.Placement;
import dev.strata.StrataConfig;
import dev.strata.StrataException;
import dev.strata.Tenant;
import dev.strata.Tier;
import dev.strata.internal.sql.DataPlane;
import dev.strata.internal.sql.PhysicalNames;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.UUID;

/**
 * Chooses where a new tenant goes: its own database, a schema of its own, or rows in shared
 * tables (its T1's, or a shared database's), within the configured schema limits. Runs inside the
 * registration transaction and registers a new database if the tenant needs one. Thread-safe.
 */
final class PlacementPlanner {
    private final StrataConfig config;
    private final PhysicalNames names;

    PlacementPlanner(StrataConfig config, PhysicalNames names) {
        this.config = config;
        this.names = names;
    }

    /** The plan for a new tenant; schema-limit warnings are added to {@code warnings}. */
    PlacementPlan plan(Connection c, UUID id, String slug, Tier tier, IsolationMode mode, Tenant parent,
                       List<String> warnings) throws SQLException {
        String plane = DataPlane.DEFAULT_KEY;
        if (mode == IsolationMode.DATABASE) {
            String database = names.tenantDatabase(id);
            DatabaseRecord db = DatabaseStore.insertIfAbsent(c, plane, database, DatabasePurpose.TENANT, id,
                    names.appRole(database));
            return new PlacementPlan(id, slug, tier, parent.id(), mode, db, PhysicalNames.APP_SCHEMA, true, false);
        }
        DatabaseRecord db;
        String parentSchema = PhysicalNames.APP_SCHEMA;
        if (tier == Tier.T1) {
            String shared = mode == IsolationMode.RLS ? names.sharedRlsDatabase() : names.sharedSchemaDatabase();
            DatabasePurpose purpose = mode == IsolationMode.RLS ? DatabasePurpose.SHARED_RLS : DatabasePurpose.SHARED_SCHEMA;
            db = DatabaseStore.insertIfAbsent(c, plane, shared, purpose, null, names.appRole(shared));
        } else {
            Placement home = parent.placement();
            db = DatabaseStore.lock(c, home.dataPlane(), home.database()).orElseThrow(() -> new StrataException(
                    ErrorCode.INTERNAL, "Parent '" + parent.slug() + "' is placed in an unknown database " + home.database()));
            parentSchema = home.schema();
            plane = home.dataPlane();
        }
        if (mode == IsolationMode.RLS) {
            return new PlacementPlan(id, slug, tier, parent.id(), mode, db, parentSchema, false, false);
        }
        int schemas = DatabaseStore.countTenantSchemas(c, plane, db.name());
        if (schemas >= config.schemaLimit()) {
            throw new StrataException(ErrorCode.SCHEMA_LIMIT_REACHED, "Database " + db.name() + " already holds " + schemas
                    + " tenant schemas, the configured limit (" + config.schemaLimit() + "): every schema adds catalog "
                    + "entries that slow the whole database down. Create the tenant with mode 'rls' (shared tables) or "
                    + "'database' (a database of its own) instead");
        }
        if (schemas + 1 > config.schemaWarnThreshold()) {
            warnings.add("Database " + db.name() + " now holds " + (schemas + 1) + " tenant schemas, above the warning "
                    + "threshold of " + config.schemaWarnThreshold() + " (limit " + config.schemaLimit()
                    + "); prefer 'rls' or 'database' mode for new tenants");
        }
        return new PlacementPlan(id, slug, tier, parent.id(), mode, db, PhysicalNames.tenantSchema(id), false, true);
    }
}


package dev.strata.internal.provisioning;

import dev.strata.StrataException;
import dev.strata.internal.sql.Jdbc;
import dev.strata.internal.sql.PhysicalNames;
import dev.strata.internal.sql.SqlStates;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * Keeps the placement guard ({@link TenantSchemaGuard}) of every tenant database in step with the
 * registry: who is placed in each tenant schema, and which tenants the database's shared
 * {@code app} tables refuse. Changes to one database's guard are serialised by an advisory lock in
 * the management database, so two processes changing the tenants of one schema cannot apply stale
 * owner lists. A database on a plane that is not one server (a Neon T1's: {@link ExternalPlanes}) is
 * reached at its own address, as that plane records it (a Neon placement's endpoint). Thread-safe.
 */
final class PlacementGuards {
    private static final Logger LOG = LoggerFactory.getLogger(PlacementGuards.class);

    private final DataSource management;
    private final Map<String, TenantDatabases> planes;
    private final ExternalPlanes external;

    /**
     * @param planes   the server planes' DDL helpers by key
     * @param external the planes whose databases each have an address of their own (Neon)
     */
    PlacementGuards(DataSource management, Map<String, TenantDatabases> planes, ExternalPlanes external) {
        this.management = management;
        this.planes = planes;
        this.external = external;
    }

    /** Work done on a database while its guard lock is held, given a management connection. */
    @FunctionalInterface
    interface GuardWork<R> {
        R run(Connection management) throws SQLException;
    }

    /** Whether tenants placed in this schema have it to themselves (a {@code t_<id>} schema, not {@code app}). */
    static boolean isTenantSchema(String schema) {
        return !PhysicalNames.APP_SCHEMA.equals(schema);
    }

    /**
     * Re-reads who is placed in the tenant schemas of a database (minus {@code leaving}, a tenant
     * whose data is being removed, or {@code null}) and guards its tables for exactly them.
     */
    void refresh(TenantDatabases dbs, String dataPlane, String database, UUID leaving) {
        withLock(dataPlane, database, m -> dbs.guardTenantSchemas(database,
                SchemaOwners.inDatabase(m, dataPlane, database, leaving)));
    }

    /**
     * Brings the guard of every database with tenant schemas up to date; run at start-up, after
     * the migrations, so that an existing installation, and tables a migration added, get it too.
     * Changes only what differs.
     */
    void guardAll() {
        Map<SchemaOwners.Database, Map<String, Set<UUID>>> all =
                Jdbc.withConnection(management, "list the tenant schemas", SchemaOwners::all);
        int changed = 0;
        for (SchemaOwners.Database db : all.keySet()) {
            TenantDatabases dbs = databasesOf(db);
            if (dbs == null) {
                LOG.warn("Database {} is on data plane '{}', which this process is not configured with: its tenant schemas "
                        + "were not checked for the placement guard", db.name(), db.dataPlane());
                continue;
            }
            try {
                changed += withLock(db.dataPlane(), db.name(),
                        m -> dbs.guardTenantSchemas(db.name(), SchemaOwners.inDatabase(m, db.dataPlane(), db.name(), null)));
            } catch (StrataException e) {
                if (SqlStates.is(e, SqlStates.INVALID_CATALOG_NAME)) {
                    LOG.warn("Database {} is registered but missing; its placement guard was not checked", db.name());
                    continue;
                }
                if (!dev.strata.internal.sql.DataPlane.DEFAULT_KEY.equals(db.dataPlane()) && SqlStates.isUnavailable(e)) {
                    LOG.warn("Database {} on data plane '{}' is unavailable; its placement guard was not checked",
                            db.name(), db.dataPlane());
                    continue;
                }
                throw e;
            }
        }
        if (changed > 0) {
            LOG.info("Brought the placement guard of {} tenant table(s) up to date", changed);
        }
    }

    /**
     * The DDL helper of a database: on a Neon plane, at the endpoint of the Neon placement holding
     * it (each T1 database is a compute of its own); else its plane's server; {@code null} for a
     * plane this process does not know.
     *
     * @throws StrataException {@code PLANE_NOT_FOUND} for a Neon database no placement holds
     */
    private TenantDatabases databasesOf(SchemaOwners.Database db) {
        if (external.handles(db.dataPlane())) {
            return external.databases(db.dataPlane(), db.name());
        }
        return planes.get(db.dataPlane());
    }

    /** Runs guard work on a database while holding its guard lock. */
    <R> R withLock(String dataPlane, String database, GuardWork<R> work) {
        String key = "strata:schema-guard:" + dataPlane + "/" + database;
        return Jdbc.withConnection(management, "guard the tenant schemas of " + database, m -> {
            try (PreparedStatement ps = m.prepareStatement("SELECT pg_advisory_lock(hashtext(?))")) {
                ps.setString(1, key);
                ps.execute();
            }
            try {
                return work.run(m);
            } finally {
                try (PreparedStatement ps = m.prepareStatement("SELECT pg_advisory_unlock(hashtext(?))")) {
                    ps.setString(1, key);
                    ps.execute();
                }
            }
        });
    }
}

package dev.strata.internal.provisioning;

import dev.strata.Tier;
import dev.strata.internal.migration.AppSchemaMigrations;
import dev.strata.internal.operation.RunningOperation;
import dev.strata.internal.plane.DatabaseAddresses;
import dev.strata.internal.sql.DataPlane;
import dev.strata.internal.sql.Jdbc;
import dev.strata.internal.sql.PhysicalNames;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * The storage side of a move, built on provisioning's pieces: the target made ready (database
 * from the template, tenant schema migrated to the application's version, local registration,
 * placement guard), and the removal of one side's copy of the moving tenants (the source after
 * the flip, the target on abort). Every method is idempotent. Thread-safe.
 */
public final class MoveStorage {
    private final DataSource management;
    private final PhysicalNames names;
    private final AppSchemaMigrations migrations;
    private final DatabaseAddresses planes;
    private final ProvisioningListener listener;
    private final PlacementGuards guards;
    private final ExternalPlanes external;

    /**
     * @param planes where a database of a plane is reached (the plane's server, or a Neon T1
     *               database's own endpoint), throwing for an unknown plane
     * @param external planes that are not one server (Neon): a T1's own database there is a
     *                 project or branch, made by {@link #buildExternalTarget} and removed with it
     */
    public MoveStorage(DataSource management, PhysicalNames names, AppSchemaMigrations migrations,
                       DatabaseAddresses planes, ExternalPlanes external, ProvisioningListener listener) {
        this.external = external;
        this.management = management;
        this.names = names;
        this.migrations = migrations;
        this.planes = planes;
        this.listener = listener;
        this.guards = new PlacementGuards(management, Map.of(), ExternalPlanes.NONE);
    }

    /** A tenant registered in a database's local registry (the policies read it). */
    public record LocalTenant(UUID id, String slug, Tier tier, UUID parentId) {
    }

    /**
     * Makes the target ready for the moving tenants' rows: its database complete (with its app
     * role), the tenant schema migrated (schema mode), the tenants (and a T2's parent) registered
     * locally, and the placement guard admitting exactly the tenants placed in each schema once the
     * move is done.
     */
    public void buildTarget(String plane, String database, String schema, boolean ownsSchema, List<LocalTenant> tenants,
                            List<UUID> members, boolean sourceInSameDatabase) throws SQLException {
        TenantDatabases dbs = databases(plane, database);
        DatabaseRecord db = record(plane, database);
        ProvisioningSteps.ensureDatabaseReady(management, dbs, db);
        guards.withLock(plane, database, m -> {
            // In the source's own database the members stay owners of their source schema until the
            // cutover (guardForCutover): the target schema admits nobody meanwhile but the administrator.
            Map<String, Set<UUID>> owners = sourceInSameDatabase
                    ? withMembers(m, plane, database, schema, List.of()) : withMembers(m, plane, database, schema, members);
            if (ownsSchema) {
                dbs.ensureTenantSchema(database, schema, members.get(0), db.appRole(), owners);
            } else {
                dbs.guardTenantSchemas(database, owners);
            }
            return null;
        });
        registerLocally(plane, database, tenants);
    }

    /** Whether a move's own target database is on a plane that is not one server (a Neon project or branch). */
    public boolean externalDatabase(String plane, boolean ownsDatabase) {
        return ownsDatabase && external.handles(plane);
    }

    /**
     * Makes a T1's own database on a plane that is not one server, as provisioning does, in the
     * move's operation: its Neon project or branch ({@code neon_project} or {@code neon_branch}: looked
     * up by its name before it is created, so a resumed move adopts what an interrupted one made) and
     * the database's roles, platform schema and migrations ({@code database}). Idempotent.
     */
    public void buildExternalTarget(UUID tenantId, String slug, UUID parentId, String plane, String database,
                                    RunningOperation operation) {
        DatabaseRecord db = record(plane, database);
        external.build(new PlacementPlan(tenantId, slug, Tier.T1, parentId, dev.strata.IsolationMode.DATABASE, db,
                PhysicalNames.APP_SCHEMA, true, false), operation);
    }

    /** Registers tenants (a T1 before its T2s) in a database's local registry. */
    public void registerLocally(String plane, String database, List<LocalTenant> tenants) throws SQLException {
        TenantDatabases dbs = databases(plane, database);
        for (LocalTenant t : tenants) {
            dbs.registerLocally(database, t.id(), t.slug(), t.tier(), t.parentId());
        }
    }

    /**
     * Source and target in one database, the members frozen: the guard as it must be after the
     * flip (the members owners of the target schema only), so their first transaction after the
     * flip is admitted there.
     */
    public void guardForCutover(String plane, String database, String schema, List<UUID> members) {
        TenantDatabases dbs = databases(plane, database);
        guards.withLock(plane, database, m -> {
            Map<String, Set<UUID>> owners = withMembers(m, plane, database, schema, List.of());
            owners.values().forEach(set -> set.removeAll(members));
            owners.entrySet().removeIf(e -> e.getValue().isEmpty() && !e.getKey().equals(schema));
            if (PlacementGuards.isTenantSchema(schema)) {
                owners.computeIfAbsent(schema, k -> new HashSet<>()).addAll(members);
            }
            return dbs.guardTenantSchemas(database, owners);
        });
    }

    /** Brings the placement guard of a database up to date with the placements as committed. */
    public void refreshGuard(String plane, String database) {
        guards.refresh(databases(plane, database), plane, database, null);
    }

    /**
     * Removes the moving tenants' copy from one side: the database and its role if it is theirs,
     * else the schema if it is theirs, else their rows; then their local registrations.
     * {@code members}: the moving tenant first, then the T2s carried with it.
     */
    public void remove(String plane, String database, String schema, boolean ownsDatabase, boolean ownsSchema,
                       List<UUID> members, Instant deadline) throws SQLException {
        DatabaseRecord db = record(plane, database);
        if (externalDatabase(plane, ownsDatabase)) {
            listener.databaseDropping(plane, database);
            external.remove(members.get(0), plane, database); // its project or branch, whatever of it was made
            Jdbc.useTransaction(management, "mark database " + database + " dropped",
                    c -> DatabaseStore.markDropped(c, plane, database));
            return;
        }
        DataPlane dataPlane = planes.of(plane, database);
        TenantRemoval removal = new TenantRemoval(dataPlane);
        if (ownsDatabase) {
            listener.databaseDropping(plane, database);
            removal.dropDatabase(database, db.appRole());
            Jdbc.useTransaction(management, "mark database " + database + " dropped",
                    c -> DatabaseStore.markDropped(c, plane, database));
            return;
        }
        for (UUID carried : members.subList(1, members.size())) {
            removal.deleteRows(database, schema, carried, db.appRole(), deadline);
        }
        if (ownsSchema) {
            removal.dropSchema(database, schema, members.get(0), db.appRole(), deadline);
        } else {
            removal.deleteRows(database, schema, members.get(0), db.appRole(), deadline);
        }
        if (hasTenantSchemas(plane, database) || PlacementGuards.isTenantSchema(schema)) {
            guards.refresh(databases(plane, database), plane, database, null);
        }
    }

    /** The registry's record of a database (registered when the move started). */
    public DatabaseRecord record(String plane, String database) {
        return Jdbc.withConnection(management, "read database " + database, c -> DatabaseStore.find(c, plane, database))
                .orElseThrow(() -> new dev.strata.StrataException(dev.strata.ErrorCode.INTERNAL,
                        "Database " + plane + "/" + database + " is not registered"));
    }

    /** Registers a database (own or shared) in the caller's transaction unless it is already. */
    public static DatabaseRecord register(Connection c, String plane, String database, DatabasePurpose purpose,
                                          UUID owner, String appRole) throws SQLException {
        return DatabaseStore.insertIfAbsent(c, plane, database, purpose, owner, appRole);
    }

    private Map<String, Set<UUID>> withMembers(Connection m, String plane, String database, String schema,
                                               List<UUID> members) throws SQLException {
        Map<String, Set<UUID>> owners = new java.util.TreeMap<>(SchemaOwners.inDatabase(m, plane, database, null));
        if (PlacementGuards.isTenantSchema(schema)) {
            owners.computeIfAbsent(schema, k -> new HashSet<>()).addAll(members);
        }
        return owners;
    }

    private boolean hasTenantSchemas(String plane, String database) {
        return Jdbc.withConnection(management, "look for tenant schemas in " + database, c -> {
            try (PreparedStatement ps = c.prepareStatement("""
                    SELECT 1 FROM platform.placements WHERE data_plane = ? AND database_name = ? AND schema_name <> ?
                     LIMIT 1""")) {
                ps.setString(1, plane);
                ps.setString(2, database);
                ps.setString(3, PhysicalNames.APP_SCHEMA);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next();
                }
            }
        });
    }

    private TenantDatabases databases(String plane, String database) {
        return new TenantDatabases(planes.of(plane, database), names, migrations);
    }
}

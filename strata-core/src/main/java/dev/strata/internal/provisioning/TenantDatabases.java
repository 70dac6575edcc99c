package dev.strata.internal.provisioning;

import dev.strata.Tier;
import dev.strata.internal.migration.AppSchema;
import dev.strata.internal.migration.AppSchemaMigrations;
import dev.strata.internal.migration.TenantTableSafety;
import dev.strata.migration.MigrationTargetKind;
import dev.strata.internal.sql.Catalog;
import dev.strata.internal.sql.DataPlane;
import dev.strata.internal.sql.PhysicalNames;
import dev.strata.internal.sql.SqlStates;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import static dev.strata.internal.sql.Identifiers.literal;
import static dev.strata.internal.sql.Identifiers.qualified;
import static dev.strata.internal.sql.Identifiers.quote;

/**
 * The physical side of provisioning on one data plane: app roles, databases from the template,
 * privileges, tenant schemas and the local tenant registry. Every method is idempotent, so an
 * interrupted provisioning can simply run again.
 */
public final class TenantDatabases {
    private final DataPlane plane;
    private final PhysicalNames names;
    private final AppSchemaMigrations migrations;

    public TenantDatabases(DataPlane plane, PhysicalNames names, AppSchemaMigrations migrations) {
        this.plane = plane;
        this.names = names;
        this.migrations = migrations;
    }

    public DataPlane plane() {
        return plane;
    }

    /**
     * Creates the app role if missing: it can log in and nothing else (no superuser, no
     * BYPASSRLS, no CREATEDB/CREATEROLE, no replication, no inherited rights).
     */
    public void ensureAppRole(String role, String password) throws SQLException {
        try (Connection c = plane.openAdmin(plane.server().database()); Statement s = c.createStatement()) {
            String attributes = " LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOINHERIT NOREPLICATION NOBYPASSRLS PASSWORD "
                    + literal(password);
            if (Catalog.roleExists(c, role)) {
                s.execute("ALTER ROLE " + quote(role) + attributes);
            } else {
                try {
                    s.execute("CREATE ROLE " + quote(role) + attributes);
                } catch (SQLException e) {
                    if (!SqlStates.is(e, SqlStates.DUPLICATE_OBJECT)) {
                        throw e;
                    }
                }
            }
            s.execute("GRANT " + quote(names.t1ContextRole()) + " TO " + quote(role));
        }
    }

    /**
     * Creates the role T1 transactions switch to, if missing: it cannot log in and has no
     * attribute; its rights are exactly the app roles' table grants, given database by database.
     */
    public static void ensureT1ContextRole(DataPlane plane, PhysicalNames names) throws SQLException {
        String role = names.t1ContextRole();
        try (Connection c = plane.openAdmin(plane.server().database()); Statement s = c.createStatement()) {
            if (!Catalog.roleExists(c, role)) {
                try {
                    s.execute("CREATE ROLE " + quote(role)
                            + " NOLOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOINHERIT NOREPLICATION NOBYPASSRLS");
                } catch (SQLException e) {
                    if (!SqlStates.is(e, SqlStates.DUPLICATE_OBJECT)) {
                        throw e;
                    }
                }
            }
        }
    }

    /**
     * Creates a database from the template if missing, then locks it down: no CONNECT or TEMP for
     * PUBLIC, CONNECT for its app role and for the T0 reader (analytics) only.
     */
    public void ensureDatabase(String database, String appRole) throws SQLException {
        try (Connection c = plane.openAdmin(plane.server().database()); Statement s = c.createStatement()) {
            if (!Catalog.databaseExists(c, database)) {
                try {
                    s.execute("CREATE DATABASE " + quote(database) + " TEMPLATE " + quote(names.templateDatabase())
                            + " STRATEGY WAL_LOG");
                } catch (SQLException e) {
                    if (!SqlStates.is(e, SqlStates.DUPLICATE_DATABASE)) {
                        throw e;
                    }
                }
            }
            s.execute("REVOKE ALL ON DATABASE " + quote(database) + " FROM PUBLIC");
            s.execute("GRANT CONNECT ON DATABASE " + quote(database) + " TO " + quote(appRole));
            // T0 analytics read every tenant database as the T0 reader (SELECT only, a T0 context)
            s.execute("GRANT CONNECT ON DATABASE " + quote(database) + " TO " + quote(names.t0ReaderRole()));
        }
    }

    /** Grants the app role what the request path needs in a database's platform and app schemas. */
    public void grantBaseAccess(String database, String appRole) throws SQLException {
        try (Connection c = plane.openAdmin(database)) {
            for (String role : new String[] {appRole, names.t1ContextRole()}) {
                grantPlatformAccess(c, role);
                grantSchemaAccess(c, PhysicalNames.APP_SCHEMA, role);
            }
        }
    }

    /**
     * Creates a schema-mode tenant's schema with the application's tables ({@link AppSchemaMigrations}:
     * the configured migrations, made safe), puts the placement guard on the database's tables
     * ({@link TenantSchemaGuard}; {@code ownersBySchema} includes the new schema) and only then grants
     * the app role access to the schema, so no other tenant can write into it even for a moment.
     */
    public void ensureTenantSchema(String database, String schema, UUID tenant, String appRole,
                                   Map<String, ? extends Set<UUID>> ownersBySchema) throws SQLException {
        try (Connection c = plane.openAdmin(database)) {
            migrations.migrate(c, new AppSchema(plane.key(), database, schema, MigrationTargetKind.SCHEMA, tenant));
            TenantSchemaGuard.ensure(c, ownersBySchema);
            grantSchemaAccess(c, schema, appRole);
            grantSchemaAccess(c, schema, names.t1ContextRole());
        }
    }

    /**
     * Brings the placement guard of a database up to date ({@link TenantSchemaGuard#ensure}).
     *
     * @return the number of tables changed
     */
    public int guardTenantSchemas(String database, Map<String, ? extends Set<UUID>> ownersBySchema) throws SQLException {
        try (Connection c = plane.openAdmin(database)) {
            return TenantSchemaGuard.ensure(c, ownersBySchema);
        }
    }

    /** Adds a tenant to a database's own {@code platform.tenants} so its policies see the hierarchy. */
    public void registerLocally(String database, UUID id, String slug, Tier tier, UUID parentId) throws SQLException {
        try (Connection c = plane.openAdmin(database);
             PreparedStatement ps = c.prepareStatement("""
                     INSERT INTO platform.tenants (id, slug, tier, parent_id) VALUES (?, ?, ?, ?)
                     ON CONFLICT (id) DO UPDATE SET slug = EXCLUDED.slug""")) {
            ps.setObject(1, id);
            ps.setString(2, slug);
            ps.setInt(3, tier.level());
            ps.setObject(4, parentId);
            ps.executeUpdate();
        }
    }

    /** Tables of a schema that hold tenant rows: those with a {@code tenant_id} column. */
    public static List<String> tenantTables(Connection c, String schema) throws SQLException {
        return TenantTableSafety.tenantTables(c, schema);
    }

    private static void grantPlatformAccess(Connection c, String appRole) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute("GRANT USAGE ON SCHEMA platform TO " + quote(appRole));
            s.execute("GRANT SELECT ON platform.tenants TO " + quote(appRole));
        }
    }

    /**
     * USAGE on the schema and the standard rights on its relations ({@link TenantTableSafety#grant}):
     * never TRUNCATE, REFERENCES or TRIGGER, nothing on the migration history.
     */
    static void grantSchemaAccess(Connection c, String schema, String appRole) throws SQLException {
        TenantTableSafety.grant(c, schema, appRole);
    }
}

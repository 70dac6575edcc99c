package dev.strata.internal.migration;

import dev.strata.internal.sql.PhysicalNames;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.output.MigrateResult;

import javax.sql.DataSource;

/**
 * Runs Strata's Flyway migrations: the management database, and in every tenant database its
 * {@code platform} schema and each app schema ({@code app} or {@code t_<id>}), each schema with
 * a history table of its own ("one desired schema, many histories").
 */
public final class Migrations {
    /**
     * The newest tenant-side migration version (platform and app schemas). Recorded per database
     * and per tenant schema so that start-up migrates only what is behind; written into export
     * archives. Must equal the highest {@code V<n>} under {@code db/tenant-*}.
     */
    public static final int TENANT_SCHEMA_VERSION = 1;

    private static final String HISTORY_TABLE = "strata_schema_history";

    private Migrations() {
    }

    /** Migrates the management database. */
    public static MigrateResult migrateManagement(DataSource dataSource) {
        return flyway(dataSource, PhysicalNames.PLATFORM_SCHEMA, "classpath:db/management", null).migrate();
    }

    /** Migrates a tenant database's platform schema and its shared {@code app} schema. */
    public static void migrateTenantDatabase(DataSource dataSource, PhysicalNames names) {
        flyway(dataSource, PhysicalNames.PLATFORM_SCHEMA, "classpath:db/tenant-platform", names).migrate();
        migrateAppSchema(dataSource, PhysicalNames.APP_SCHEMA, names);
    }

    /**
     * Creates (if needed) and migrates one app schema. The migrations know nothing of the tenants
     * placed in a tenant schema ({@code t_<id>}), so its tables are writable only once
     * {@link dev.strata.internal.provisioning.TenantSchemaGuard} has run after it: provisioning runs
     * it before granting access, and every start runs it after migrating.
     */
    public static MigrateResult migrateAppSchema(DataSource dataSource, String schema, PhysicalNames names) {
        return flyway(dataSource, schema, "classpath:db/tenant-app", names).migrate();
    }

    /** The name of the history table in every migrated schema (the app role gets no access to it). */
    public static String historyTable() {
        return HISTORY_TABLE;
    }

    private static Flyway flyway(DataSource dataSource, String schema, String location, PhysicalNames names) {
        java.util.Map<String, String> placeholders = names == null ? java.util.Map.of()
                : java.util.Map.of("t1_context_role", names.t1ContextRole());
        return Flyway.configure(Migrations.class.getClassLoader())
                .placeholders(placeholders)
                .dataSource(dataSource)
                .schemas(schema)
                .defaultSchema(schema)
                .createSchemas(true)
                .table(HISTORY_TABLE)
                .locations(location)
                .failOnMissingLocations(true)
                .validateMigrationNaming(true)
                .load();
    }
}

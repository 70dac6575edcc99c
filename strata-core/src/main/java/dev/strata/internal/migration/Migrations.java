package dev.strata.internal.migration;

import dev.strata.internal.sql.PhysicalNames;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.output.MigrateResult;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;

/**
 * Runs Strata's own Flyway migrations: the management database, and the {@code platform} schema
 * of every tenant database. The application's migrations of the app schemas ({@code app},
 * {@code t_<id>}) are the configured {@link TenantMigrationSet}, applied by {@link SchemaMigrator}.
 */
public final class Migrations {
    private static final String HISTORY_TABLE = SchemaMigrator.HISTORY_TABLE;
    private static final String TENANT_PLATFORM = "classpath:db/tenant-platform";

    /** The newest version of Strata's tenant-side {@code platform} migrations, as found on the classpath. */
    private static final String PLATFORM_VERSION = TenantMigrationSet.resolve(List.of(TENANT_PLATFORM))
            .latestVersion().orElseThrow();

    private Migrations() {
    }

    /** Migrates the management database. */
    public static MigrateResult migrateManagement(DataSource dataSource) {
        return flyway(dataSource, PhysicalNames.PLATFORM_SCHEMA, "classpath:db/management", null).migrate();
    }

    /** Migrates a tenant database's {@code platform} schema (the local registry, the context functions). */
    public static void migratePlatform(DataSource dataSource, PhysicalNames names) {
        flyway(dataSource, PhysicalNames.PLATFORM_SCHEMA, TENANT_PLATFORM, names).migrate();
    }

    /** Whether the connected tenant database's {@code platform} schema is behind Strata's migrations. */
    public static boolean platformBehind(Connection admin) throws SQLException {
        try (PreparedStatement ps = admin.prepareStatement("SELECT to_regclass(?) IS NOT NULL")) {
            ps.setString(1, PhysicalNames.PLATFORM_SCHEMA + "." + HISTORY_TABLE);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                if (!rs.getBoolean(1)) {
                    return true;
                }
            }
        }
        String newest = null;
        try (PreparedStatement ps = admin.prepareStatement(
                "SELECT version FROM platform." + HISTORY_TABLE + " WHERE success AND version IS NOT NULL");
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                if (TenantMigrationSet.compareVersions(rs.getString(1), newest) > 0) {
                    newest = rs.getString(1);
                }
            }
        }
        return TenantMigrationSet.compareVersions(newest, PLATFORM_VERSION) < 0;
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

package dev.strata.internal.provisioning;

import dev.strata.internal.migration.AppSchema;
import dev.strata.internal.migration.AppSchemaMigrations;
import dev.strata.internal.migration.Migrations;
import dev.strata.internal.migration.SchemaMigrator;
import dev.strata.migration.MigrationTargetKind;
import dev.strata.internal.sql.Catalog;
import dev.strata.internal.sql.DataPlane;
import dev.strata.internal.sql.PhysicalNames;
import dev.strata.internal.sql.SqlStates;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

import static dev.strata.internal.sql.Identifiers.quote;

/**
 * The template database every tenant database is copied from (as a Neon branch is forked from its
 * parent): it holds the platform and app schemas at the newest migration. Between migrations it
 * accepts no connections, because {@code CREATE DATABASE ... TEMPLATE} fails while anyone is
 * connected to the template.
 */
public final class TemplateDatabase {
    private static final Logger LOG = LoggerFactory.getLogger(TemplateDatabase.class);

    private TemplateDatabase() {
    }

    /** Work done on a connection to the template while it accepts connections. */
    @FunctionalInterface
    public interface TemplateWork<T> {
        T run(Connection template) throws SQLException;
    }

    /**
     * Creates the template if missing, migrates its {@code platform} schema (Strata's own) and its
     * {@code app} schema (the application's migrations, made safe; a refused or failing migration
     * leaves it as it was, and no tenant is touched).
     */
    public static void ensureCurrent(DataPlane plane, PhysicalNames names, AppSchemaMigrations migrations)
            throws SQLException {
        withConnection(plane, names, template -> {
            if (Migrations.platformBehind(template)) {
                Migrations.migratePlatform(plane.adminDataSource(names.templateDatabase()), names);
            }
            String before = SchemaMigrator.appliedVersion(template, PhysicalNames.APP_SCHEMA);
            migrations.migrate(template, new AppSchema(plane.key(), names.templateDatabase(), PhysicalNames.APP_SCHEMA,
                    MigrationTargetKind.TEMPLATE, null));
            String after = SchemaMigrator.appliedVersion(template, PhysicalNames.APP_SCHEMA);
            if (!java.util.Objects.equals(before, after)) {
                LOG.info("Template database {} migrated from version {} to {}", names.templateDatabase(), before, after);
            }
            return null;
        });
    }

    /**
     * Creates the template if missing, lets it accept connections for the duration of {@code work}
     * on an administrator connection to it, then closes it to connections again ({@code CREATE
     * DATABASE ... TEMPLATE} fails while anyone is connected). Callers serialise their template work.
     */
    public static <T> T withConnection(DataPlane plane, PhysicalNames names, TemplateWork<T> work) throws SQLException {
        String template = names.templateDatabase();
        try (Connection c = plane.openAdmin(plane.server().database()); Statement s = c.createStatement()) {
            if (!Catalog.databaseExists(c, template)) {
                try {
                    s.execute("CREATE DATABASE " + quote(template) + " TEMPLATE template0 ENCODING 'UTF8'");
                    LOG.info("Created template database {}", template);
                } catch (SQLException e) {
                    if (!SqlStates.is(e, SqlStates.DUPLICATE_DATABASE)) {
                        throw e;
                    }
                }
            }
            s.execute("ALTER DATABASE " + quote(template) + " WITH ALLOW_CONNECTIONS true");
            try (Connection t = plane.openAdmin(template)) {
                return work.run(t);
            } finally {
                s.execute("REVOKE ALL ON DATABASE " + quote(template) + " FROM PUBLIC");
                s.execute("ALTER DATABASE " + quote(template) + " WITH IS_TEMPLATE true ALLOW_CONNECTIONS false");
            }
        }
    }
}

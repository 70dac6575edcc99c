package dev.strata.internal.provisioning;

import dev.strata.internal.migration.Migrations;
import dev.strata.internal.sql.Catalog;
import dev.strata.internal.sql.DataPlane;
import dev.strata.internal.sql.PhysicalNames;
import dev.strata.internal.sql.SqlStates;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
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

    /** Creates the template if missing and migrates it to the newest version. */
    public static void ensureCurrent(DataPlane plane, PhysicalNames names) throws SQLException {
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
            if (currentVersion(c, template) >= Migrations.TENANT_SCHEMA_VERSION) {
                return;
            }
            s.execute("ALTER DATABASE " + quote(template) + " WITH ALLOW_CONNECTIONS true");
            try {
                Migrations.migrateTenantDatabase(plane.adminDataSource(template), names);
            } finally {
                s.execute("REVOKE ALL ON DATABASE " + quote(template) + " FROM PUBLIC");
                s.execute("ALTER DATABASE " + quote(template) + " WITH IS_TEMPLATE true ALLOW_CONNECTIONS false");
            }
            s.execute("COMMENT ON DATABASE " + quote(template) + " IS "
                    + dev.strata.internal.sql.Identifiers.literal("strata template, schema version " + Migrations.TENANT_SCHEMA_VERSION));
            LOG.info("Template database {} is at schema version {}", template, Migrations.TENANT_SCHEMA_VERSION);
        }
    }

    /** The schema version recorded in the template's comment, 0 if none. */
    private static int currentVersion(Connection c, String template) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("""
                SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = ?""")) {
            ps.setString(1, template);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next() || rs.getString(1) == null) {
                    return 0;
                }
                String comment = rs.getString(1);
                int at = comment.lastIndexOf(' ');
                try {
                    return Integer.parseInt(comment.substring(at + 1));
                } catch (NumberFormatException e) {
                    return 0;
                }
            }
        }
    }
}

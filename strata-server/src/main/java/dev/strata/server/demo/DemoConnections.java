package dev.strata.server.demo;

import dev.strata.ErrorCode;
import dev.strata.PostgresServer;
import dev.strata.StrataException;
import dev.strata.Tenant;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;

/**
 * The connections the demo's checks make outside Strata's request path: as the server's
 * administrator, to read the ground truth, and as a database's app role, to attack the way a
 * buggy or hostile application could. App role credentials come from the management records
 * ({@code platform.databases}); nothing else of Strata's internals is used.
 */
final class DemoConnections {
    private final PostgresServer server;
    private final DataSource management;

    DemoConnections(PostgresServer server, DataSource management) {
        this.server = server;
        this.management = management;
    }

    /** A database's app role and its password. {@link #toString()} hides the password. */
    record AppRole(String name, String password) {
        @Override
        public String toString() {
            return "AppRole[" + name + "]";
        }
    }

    /** The app role of a database, from the management records. */
    AppRole appRoleOf(String database) throws SQLException {
        try (Connection c = management.getConnection();
             PreparedStatement ps = c.prepareStatement(
                     "SELECT app_role, app_password FROM platform.databases WHERE name = ? AND dropped_at IS NULL")) {
            ps.setString(1, database);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    throw new StrataException(ErrorCode.INTERNAL, "No live database " + database + " in the management records");
                }
                return new AppRole(rs.getString(1), rs.getString(2));
            }
        }
    }

    /** A new connection (autocommit) as the administrator. */
    Connection admin(String database) throws SQLException {
        return connect(database, server.user(), server.password());
    }

    /** A new connection (autocommit) as an app role, as an application holding its credentials would open it. */
    Connection asRole(String database, AppRole role) throws SQLException {
        return connect(database, role.name(), role.password());
    }

    boolean databaseExists(String database) throws SQLException {
        try (Connection c = admin(server.database());
             PreparedStatement ps = c.prepareStatement("SELECT 1 FROM pg_database WHERE datname = ?")) {
            ps.setString(1, database);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }

    /**
     * The ground truth: a tenant's documents (id → title) as stored in a database, read by the
     * administrator with an explicit {@code tenant_id} filter. The transaction carries the
     * tenant's own context so the read also works for an administrator that is not a superuser
     * (tables FORCE row level security even for their owner).
     */
    Map<UUID, String> documentsIn(String database, String schema, UUID tenantId) throws SQLException {
        Map<UUID, String> out = new LinkedHashMap<>();
        try (Connection c = admin(database)) {
            c.setAutoCommit(false);
            try {
                try (PreparedStatement ps = c.prepareStatement("SELECT platform.set_tenant_context(?, 2)")) {
                    ps.setObject(1, tenantId);
                    ps.execute();
                }
                try (PreparedStatement ps = c.prepareStatement(
                        "SELECT id, title FROM " + quote(schema) + ".documents WHERE tenant_id = ? ORDER BY id")) {
                    ps.setObject(1, tenantId);
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            out.put(rs.getObject(1, UUID.class), rs.getString(2));
                        }
                    }
                }
            } finally {
                c.rollback();
            }
        }
        return out;
    }

    /**
     * Every relation of a schema that holds tenant rows, whatever the application's migrations
     * created: tables, partitioned tables and their partitions with a {@code tenant_id} column,
     * and views exposing one. Read from the catalog by the administrator.
     */
    java.util.List<String> tenantRelationsIn(String database, String schema) throws SQLException {
        java.util.List<String> out = new java.util.ArrayList<>();
        try (Connection c = admin(database);
             PreparedStatement ps = c.prepareStatement("""
                     SELECT c.relname FROM pg_class c
                       JOIN pg_namespace n ON n.oid = c.relnamespace
                       JOIN pg_attribute a ON a.attrelid = c.oid AND a.attname = 'tenant_id' AND NOT a.attisdropped
                      WHERE n.nspname = ? AND c.relkind IN ('r', 'p', 'v')
                      ORDER BY c.relname""")) {
            ps.setString(1, schema);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getString(1));
                }
            }
        }
        return out;
    }

    /** The ground truth of a tenant in its own placement. */
    Map<UUID, String> documentsOf(Tenant tenant) throws SQLException {
        return documentsIn(tenant.placement().database(), tenant.placement().schema(), tenant.id());
    }

    static String quote(String identifier) {
        return "\"" + identifier.replace("\"", "\"\"") + "\"";
    }

    private Connection connect(String database, String user, String password) throws SQLException {
        Properties props = new Properties();
        props.putAll(server.driverOptions());
        props.setProperty("user", user);
        if (password != null) {
            props.setProperty("password", password);
        }
        props.setProperty("ApplicationName", "strata-demo");
        return DriverManager.getConnection(server.jdbcUrl(database), props);
    }
}

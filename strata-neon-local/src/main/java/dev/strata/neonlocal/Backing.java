package dev.strata.neonlocal;

import org.postgresql.PGProperty;
import org.postgresql.ds.PGSimpleDataSource;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * The real PostgreSQL server behind the stand-in: Neon databases are databases here (named
 * {@code nl_db_<n>}), Neon roles are roles here ({@code nl_role_<n>}), and a branch's databases are
 * copied from its parent's with {@code CREATE DATABASE ... TEMPLATE}. Thread-safe.
 */
final class Backing {
    static final String META_DATABASE = "neon_local";

    private final NeonLocalOptions options;

    Backing(NeonLocalOptions options) {
        this.options = options;
    }

    String host() {
        return options.backingHost();
    }

    int port() {
        return options.backingPort();
    }

    Connection admin(String database) throws SQLException {
        PGSimpleDataSource ds = new PGSimpleDataSource();
        ds.setServerNames(new String[] {options.backingHost()});
        ds.setPortNumbers(new int[] {options.backingPort()});
        ds.setDatabaseName(database);
        ds.setUser(options.backingUser());
        if (options.backingPassword() != null) {
            ds.setPassword(options.backingPassword());
        }
        ds.setApplicationName("neon-local");
        ds.setProperty(PGProperty.CONNECT_TIMEOUT, "5");
        return ds.getConnection();
    }

    /**
     * Neon's {@code neon_superuser}: the role every role made through the API is a member of (it may
     * create roles and databases, and administers the roles made while acting as it).
     */
    static final String NEON_SUPERUSER = "neon_superuser";

    void ensureMetaDatabase() throws SQLException {
        try (Connection c = admin("postgres"); Statement s = c.createStatement()) {
            try (var rs = s.executeQuery("SELECT 1 FROM pg_roles WHERE rolname = '" + NEON_SUPERUSER + "'")) {
                if (!rs.next()) {
                    try {
                        s.execute("CREATE ROLE " + NEON_SUPERUSER + " NOLOGIN CREATEDB CREATEROLE");
                    } catch (SQLException e) {
                        if (!"42710".equals(e.getSQLState())) {
                            throw e;
                        }
                    }
                }
            }
            try (var rs = s.executeQuery("SELECT 1 FROM pg_database WHERE datname = '" + META_DATABASE + "'")) {
                if (!rs.next()) {
                    s.execute("CREATE DATABASE " + META_DATABASE);
                }
            }
        }
    }

    /**
     * A role as Neon's compute makes the roles of its API ({@code INHERIT CREATEROLE CREATEDB BYPASSRLS
     * REPLICATION IN ROLE neon_superuser}), but {@code REPLICATION} only with {@code replication}: the
     * backing server runs every project with one {@code wal_level}, so a project without logical
     * replication enabled has its slots refused by its roles lacking the attribute instead.
     */
    void createRole(String role, String password, boolean replication) throws SQLException {
        try (Connection c = admin("postgres"); Statement s = c.createStatement()) {
            s.execute("CREATE ROLE " + ident(role) + " LOGIN INHERIT CREATEROLE CREATEDB BYPASSRLS "
                    + (replication ? "REPLICATION" : "NOREPLICATION") + " PASSWORD " + literal(password));
            s.execute("GRANT " + NEON_SUPERUSER + " TO " + ident(role));
        }
    }

    /** Gives roles the REPLICATION attribute (a project's logical replication was enabled). */
    void allowReplication(java.util.List<String> roles) throws SQLException {
        try (Connection c = admin("postgres"); Statement s = c.createStatement()) {
            for (String role : roles) {
                try (var rs = s.executeQuery("SELECT 1 FROM pg_roles WHERE rolname = " + literal(role) + " AND rolcanlogin")) {
                    if (!rs.next()) {
                        continue;
                    }
                }
                s.execute("ALTER ROLE " + ident(role) + " REPLICATION");
            }
        }
    }

    /** The backing server's {@code wal_level}. */
    String walLevel() throws SQLException {
        try (Connection c = admin("postgres"); Statement s = c.createStatement();
             var rs = s.executeQuery("SELECT current_setting('wal_level')")) {
            rs.next();
            return rs.getString(1);
        }
    }

    void createNoLoginRole(String role) throws SQLException {
        try (Connection c = admin("postgres"); Statement s = c.createStatement()) {
            s.execute("CREATE ROLE " + ident(role) + " NOLOGIN");
        }
    }

    void setPassword(String role, String password) throws SQLException {
        try (Connection c = admin("postgres"); Statement s = c.createStatement()) {
            s.execute("ALTER ROLE " + ident(role) + " PASSWORD " + literal(password));
        }
    }

    void dropRole(String role) throws SQLException {
        try (Connection c = admin("postgres"); Statement s = c.createStatement()) {
            s.execute("DROP ROLE IF EXISTS " + ident(role));
        }
    }

    /** Grants the stand-in's administrator the role, so it can create databases owned by it. */
    void grantToAdmin(String role) throws SQLException {
        try (Connection c = admin("postgres"); Statement s = c.createStatement()) {
            s.execute("GRANT " + ident(role) + " TO " + ident(options.backingUser()));
        } catch (SQLException e) {
            // a superuser administrator needs no grant
            if (!"0LP01".equals(e.getSQLState()) && !"42501".equals(e.getSQLState())) {
                throw e;
            }
        }
    }

    /**
     * Whether {@code role} is a login role, not a superuser, that one of {@code administrators}
     * created with SQL (so holds ADMIN OPTION on it). Never throws: an unreachable server says no.
     */
    boolean administeredBy(String role, java.util.List<String> administrators) {
        if (administrators.isEmpty()) {
            return false;
        }
        try (Connection c = admin("postgres"); PreparedStatement ps = c.prepareStatement("""
                SELECT EXISTS (SELECT 1 FROM pg_auth_members m JOIN pg_roles r ON r.oid = m.roleid
                                 JOIN pg_roles a ON a.oid = m.member
                                WHERE r.rolname = ? AND r.rolcanlogin AND NOT r.rolsuper AND m.admin_option
                                  AND a.rolname = ANY (?))""")) {
            ps.setString(1, role);
            ps.setArray(2, c.createArrayOf("text", administrators.toArray()));
            try (var rs = ps.executeQuery()) {
                return rs.next() && rs.getBoolean(1);
            }
        } catch (SQLException e) {
            return false;
        }
    }

    void createDatabase(String database, String owner) throws SQLException {
        try (Connection c = admin("postgres"); Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + ident(database) + " OWNER " + ident(owner));
            s.execute("REVOKE CONNECT, TEMPORARY ON DATABASE " + ident(database) + " FROM PUBLIC");
            s.execute("GRANT CONNECT, TEMPORARY ON DATABASE " + ident(database) + " TO " + ident(owner));
        }
    }

    /**
     * Copies a database, keeping its owner and its database-level grants as a branch does; the
     * source's sessions are ended first (its compute restarts).
     */
    void copyDatabase(String source, String target) throws SQLException {
        try (Connection c = admin("postgres"); Statement s = c.createStatement()) {
            copy(c, s, source, target);
            try (PreparedStatement ps = c.prepareStatement("""
                    SELECT pg_get_userbyid(datdba), datacl::text[] FROM pg_database WHERE datname = ?""")) {
                ps.setString(1, source);
                try (var rs = ps.executeQuery()) {
                    if (rs.next()) {
                        s.execute("ALTER DATABASE " + ident(target) + " OWNER TO " + ident(rs.getString(1)));
                        java.sql.Array acl = rs.getArray(2);
                        if (acl != null) {
                            s.execute("REVOKE ALL ON DATABASE " + ident(target) + " FROM PUBLIC");
                            for (Object item : (Object[]) acl.getArray()) {
                                String entry = item.toString();
                                String grantee = entry.substring(0, entry.indexOf('='));
                                String rights = entry.substring(entry.indexOf('=') + 1, entry.indexOf('/'));
                                StringBuilder privileges = new StringBuilder();
                                if (rights.contains("c")) privileges.append("CONNECT");
                                if (rights.contains("T")) privileges.append(privileges.isEmpty() ? "" : ", ").append("TEMPORARY");
                                if (rights.contains("C")) privileges.append(privileges.isEmpty() ? "" : ", ").append("CREATE");
                                if (!privileges.isEmpty()) {
                                    s.execute("GRANT " + privileges + " ON DATABASE " + ident(target) + " TO "
                                            + (grantee.isEmpty() ? "PUBLIC" : grantee.startsWith("\"") ? grantee : ident(grantee)));
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    private static void copy(Connection c, Statement s, String source, String target) throws SQLException {
        {
            terminate(c, source);
            try {
                s.execute("CREATE DATABASE " + ident(target) + " TEMPLATE " + ident(source));
            } catch (SQLException e) {
                if (!"55006".equals(e.getSQLState())) {
                    throw e;
                }
                terminate(c, source);
                s.execute("CREATE DATABASE " + ident(target) + " TEMPLATE " + ident(source));
            }
        }
    }

    void renameDatabase(String from, String to) throws SQLException {
        try (Connection c = admin("postgres"); Statement s = c.createStatement()) {
            terminate(c, from);
            s.execute("ALTER DATABASE " + ident(from) + " RENAME TO " + ident(to));
        }
    }

    void dropDatabase(String database) throws SQLException {
        try (Connection c = admin("postgres"); Statement s = c.createStatement()) {
            s.execute("DROP DATABASE IF EXISTS " + ident(database) + " WITH (FORCE)");
        }
    }

    void grantConnect(String database, String role) throws SQLException {
        try (Connection c = admin("postgres"); Statement s = c.createStatement()) {
            s.execute("GRANT CONNECT, TEMPORARY ON DATABASE " + ident(database) + " TO " + ident(role));
        }
    }

    void terminate(String database) throws SQLException {
        try (Connection c = admin("postgres")) {
            terminate(c, database);
        }
    }

    private static void terminate(Connection c, String database) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = ? AND pid <> pg_backend_pid()")) {
            ps.setString(1, database);
            ps.execute();
        }
    }

    static String ident(String name) {
        return "\"" + name.replace("\"", "\"\"") + "\"";
    }

    static String literal(String text) {
        return "'" + text.replace("'", "''") + "'";
    }
}

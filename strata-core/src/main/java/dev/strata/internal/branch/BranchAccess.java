package dev.strata.internal.branch;

import dev.strata.PostgresServer;

import java.net.URI;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

import static dev.strata.internal.sql.Identifiers.quote;

/**
 * Gives a dev branch's own role the use of what the T1 keeps in the branch's database: every
 * schema that is not PostgreSQL's own, its tables (read and write) and sequences, granted by the
 * role Strata administers the branch as. Only the branch's copy is touched: the role does not exist
 * on the production branch.
 */
final class BranchAccess {
    private BranchAccess() {
    }

    /** Opens a JDBC connection from a Neon connection URI ({@code postgresql://role:password@host/db?sslmode=...}). */
    static Connection connect(URI uri) throws SQLException {
        PostgresServer server = PostgresServer.parse(uri.toString());
        Properties props = new Properties();
        props.setProperty("user", server.user());
        if (server.password() != null) {
            props.setProperty("password", server.password());
        }
        props.setProperty("connectTimeout", "30");
        props.setProperty("ApplicationName", "strata-branches");
        return DriverManager.getConnection(server.jdbcUrl(server.database()), props);
    }

    /**
     * Grants the role of {@code grantee} (a connection URI of it) the T1's schemas, tables and
     * sequences, connected as the branch's administrator. The role is named as the server knows it
     * ({@code current_user} of a session of it), which is the Neon name on Neon.
     */
    static void grant(URI administrator, URI grantee) throws SQLException {
        String role;
        try (Connection c = connect(grantee); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT current_user")) {
            rs.next();
            role = rs.getString(1);
        }
        try (Connection c = connect(administrator)) {
            List<String> schemas = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT nspname FROM pg_namespace WHERE nspname NOT LIKE 'pg\\_%'"
                    + " AND nspname <> 'information_schema' ORDER BY nspname");
                 ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    schemas.add(rs.getString(1));
                }
            }
            try (Statement s = c.createStatement()) {
                for (String schema : schemas) {
                    // objects the administrator does not own are skipped by PostgreSQL with a warning
                    s.execute("GRANT USAGE ON SCHEMA " + quote(schema) + " TO " + quote(role));
                    s.execute("GRANT SELECT, INSERT, UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER ON ALL TABLES IN SCHEMA "
                            + quote(schema) + " TO " + quote(role));
                    s.execute("GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA " + quote(schema) + " TO " + quote(role));
                }
            }
        }
    }
}

package dev.strata.neonlocal;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The stand-in's own records (projects, branches, endpoints, roles, databases, operations and the
 * backing names behind them), kept as JSON rows in the backing server's {@code neon_local}
 * database so a restarted stand-in still knows what it created. Thread-safe (one connection,
 * synchronised).
 */
final class Store implements AutoCloseable {
    private final Connection connection;
    private final ObjectMapper json;

    Store(Backing backing, ObjectMapper json) throws SQLException {
        backing.ensureMetaDatabase();
        this.connection = backing.admin(Backing.META_DATABASE);
        this.json = json;
        try (Statement s = connection.createStatement()) {
            s.execute("CREATE TABLE IF NOT EXISTS objects (kind text NOT NULL, id text NOT NULL, body jsonb NOT NULL, "
                    + "PRIMARY KEY (kind, id))");
            s.execute("CREATE SEQUENCE IF NOT EXISTS backing_names");
        }
    }

    synchronized void save(String kind, String id, ObjectNode body) {
        try (PreparedStatement ps = connection.prepareStatement(
                "INSERT INTO objects (kind, id, body) VALUES (?, ?, ?::jsonb) "
                        + "ON CONFLICT (kind, id) DO UPDATE SET body = excluded.body")) {
            ps.setString(1, kind);
            ps.setString(2, id);
            ps.setString(3, json.writeValueAsString(body));
            ps.executeUpdate();
        } catch (Exception e) {
            throw new IllegalStateException("neon-local could not record " + kind + " " + id + ": " + e.getMessage(), e);
        }
    }

    synchronized void delete(String kind, String id) {
        try (PreparedStatement ps = connection.prepareStatement("DELETE FROM objects WHERE kind = ? AND id = ?")) {
            ps.setString(1, kind);
            ps.setString(2, id);
            ps.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException("neon-local could not forget " + kind + " " + id + ": " + e.getMessage(), e);
        }
    }

    synchronized Map<String, ObjectNode> load(String kind) {
        Map<String, ObjectNode> out = new LinkedHashMap<>();
        try (PreparedStatement ps = connection.prepareStatement("SELECT id, body::text FROM objects WHERE kind = ? ORDER BY id")) {
            ps.setString(1, kind);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.put(rs.getString(1), (ObjectNode) json.readTree(rs.getString(2)));
                }
            }
        } catch (Exception e) {
            throw new IllegalStateException("neon-local could not read its " + kind + " records: " + e.getMessage(), e);
        }
        return out;
    }

    /** A new backing name with the prefix, unique on the backing server. */
    synchronized String backingName(String prefix) {
        try (Statement s = connection.createStatement(); ResultSet rs = s.executeQuery("SELECT nextval('backing_names')")) {
            rs.next();
            return prefix + rs.getLong(1);
        } catch (SQLException e) {
            throw new IllegalStateException("neon-local could not name a backing object: " + e.getMessage(), e);
        }
    }

    @Override
    public synchronized void close() throws SQLException {
        connection.close();
    }
}

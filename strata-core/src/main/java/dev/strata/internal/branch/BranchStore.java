package dev.strata.internal.branch;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** The SQL of {@code platform.tenant_branches} (management database); every method runs in the caller's transaction. */
public final class BranchStore {
    private static final String COLUMNS = "tenant_id, name, state, plane_key, project_id, parent_branch_id, neon_name,"
            + " branch_id, endpoint_id, role_name, database_name, parent_timestamp, operation_id, created_by, created_at";

    private BranchStore() {
    }

    /** Records a branch being created; fails with a unique violation if the T1 has one of that name. */
    public static void insert(Connection c, BranchRecord r) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO platform.tenant_branches (" + COLUMNS
                + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            ps.setObject(1, r.tenantId());
            ps.setString(2, r.name());
            ps.setString(3, r.state());
            ps.setString(4, r.planeKey());
            ps.setString(5, r.projectId());
            ps.setString(6, r.parentBranchId());
            ps.setString(7, r.neonName());
            ps.setString(8, r.branchId());
            ps.setString(9, r.endpointId());
            ps.setString(10, r.roleName());
            ps.setString(11, r.databaseName());
            ps.setTimestamp(12, r.parentTimestamp() == null ? null : Timestamp.from(r.parentTimestamp()));
            ps.setObject(13, r.operationId());
            ps.setString(14, r.createdBy());
            ps.setTimestamp(15, Timestamp.from(r.createdAt()));
            ps.executeUpdate();
        }
    }

    public static Optional<BranchRecord> find(Connection c, UUID tenantId, String name, boolean lock) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS
                + " FROM platform.tenant_branches WHERE tenant_id = ? AND name = ?" + (lock ? " FOR UPDATE" : ""))) {
            ps.setObject(1, tenantId);
            ps.setString(2, name);
            List<BranchRecord> found = read(ps);
            return found.isEmpty() ? Optional.empty() : Optional.of(found.get(0));
        }
    }

    /** The T1's branches by name. */
    public static List<BranchRecord> list(Connection c, UUID tenantId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS
                + " FROM platform.tenant_branches WHERE tenant_id = ? ORDER BY name")) {
            ps.setObject(1, tenantId);
            return read(ps);
        }
    }

    /** Records the Neon branch's id and endpoint. */
    public static void setNeon(Connection c, UUID tenantId, String name, String branchId, String endpointId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE platform.tenant_branches SET branch_id = ?, endpoint_id = ?"
                + " WHERE tenant_id = ? AND name = ?")) {
            ps.setString(1, branchId);
            ps.setString(2, endpointId);
            ps.setObject(3, tenantId);
            ps.setString(4, name);
            ps.executeUpdate();
        }
    }

    /** Sets the state and the operation working on the branch. */
    public static void setState(Connection c, UUID tenantId, String name, String state, UUID operation) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE platform.tenant_branches SET state = ?, operation_id = ?"
                + " WHERE tenant_id = ? AND name = ?")) {
            ps.setString(1, state);
            ps.setObject(2, operation);
            ps.setObject(3, tenantId);
            ps.setString(4, name);
            ps.executeUpdate();
        }
    }

    public static void delete(Connection c, UUID tenantId, String name) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM platform.tenant_branches WHERE tenant_id = ? AND name = ?")) {
            ps.setObject(1, tenantId);
            ps.setString(2, name);
            ps.executeUpdate();
        }
    }

    private static List<BranchRecord> read(PreparedStatement ps) throws SQLException {
        List<BranchRecord> out = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                Timestamp from = rs.getTimestamp("parent_timestamp");
                out.add(new BranchRecord(rs.getObject("tenant_id", UUID.class), rs.getString("name"), rs.getString("state"),
                        rs.getString("plane_key"), rs.getString("project_id"), rs.getString("parent_branch_id"),
                        rs.getString("neon_name"), rs.getString("branch_id"), rs.getString("endpoint_id"),
                        rs.getString("role_name"), rs.getString("database_name"), from == null ? null : from.toInstant(),
                        rs.getObject("operation_id", UUID.class), rs.getString("created_by"),
                        rs.getTimestamp("created_at").toInstant()));
            }
        }
        return out;
    }
}

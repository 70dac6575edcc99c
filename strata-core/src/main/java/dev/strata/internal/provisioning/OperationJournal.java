package dev.strata.internal.provisioning;

import dev.strata.internal.sql.Jdbc;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * The journal of long operations in {@code platform.operations}. Each step is recorded before it
 * runs and after it succeeds, each record in its own committed transaction, so that after a crash
 * Strata knows which operations were under way and how far they got.
 */
public final class OperationJournal {
    private final DataSource management;

    public OperationJournal(DataSource management) {
        this.management = management;
    }

    /** A running operation found at start-up. */
    public record Pending(UUID id, String kind, UUID tenantId, String detailJson) {
    }

    /** Opens an operation inside the caller's transaction (committed with the rows it concerns). */
    public UUID begin(Connection c, String kind, UUID tenantId, String detailJson) throws SQLException {
        UUID id = UUID.randomUUID();
        try (PreparedStatement ps = c.prepareStatement(
                "INSERT INTO platform.operations (id, kind, tenant_id, state, detail) VALUES (?, ?, ?, 'running', ?::jsonb)")) {
            ps.setObject(1, id);
            ps.setString(2, kind);
            ps.setObject(3, tenantId);
            ps.setString(4, detailJson == null ? "{}" : detailJson);
            ps.executeUpdate();
        }
        return id;
    }

    /** Whether another operation is running for the tenant (checked under the caller's locks). */
    public boolean hasRunning(Connection c, UUID tenantId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT 1 FROM platform.operations WHERE tenant_id = ? AND state = 'running'")) {
            ps.setObject(1, tenantId);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }

    /** Records that a step starts ({@code started}) or has finished ({@code done}). */
    public void step(UUID operation, String step, String phase) {
        Jdbc.useTransaction(management, "journal step " + step, c -> {
            try (PreparedStatement ps = c.prepareStatement("""
                    UPDATE platform.operations
                       SET steps = steps || jsonb_build_array(jsonb_build_object('step', ?::text, 'phase', ?::text, 'at', now()))
                     WHERE id = ?""")) {
                ps.setString(1, step);
                ps.setString(2, phase);
                ps.setObject(3, operation);
                ps.executeUpdate();
            }
        });
    }

    /** Closes an operation inside the caller's transaction. */
    public void finish(Connection c, UUID operation, String state, String error) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "UPDATE platform.operations SET state = ?, error = ?, finished_at = now() WHERE id = ?")) {
            ps.setString(1, state);
            ps.setString(2, error);
            ps.setObject(3, operation);
            ps.executeUpdate();
        }
    }

    /** Closes an operation in a transaction of its own. */
    public void finish(UUID operation, String state, String error) {
        Jdbc.useTransaction(management, "close operation", c -> finish(c, operation, state, error));
    }

    /** Operations left running, oldest first (after a crash). */
    public List<Pending> running() {
        return Jdbc.withConnection(management, "read running operations", c -> {
            List<Pending> out = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT id, kind, tenant_id, detail::text FROM platform.operations WHERE state = 'running' ORDER BY started_at");
                 ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new Pending(rs.getObject(1, UUID.class), rs.getString(2), rs.getObject(3, UUID.class),
                            rs.getString(4)));
                }
            }
            return out;
        });
    }
}

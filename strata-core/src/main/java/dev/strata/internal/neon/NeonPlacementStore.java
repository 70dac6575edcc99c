package dev.strata.internal.neon;

import dev.strata.internal.sql.Jdbc;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * The management database's records of the Neon planes ({@code platform.neon_placements},
 * {@code platform.neon_projects}, migration V11). Thread-safe.
 */
public final class NeonPlacementStore {
    private static final String ROW = """
            SELECT tenant_id, data_plane, project_id, branch_id, endpoint_id, database_name, owner_role, owner_password,
                   host, port, pooled_host, pooled_port, cold_starts, last_woken_at, last_wake_ms, strata_database
              FROM platform.neon_placements""";

    private final DataSource management;

    public NeonPlacementStore(DataSource management) {
        this.management = management;
    }

    /** The live placement of a T1, or of the T1 a T2 belongs to. */
    public Optional<NeonPlacementRecord> ofTenant(UUID tenantId) {
        return Jdbc.withConnection(management, "look up the Neon placement of " + tenantId, c -> {
            try (PreparedStatement ps = c.prepareStatement(ROW + " " + """
                     WHERE removed_at IS NULL AND tenant_id = (SELECT CASE WHEN t.tier = 2 THEN t.parent_id ELSE t.id END
                                                                FROM platform.tenants t WHERE t.id = ?)""")) {
                ps.setObject(1, tenantId);
                return one(ps);
            }
        });
    }

    /** The live placement holding a database of a Neon plane. */
    public Optional<NeonPlacementRecord> ofDatabase(String planeKey, String database) {
        return Jdbc.withConnection(management, "look up the Neon placement of database " + database, c -> {
            try (PreparedStatement ps = c.prepareStatement(ROW
                    + " WHERE removed_at IS NULL AND data_plane = ? AND strata_database = ?")) {
                ps.setString(1, planeKey);
                ps.setString(2, database);
                return one(ps);
            }
        });
    }

    /** Records (or, on a resumed provisioning, replaces) a T1's placement. */
    public void record(NeonPlacementRecord r) {
        Jdbc.useTransaction(management, "record the Neon placement of " + r.tenantId(), c -> {
            try (PreparedStatement ps = c.prepareStatement("""
                    INSERT INTO platform.neon_placements (tenant_id, data_plane, project_id, branch_id, endpoint_id,
                        database_name, owner_role, owner_password, host, port, pooled_host, pooled_port, strata_database)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    ON CONFLICT (tenant_id) DO UPDATE SET data_plane = excluded.data_plane, project_id = excluded.project_id,
                        branch_id = excluded.branch_id, endpoint_id = excluded.endpoint_id,
                        database_name = excluded.database_name, owner_role = excluded.owner_role,
                        owner_password = excluded.owner_password, host = excluded.host, port = excluded.port,
                        pooled_host = excluded.pooled_host, pooled_port = excluded.pooled_port,
                        strata_database = excluded.strata_database, removed_at = NULL""")) {
                NeonPlacement p = r.placement();
                ps.setObject(1, r.tenantId());
                ps.setString(2, p.planeKey());
                ps.setString(3, p.projectId());
                ps.setString(4, p.branchId());
                ps.setString(5, p.endpointId());
                ps.setString(6, p.databaseName());
                ps.setString(7, p.ownerRole());
                ps.setString(8, r.ownerPassword());
                ps.setString(9, r.host());
                ps.setInt(10, r.port());
                ps.setString(11, r.pooledHost());
                ps.setObject(12, r.pooledPort());
                ps.setString(13, r.strataDatabase());
                ps.executeUpdate();
            }
        });
    }

    /** Marks a T1's placement removed (its project or branch was deleted). */
    public void markRemoved(UUID tenantId) {
        Jdbc.useTransaction(management, "record the removal of the Neon placement of " + tenantId, c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "UPDATE platform.neon_placements SET removed_at = now() WHERE tenant_id = ? AND removed_at IS NULL")) {
                ps.setObject(1, tenantId);
                ps.executeUpdate();
            }
        });
    }

    /** Counts a cold start of a T1's compute: when it was woken and how long that took. */
    public void recordWake(String planeKey, String database, java.time.Instant at, long millis) {
        Jdbc.useTransaction(management, "record a cold start of database " + database, c -> {
            try (PreparedStatement ps = c.prepareStatement("""
                    UPDATE platform.neon_placements SET cold_starts = cold_starts + 1, last_woken_at = ?, last_wake_ms = ?
                     WHERE data_plane = ? AND strata_database = ? AND removed_at IS NULL""")) {
                ps.setTimestamp(1, Timestamp.from(at));
                ps.setLong(2, millis);
                ps.setString(3, planeKey);
                ps.setString(4, database);
                ps.executeUpdate();
            }
        });
    }

    // --- the projects a plane uses ------------------------------------------------------------

    /** A project a plane uses. */
    public record NeonProjectRecord(String planeKey, String projectId, String name, String purpose, String templateBranchId,
                                    boolean atBranchLimit) {
    }

    /** Records a project the plane uses (idempotent). */
    public void recordProject(NeonProjectRecord p) {
        Jdbc.useTransaction(management, "record Neon project " + p.projectId(), c -> {
            try (PreparedStatement ps = c.prepareStatement("""
                    INSERT INTO platform.neon_projects (data_plane, project_id, name, purpose, template_branch_id)
                    VALUES (?, ?, ?, ?, ?)
                    ON CONFLICT (data_plane, project_id) DO UPDATE SET deleted_at = NULL""")) {
                ps.setString(1, p.planeKey());
                ps.setString(2, p.projectId());
                ps.setString(3, p.name());
                ps.setString(4, p.purpose());
                ps.setString(5, p.templateBranchId());
                ps.executeUpdate();
            }
        });
    }

    /** The shared projects of a plane (branch placement) that have not reached their branch limit, oldest first. */
    public List<NeonProjectRecord> sharedProjects(String planeKey) {
        return Jdbc.withConnection(management, "list the Neon projects of plane " + planeKey, c -> {
            try (PreparedStatement ps = c.prepareStatement("""
                    SELECT data_plane, project_id, name, purpose, template_branch_id, at_branch_limit
                      FROM platform.neon_projects
                     WHERE data_plane = ? AND purpose = 'shared' AND deleted_at IS NULL
                     ORDER BY created_at, project_id""")) {
                ps.setString(1, planeKey);
                List<NeonProjectRecord> out = new ArrayList<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(new NeonProjectRecord(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4),
                                rs.getString(5), rs.getBoolean(6)));
                    }
                }
                return out;
            }
        });
    }

    /** Marks a shared project as having reached Neon's branch limit: new T1s spill into another. */
    public void markAtBranchLimit(String planeKey, String projectId) {
        Jdbc.useTransaction(management, "mark Neon project " + projectId + " full", c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "UPDATE platform.neon_projects SET at_branch_limit = true WHERE data_plane = ? AND project_id = ?")) {
                ps.setString(1, planeKey);
                ps.setString(2, projectId);
                ps.executeUpdate();
            }
        });
    }

    /** Marks a project deleted. */
    public void markProjectDeleted(String planeKey, String projectId) {
        Jdbc.useTransaction(management, "record the deletion of Neon project " + projectId, c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "UPDATE platform.neon_projects SET deleted_at = now() WHERE data_plane = ? AND project_id = ?")) {
                ps.setString(1, planeKey);
                ps.setString(2, projectId);
                ps.executeUpdate();
            }
        });
    }

    private static Optional<NeonPlacementRecord> one(PreparedStatement ps) throws SQLException {
        try (ResultSet rs = ps.executeQuery()) {
            if (!rs.next()) {
                return Optional.empty();
            }
            Timestamp woken = rs.getTimestamp(14);
            return Optional.of(new NeonPlacementRecord((UUID) rs.getObject(1),
                    new NeonPlacement(rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5), rs.getString(6),
                            rs.getString(7)), rs.getString(8), rs.getString(9), rs.getInt(10), rs.getString(11),
                    (Integer) rs.getObject(12), rs.getLong(13), woken == null ? null : woken.toInstant(),
                    (Long) rs.getObject(15), rs.getString(16)));
        }
    }

}

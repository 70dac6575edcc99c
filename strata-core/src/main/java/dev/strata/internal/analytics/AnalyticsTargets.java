package dev.strata.internal.analytics;

import dev.strata.Tier;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Every app schema holding tenant data, from the registry: the schema of each placement of a T1
 * or T2 whose data exists (active, suspended, or being moved), in a database not dropped. Stateless.
 */
final class AnalyticsTargets {
    private AnalyticsTargets() {
    }

    static List<AnalyticsTarget> discover(DataSource management) throws SQLException {
        Map<String, List<AnalyticsTarget.Member>> members = new LinkedHashMap<>();
        Map<String, String[]> where = new LinkedHashMap<>();
        try (Connection c = management.getConnection(); PreparedStatement ps = c.prepareStatement("""
                SELECT p.data_plane, p.database_name, p.schema_name, t.id, t.slug, t.tier, t.parent_id
                  FROM platform.placements p
                  JOIN platform.tenants t ON t.id = p.tenant_id
                  JOIN platform.databases d ON d.data_plane = p.data_plane AND d.name = p.database_name
                 WHERE t.tier > 0 AND t.status IN ('active', 'suspended', 'migrating') AND d.dropped_at IS NULL
                 ORDER BY p.data_plane, p.database_name, p.schema_name, t.tier, t.slug""");
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                String key = rs.getString(1) + "/" + rs.getString(2) + "/" + rs.getString(3);
                where.putIfAbsent(key, new String[] {rs.getString(1), rs.getString(2), rs.getString(3)});
                members.computeIfAbsent(key, k -> new ArrayList<>()).add(new AnalyticsTarget.Member(
                        rs.getObject(4, UUID.class), rs.getString(5), Tier.ofLevel(rs.getInt(6)), rs.getObject(7, UUID.class)));
            }
        }
        List<AnalyticsTarget> out = new ArrayList<>();
        where.forEach((key, w) -> out.add(new AnalyticsTarget(w[0], w[1], w[2], members.get(key))));
        return out;
    }
}

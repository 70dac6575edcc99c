package dev.strata.internal.move;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * Compares the scope's rows of two endpoints table by table: the row count and an
 * order-independent checksum, the sum (as numeric, no overflow) of the first 64 bits of the md5 of
 * each row's text over the same stored columns, with the same output settings on both sides.
 * Stateless; thread-safe.
 */
final class TenantVerifier {
    private TenantVerifier() {
    }

    static List<TableCheck> verify(Connection source, Connection target, CopyEndpoint from, CopyEndpoint to, CopyScope scope)
            throws SQLException {
        CaptureConnections.normaliseOutput(source);
        CaptureConnections.normaliseOutput(target);
        String tenants = CaptureArtefacts.tenantArray(scope.tenantIds());
        List<TableCheck> checks = new ArrayList<>();
        for (String table : scope.tables()) {
            TableShape sourceShape = TableShape.read(source, from.schema(), table);
            TableShape targetShape = TableShape.read(target, to.schema(), table);
            List<String> columns = targetShape.copiedColumns(sourceShape);
            long[] sourceCount = new long[1];
            long[] targetCount = new long[1];
            String sourceSum = checksum(source, sourceShape, columns, tenants, sourceCount);
            String targetSum = checksum(target, targetShape, columns, tenants, targetCount);
            checks.add(new TableCheck(table, sourceCount[0], targetCount[0], sourceSum, targetSum));
        }
        return checks;
    }

    private static String checksum(Connection c, TableShape shape, List<String> columns, String tenants, long[] count)
            throws SQLException {
        String row = "ROW(" + TableShape.columnList(columns) + ")::text";
        String sql = "SELECT count(*), coalesce(sum(('x' || left(md5(" + row + "), 16))::bit(64)::bigint::numeric), 0)::text"
                + " FROM " + shape.qualified() + " WHERE tenant_id = ANY (?::uuid[])";
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, tenants);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                count[0] = rs.getLong(1);
                return rs.getString(2);
            }
        }
    }
}

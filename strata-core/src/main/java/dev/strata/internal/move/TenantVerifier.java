package dev.strata.internal.move;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Compares the scope's rows of two endpoints table by table: the row count and an
 * order-independent checksum, the sum (as numeric, no overflow) of the first 64 bits of the md5 of
 * each row's text over the same stored columns, with the same output settings on both sides.
 * The source's and the target's sums are computed at the same time, each on its own connection
 * (they are independent reads: the result is the same as one after the other, in about half the
 * time when the two sides have a core each). Stateless; thread-safe for distinct connections.
 */
final class TenantVerifier {
    private TenantVerifier() {
    }

    /** A table's count and checksum on one side. */
    private record Sum(long rows, String checksum) {
    }

    static List<TableCheck> verify(Connection source, Connection target, CopyEndpoint from, CopyEndpoint to, CopyScope scope)
            throws SQLException {
        CaptureConnections.normaliseOutput(source);
        CaptureConnections.normaliseOutput(target);
        String tenants = CaptureArtefacts.tenantArray(scope.tenantIds());
        List<TableShape> sourceShapes = new ArrayList<>();
        List<TableShape> targetShapes = new ArrayList<>();
        List<List<String>> columns = new ArrayList<>();
        for (String table : scope.tables()) {
            TableShape sourceShape = TableShape.read(source, from.schema(), table);
            TableShape targetShape = TableShape.read(target, to.schema(), table);
            sourceShapes.add(sourceShape);
            targetShapes.add(targetShape);
            columns.add(targetShape.copiedColumns(sourceShape));
        }
        ExecutorService sourceSide = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "strata-verify-" + from.name());
            t.setDaemon(true);
            return t;
        });
        try {
            Future<List<Sum>> sourceSums = sourceSide.submit(() -> sums(source, sourceShapes, columns, tenants));
            List<Sum> targetSums = sums(target, targetShapes, columns, tenants);
            List<Sum> sourceResult = await(sourceSums);
            List<TableCheck> checks = new ArrayList<>();
            for (int i = 0; i < scope.tables().size(); i++) {
                Sum s = sourceResult.get(i);
                Sum t = targetSums.get(i);
                checks.add(new TableCheck(scope.tables().get(i), s.rows(), t.rows(), s.checksum(), t.checksum()));
            }
            return checks;
        } finally {
            sourceSide.shutdownNow();
        }
    }

    private static List<Sum> sums(Connection c, List<TableShape> shapes, List<List<String>> columns, String tenants)
            throws SQLException {
        List<Sum> out = new ArrayList<>();
        for (int i = 0; i < shapes.size(); i++) {
            out.add(checksum(c, shapes.get(i), columns.get(i), tenants));
        }
        return out;
    }

    private static Sum checksum(Connection c, TableShape shape, List<String> columns, String tenants) throws SQLException {
        String row = "ROW(" + TableShape.columnList(columns) + ")::text";
        String sql = "SELECT count(*), coalesce(sum(('x' || left(md5(" + row + "), 16))::bit(64)::bigint::numeric), 0)::text"
                + " FROM " + shape.qualified() + " WHERE tenant_id = ANY (?::uuid[])";
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, tenants);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return new Sum(rs.getLong(1), rs.getString(2));
            }
        }
    }

    private static List<Sum> await(Future<List<Sum>> sums) throws SQLException {
        try {
            return sums.get();
        } catch (InterruptedException e) {
            sums.cancel(true);
            Thread.currentThread().interrupt();
            throw new SQLException("interrupted while the source's checksums were computed", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof SQLException se) {
                throw se;
            }
            if (e.getCause() instanceof RuntimeException re) {
                throw re;
            }
            throw new SQLException("computing the source's checksums failed", e.getCause());
        }
    }
}

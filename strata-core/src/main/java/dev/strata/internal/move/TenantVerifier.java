package dev.strata.internal.move;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Compares the scope's rows of two endpoints table by table: the row count and an
 * order-independent checksum, the sum (as numeric, no overflow) of the first 64 bits of the md5 of
 * each row's text over the same stored columns, with the same output settings on both sides.
 * The source's and the target's sums are computed at the same time, each on its own connection
 * (independent reads: the same result as one after the other). With a {@link VerifyBaseline}
 * taken earlier, each side's sums are those at the baseline plus what changed since
 * ({@link SnapshotDelta}): the same figures as a full pass, for a fraction of its work; a
 * baseline that does not fit, or any failure of that path, falls back to the full pass.
 * Stateless; thread-safe for distinct connections.
 */
final class TenantVerifier {
    private static final Logger LOG = LoggerFactory.getLogger(TenantVerifier.class);

    private TenantVerifier() {
    }

    /** A table's count and checksum on one side (the checksum as an integer's text). */
    record Sum(long rows, String checksum) {
    }

    /** The checksum of the rows a query selects, as one column of text. */
    static String checksumExpression(List<String> columns) {
        String row = "ROW(" + TableShape.columnList(columns) + ")::text";
        return "coalesce(sum(('x' || left(md5(" + row + "), 16))::bit(64)::bigint::numeric), 0)::text";
    }

    static List<TableCheck> verify(Connection source, Connection target, CopyEndpoint from, CopyEndpoint to, CopyScope scope)
            throws SQLException {
        return verify(source, target, from, to, scope, VerifyBaseline.NONE);
    }

    /** {@link #verify(Connection, Connection, CopyEndpoint, CopyEndpoint, CopyScope)}, from the baseline if it fits. */
    static List<TableCheck> verify(Connection source, Connection target, CopyEndpoint from, CopyEndpoint to, CopyScope scope,
                                   VerifyBaseline baseline) throws SQLException {
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
        if (baseline.covers(from, to, scope) && baseline.columns.equals(columns)) {
            try {
                return checks(scope, bothSides(
                        () -> fromBaseline(source, sourceShapes, columns, tenants, baseline.source),
                        () -> fromBaseline(target, targetShapes, columns, tenants, baseline.target)));
            } catch (SQLException | RuntimeException e) {
                LOG.warn("Verifying {} against {} from the baseline failed ({}); comparing every row instead",
                        from.name(), to.name(), e.getMessage());
                resetQuietly(source);
                resetQuietly(target);
            }
        }
        return checks(scope, bothSides(() -> sums(source, sourceShapes, columns, tenants),
                () -> sums(target, targetShapes, columns, tenants)));
    }

    /**
     * Opens a baseline of both sides (a {@code REPEATABLE READ} snapshot each, the sums at it),
     * on connections of its own that it keeps; the caller closes it.
     */
    static VerifyBaseline baseline(CopyEndpoint from, CopyEndpoint to, CopyScope scope) throws SQLException {
        Connection source = CaptureConnections.admin(from, "strata-verify");
        Connection target = null;
        try {
            target = CaptureConnections.admin(to, "strata-verify");
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
            Connection s = source;
            Connection t = target;
            List<VerifyBaseline.Side> sides = bothSides(() -> side(s, sourceShapes, columns, tenants),
                    () -> side(t, targetShapes, columns, tenants));
            return new VerifyBaseline(from, to, scope, columns, sides.get(0), sides.get(1));
        } catch (SQLException | RuntimeException e) {
            VerifyBaseline.closeQuietly(source);
            VerifyBaseline.closeQuietly(target);
            throw e;
        }
    }

    /** One side at P: a read-only {@code REPEATABLE READ} transaction left open, its snapshot's xmin, the sums. */
    private static VerifyBaseline.Side side(Connection c, List<TableShape> shapes, List<List<String>> columns,
                                            String tenants) throws SQLException {
        c.setAutoCommit(false);
        c.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
        c.setReadOnly(true);
        long xmin;
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT pg_snapshot_xmin(pg_current_snapshot())::text::numeric % 4294967296");
             ResultSet rs = ps.executeQuery()) {
            rs.next();
            xmin = rs.getLong(1);
        }
        List<List<Long>> leaves = new ArrayList<>();
        for (TableShape shape : shapes) {
            leaves.add(SnapshotDelta.leaves(c, shape));
        }
        return new VerifyBaseline.Side(c, xmin, leaves, sums(c, shapes, columns, tenants));
    }

    /** One side's sums at a new snapshot F, from the baseline's side at P. */
    private static List<Sum> fromBaseline(Connection f, List<TableShape> shapes, List<List<String>> columns, String tenants,
                                          VerifyBaseline.Side p) throws SQLException {
        f.setAutoCommit(false);
        f.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
        f.setReadOnly(true);
        try {
            List<Sum> out = new ArrayList<>();
            for (int i = 0; i < shapes.size(); i++) {
                if (!SnapshotDelta.leaves(f, shapes.get(i)).equals(p.leaves().get(i))) {
                    throw new IllegalStateException("the partitions of " + shapes.get(i).qualified() + " changed");
                }
                out.add(SnapshotDelta.sumAtF(p.connection(), f, shapes.get(i), columns.get(i), tenants, p.snapshotXmin(),
                        p.sums().get(i)));
            }
            f.commit();
            return out;
        } finally {
            resetQuietly(f);
        }
    }

    private static List<TableCheck> checks(CopyScope scope, List<List<Sum>> sides) {
        List<TableCheck> checks = new ArrayList<>();
        for (int i = 0; i < scope.tables().size(); i++) {
            Sum s = sides.get(0).get(i);
            Sum t = sides.get(1).get(i);
            checks.add(new TableCheck(scope.tables().get(i), s.rows(), t.rows(), s.checksum(), t.checksum()));
        }
        return checks;
    }

    /** Runs the source's work on a thread of its own and the target's on this one; both results, source first. */
    private static <T> List<T> bothSides(Callable<T> sourceWork, Callable<T> targetWork) throws SQLException {
        ExecutorService sourceSide = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "strata-verify-source");
            t.setDaemon(true);
            return t;
        });
        try {
            Future<T> sourceResult = sourceSide.submit(sourceWork);
            T targetResult;
            try {
                targetResult = targetWork.call();
            } catch (SQLException | RuntimeException e) {
                await(sourceResult); // the source's connection is free again before the caller uses it
                throw e;
            } catch (Exception e) {
                await(sourceResult);
                throw new SQLException(e);
            }
            return List.of(await(sourceResult), targetResult);
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
        String sql = "SELECT count(*), " + checksumExpression(columns) + " FROM " + shape.qualified()
                + " WHERE tenant_id = ANY (?::uuid[])";
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, tenants);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return new Sum(rs.getLong(1), rs.getString(2));
            }
        }
    }

    private static <T> T await(Future<T> result) throws SQLException {
        try {
            return result.get();
        } catch (InterruptedException e) {
            result.cancel(true);
            Thread.currentThread().interrupt();
            throw new SQLException("interrupted while the source side was verified", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof SQLException se) {
                throw se;
            }
            if (e.getCause() instanceof RuntimeException re) {
                throw re;
            }
            throw new SQLException("verifying the source side failed", e.getCause());
        }
    }

    /** Back to autocommit, read-write, read committed; never throws. */
    private static void resetQuietly(Connection c) {
        try {
            if (!c.getAutoCommit()) {
                c.rollback();
                c.setAutoCommit(true);
            }
            c.setReadOnly(false);
            c.setTransactionIsolation(Connection.TRANSACTION_READ_COMMITTED);
        } catch (SQLException ignored) {
            // the caller closes the connection
        }
    }
}

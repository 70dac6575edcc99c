package dev.strata.internal.move;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;

/**
 * Both sides' counts and checksums of a scope at a point P before the freeze, with the snapshot
 * of each side held open (a {@code REPEATABLE READ} transaction per side) so that a later
 * verification needs to add only what changed since ({@link SnapshotDelta}). Obtained from
 * {@link ChangeCapture#verifyBaseline}; {@link #NONE} when there is none (a verification then
 * compares every row). Holding it keeps both sides' tables' {@code AccessShareLock} and their
 * vacuum horizon: close it as soon as the verification is done. Not thread-safe: used by the
 * thread of one move.
 */
public final class VerifyBaseline implements AutoCloseable {
    /** No baseline: verifications compare every row. */
    public static final VerifyBaseline NONE = new VerifyBaseline(null, null, null, null, null, null);

    /**
     * One side at P.
     *
     * @param connection   the open {@code REPEATABLE READ} transaction whose snapshot is P
     * @param snapshotXmin P's {@code xmin}, 32 bits: every transaction before it had ended at P
     * @param leaves       per table of the scope, the relations holding its rows (partitions), as oids
     * @param sums         per table of the scope, its count and checksum at P
     */
    record Side(Connection connection, long snapshotXmin, List<List<Long>> leaves, List<TenantVerifier.Sum> sums) {
    }

    final CopyEndpoint from;
    final CopyEndpoint to;
    final CopyScope scope;
    /** Per table of the scope, the columns summed (the same on both sides). */
    final List<List<String>> columns;
    final Side source;
    final Side target;

    VerifyBaseline(CopyEndpoint from, CopyEndpoint to, CopyScope scope, List<List<String>> columns, Side source,
                   Side target) {
        this.from = from;
        this.to = to;
        this.scope = scope;
        this.columns = columns;
        this.source = source;
        this.target = target;
    }

    /** Whether this baseline was taken of these endpoints and this scope. */
    boolean covers(CopyEndpoint source, CopyEndpoint target, CopyScope scope) {
        return this.source != null && source.name().equals(from.name()) && target.name().equals(to.name())
                && scope.equals(this.scope);
    }

    /** Ends both snapshots' transactions and closes their connections; never throws. */
    @Override
    public void close() {
        if (source != null) {
            closeQuietly(source.connection());
        }
        if (target != null) {
            closeQuietly(target.connection());
        }
    }

    static void closeQuietly(Connection c) {
        if (c == null) {
            return;
        }
        try {
            if (!c.isClosed() && !c.getAutoCommit()) {
                c.rollback();
            }
        } catch (SQLException ignored) {
            // closed below either way
        }
        try {
            c.close();
        } catch (SQLException ignored) {
            // nothing left to release
        }
    }
}

package dev.strata.internal.move;

import dev.strata.ErrorCode;
import dev.strata.StrataException;
import dev.strata.internal.move.ChangeStream.Batch;
import dev.strata.internal.move.ChangeStream.CapturedTransaction;
import dev.strata.internal.move.PgOutputMessage.Delete;
import dev.strata.internal.move.PgOutputMessage.Insert;
import dev.strata.internal.move.PgOutputMessage.Relation;
import dev.strata.internal.move.PgOutputMessage.Truncate;
import dev.strata.internal.move.PgOutputMessage.Update;
import dev.strata.internal.sql.Identifiers;
import dev.strata.internal.sql.Jdbc;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;

/**
 * {@link ChangeCapture} on PostgreSQL logical decoding, decoded in Java so that any source and
 * target pair works (same database, another database, another server):
 *
 * <ul>
 *   <li>{@link #start}: a publication of the scope's tables row-filtered on the scope's tenants
 *       ({@code publish_via_partition_root}) and a {@code pgoutput} logical slot, both named
 *       {@code strata_mv_<name>}.</li>
 *   <li>{@link #initialCopy}: a temporary slot exports a snapshot; the capture's slot is advanced
 *       to that snapshot's consistent point and the scope's rows are streamed with COPY from that
 *       snapshot, in one target transaction that also records the point as the target's applied
 *       position (replication origin {@code strata_mv_<name>} on the target's server). The copy
 *       and the captured changes therefore meet exactly: nothing is applied twice, nothing lost.</li>
 *   <li>{@link #catchUp}: peeks batches of committed transactions from the slot, applies each batch
 *       in one target transaction (replica session role: no triggers, no foreign-key checks) that
 *       records its end as the origin's position, and only then advances the slot. A crash between
 *       the two is repaired by the next call, which skips what the origin says is applied.</li>
 * </ul>
 *
 * <p>Thread-safe and stateless: every call opens its own connections and closes them, and all
 * state lives in the databases (so a new instance resumes where an abandoned one stopped).
 *
 * <p>Creating a logical slot ({@link #start}, {@link #initialCopy}) waits until every transaction
 * then running on the source's server has ended: call them without a transaction of your own open
 * on that server. {@link #deleteRows} of the source belongs after {@link #stop} (while the capture
 * runs, the deletes would be captured too). The administrator of a plane needs the REPLICATION
 * attribute (or superuser) and, on the target, the right to use replication origins.
 */
public final class LogicalChangeCapture implements ChangeCapture {
    /** Changes (rows of the decoding function) read and applied per target transaction. */
    static final int DEFAULT_BATCH = 5_000;

    /** A test seam: runs after a batch committed at the target and before the slot is advanced. */
    interface AfterApply {
        AfterApply NONE = lsn -> {
        };

        void run(long committedLsn);
    }

    private final int batch;
    private final AfterApply afterApply;

    public LogicalChangeCapture() {
        this(DEFAULT_BATCH, AfterApply.NONE);
    }

    LogicalChangeCapture(int batch, AfterApply afterApply) {
        if (batch < 1) {
            throw new IllegalArgumentException("batch must be positive");
        }
        this.batch = batch;
        this.afterApply = afterApply;
    }

    @Override
    public void requireCapturable(CopyEndpoint source, CopyScope scope) {
        try (Connection c = CaptureConnections.admin(source, "strata-capture")) {
            CapturabilityCheck.require(c, source, scope);
        } catch (SQLException e) {
            throw Jdbc.databaseError("check that " + source.name() + " can be captured", e);
        }
    }

    @Override
    public void start(String captureName, CopyEndpoint source, CopyScope scope) {
        CaptureName name = CaptureName.of(captureName);
        try (Connection c = CaptureConnections.admin(source, name.applicationName())) {
            CaptureArtefacts.createPublication(c, name, source, scope);
            CaptureArtefacts.createSlot(c, name);
        } catch (SQLException e) {
            throw Jdbc.databaseError("start capture " + captureName + " on " + source.name(), e);
        }
    }

    @Override
    public long initialCopy(String captureName, CopyEndpoint source, CopyEndpoint target, CopyScope scope) {
        CaptureName name = CaptureName.of(captureName);
        requireDistinct(source, target);
        Connection apply = null;
        try (Connection admin = CaptureConnections.admin(source, name.applicationName());
             Connection snapshot = CaptureConnections.admin(source, name.applicationName())) {
            CaptureArtefacts.requireSlot(admin, name, source);
            apply = CaptureConnections.apply(target, name.applyApplicationName());
            CapturabilityCheck.requireApplicable(apply, target, scope);
            CaptureArtefacts.createOrigin(apply, name);
            apply.commit();
            CaptureArtefacts.setUpOriginSession(apply, name);
            CaptureArtefacts.dropSlot(admin, name.copySlot()); // of an abandoned copy
            try (Connection replication = CaptureConnections.replication(source, name.applicationName())) {
                long consistentPoint;
                String snapshotName;
                try (Statement s = replication.createStatement();
                     ResultSet rs = s.executeQuery("CREATE_REPLICATION_SLOT " + Identifiers.quote(name.copySlot())
                             + " TEMPORARY LOGICAL pgoutput (SNAPSHOT 'export')")) {
                    rs.next();
                    consistentPoint = Lsn.parse(rs.getString("consistent_point"));
                    snapshotName = rs.getString("snapshot_name");
                }
                snapshot.setAutoCommit(false);
                snapshot.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
                snapshot.setReadOnly(true);
                try (Statement s = snapshot.createStatement()) {
                    s.execute("SET TRANSACTION SNAPSHOT " + Identifiers.literal(snapshotName));
                }
                long confirmed = CaptureArtefacts.confirmed(admin, name);
                if (Lsn.after(confirmed, consistentPoint)) {
                    throw new StrataException(ErrorCode.INTERNAL, "Capture " + captureName + " is already at "
                            + Lsn.format(confirmed) + ", after the copy's snapshot " + Lsn.format(consistentPoint));
                }
                // changes up to the snapshot are in the copy; the slot delivers exactly the ones after it
                CaptureArtefacts.advance(admin, name, consistentPoint);
                long rows = TenantCopier.copy(snapshot, apply, source, target, scope);
                CaptureArtefacts.recordInTransaction(apply, name, consistentPoint);
                apply.commit();
                snapshot.commit();
                return rows;
            }
        } catch (SQLException e) {
            throw Jdbc.databaseError("copy the rows of capture " + captureName + " from " + source.name()
                    + " to " + target.name(), e);
        } finally {
            CaptureConnections.closeApply(apply);
        }
    }

    @Override
    public long catchUp(String captureName, CopyEndpoint source, CopyEndpoint target, CopyScope scope, Duration maxTime) {
        CaptureName name = CaptureName.of(captureName);
        requireDistinct(source, target);
        long deadline = System.nanoTime() + Math.max(0, maxTime.toNanos());
        Connection apply = null;
        ChangeApplier applier = null;
        try (Connection admin = CaptureConnections.admin(source, name.applicationName())) {
            CaptureArtefacts.requireSlot(admin, name, source);
            apply = CaptureConnections.apply(target, name.applyApplicationName());
            CaptureArtefacts.createOrigin(apply, name);
            apply.commit();
            CaptureArtefacts.setUpOriginSession(apply, name);
            long applied = CaptureArtefacts.originProgress(apply, name);
            apply.commit();
            // what the target committed before a crash is not read again
            CaptureArtefacts.advance(admin, name, applied);
            applier = new ChangeApplier(apply, source, target, scope);
            while (true) {
                long flushed = CaptureArtefacts.flushWal(admin);
                Batch read = ChangeStream.peek(admin, name, batch);
                if (!read.transactions().isEmpty()) {
                    for (CapturedTransaction tx : read.transactions()) {
                        if (Lsn.after(tx.endLsn(), applied)) {
                            applyTransaction(applier, tx);
                        }
                    }
                    CaptureArtefacts.recordInTransaction(apply, name, read.endLsn());
                    apply.commit();
                    applied = read.endLsn();
                    afterApply.run(applied);
                    CaptureArtefacts.advance(admin, name, applied);
                }
                if (!read.limited()) {
                    // everything flushed before the peek is applied; skip the rest of the WAL read
                    CaptureArtefacts.advance(admin, name, flushed);
                    return 0;
                }
                if (System.nanoTime() - deadline >= 0) {
                    String lag = CaptureConnections.queryString(admin, """
                            SELECT pg_wal_lsn_diff(pg_current_wal_flush_lsn(), confirmed_flush_lsn)::bigint
                              FROM pg_replication_slots WHERE slot_name = ?""", name.slot());
                    return Math.max(1, lag == null ? 1 : Long.parseLong(lag));
                }
            }
        } catch (SQLException e) {
            throw Jdbc.databaseError("apply the changes of capture " + captureName + " to " + target.name(), e);
        } finally {
            if (applier != null) {
                applier.close();
            }
            CaptureConnections.closeApply(apply);
        }
    }

    private static void applyTransaction(ChangeApplier applier, CapturedTransaction tx) throws SQLException {
        for (PgOutputMessage message : tx.messages()) {
            if (message instanceof Relation r) {
                applier.relation(r);
            } else if (message instanceof Insert i) {
                applier.insert(i);
            } else if (message instanceof Update u) {
                applier.update(u);
            } else if (message instanceof Delete d) {
                applier.delete(d);
            } else if (message instanceof Truncate t) {
                applier.truncate(t);
            }
            // Type, Origin and logical messages carry nothing to apply
        }
    }

    @Override
    public void syncSequences(CopyEndpoint source, CopyEndpoint target, CopyScope scope) {
        requireDistinct(source, target);
        try (Connection from = CaptureConnections.admin(source, "strata-capture");
             Connection to = CaptureConnections.admin(target, "strata-capture")) {
            SequenceSync.sync(from, to, source, target, scope);
        } catch (SQLException e) {
            throw Jdbc.databaseError("set the sequences of " + target.name() + " from " + source.name(), e);
        }
    }

    @Override
    public List<TableCheck> verify(CopyEndpoint source, CopyEndpoint target, CopyScope scope) {
        requireDistinct(source, target);
        try (Connection from = CaptureConnections.admin(source, "strata-capture");
             Connection to = CaptureConnections.admin(target, "strata-capture")) {
            return TenantVerifier.verify(from, to, source, target, scope);
        } catch (SQLException e) {
            throw Jdbc.databaseError("compare " + source.name() + " with " + target.name(), e);
        }
    }

    @Override
    public VerifyBaseline verifyBaseline(CopyEndpoint source, CopyEndpoint target, CopyScope scope) {
        requireDistinct(source, target);
        try {
            return TenantVerifier.baseline(source, target, scope);
        } catch (SQLException e) {
            throw Jdbc.databaseError("take the verification baseline of " + source.name() + " and " + target.name(), e);
        }
    }

    @Override
    public List<TableCheck> verify(CopyEndpoint source, CopyEndpoint target, CopyScope scope, VerifyBaseline baseline) {
        requireDistinct(source, target);
        try (Connection from = CaptureConnections.admin(source, "strata-capture");
             Connection to = CaptureConnections.admin(target, "strata-capture")) {
            return TenantVerifier.verify(from, to, source, target, scope, baseline);
        } catch (SQLException e) {
            throw Jdbc.databaseError("compare " + source.name() + " with " + target.name(), e);
        }
    }

    /** Drops the slots and the publication on the source, and the origin if it is on the source's server. */
    @Override
    public void stop(String captureName, CopyEndpoint source) {
        CaptureName name = CaptureName.of(captureName);
        try (Connection c = CaptureConnections.serverAdmin(source, name.applicationName())) {
            // a dropped source database took its publication along; its slots are the server's
            CaptureArtefacts.dropSourceArtefacts(c, name);
            CaptureArtefacts.dropOrigin(c, name);
        } catch (SQLException e) {
            throw Jdbc.databaseError("stop capture " + captureName + " on " + source.name(), e);
        }
    }

    /** {@link #stop(String, CopyEndpoint)} and the origin on the target's server (another server). */
    @Override
    public void stop(String captureName, CopyEndpoint source, CopyEndpoint target) {
        stop(captureName, source);
        CaptureName name = CaptureName.of(captureName);
        try (Connection c = CaptureConnections.serverAdmin(target, name.applicationName())) {
            CaptureArtefacts.dropOrigin(c, name);
        } catch (SQLException e) {
            throw Jdbc.databaseError("stop capture " + captureName + " on " + target.name(), e);
        }
    }

    @Override
    public void deleteRows(CopyEndpoint endpoint, CopyScope scope) {
        Connection c = null;
        try {
            c = CaptureConnections.apply(endpoint, "strata-capture");
            TenantCopier.deleteScope(c, endpoint, scope);
            c.commit();
        } catch (SQLException e) {
            throw Jdbc.databaseError("delete the moved rows from " + endpoint.name(), e);
        } finally {
            CaptureConnections.closeApply(c);
        }
    }

    private static void requireDistinct(CopyEndpoint source, CopyEndpoint target) {
        if (source.plane().server().equals(target.plane().server()) && source.database().equals(target.database())
                && source.schema().equals(target.schema())) {
            throw new StrataException(ErrorCode.MOVE_REFUSED, "Source and target are the same schema ("
                    + source.name() + "): a move needs another place");
        }
    }
}

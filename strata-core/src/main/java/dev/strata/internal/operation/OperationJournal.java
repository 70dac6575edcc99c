package dev.strata.internal.operation;

import dev.strata.ErrorCode;
import dev.strata.OperationKind;
import dev.strata.OperationState;
import dev.strata.StrataException;
import dev.strata.internal.sql.Jdbc;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * The journal of long operations in {@code platform.operations}. Each step is recorded before it
 * runs and after it succeeds, each record in its own committed transaction, so that after a crash
 * Strata knows which operations were under way and how far they got; progress (done out of
 * total) is persisted with them.
 *
 * <p>Every running operation has an owner (this process's {@link #owner() id}) and a lease. The
 * owner's writes are fenced: recording a step or finishing succeeds only while this process still
 * owns the operation (and renews the lease), so a process whose operation was taken over stops at
 * its next step instead of racing the new owner. Claiming an operation is one conditional UPDATE
 * that succeeds only once its lease has expired (or it failed, for an explicit retry), so a live
 * owner's operation is never taken. Lease times are the management database's clock. Thread-safe.
 */
public final class OperationJournal {
    private static final String COLUMNS = "id, kind, COALESCE(tenant_id, (detail->>'removed_tenant')::uuid), state, detail::text, steps::text, owner, lease_expires_at, "
            + "(lease_expires_at IS NOT NULL AND lease_expires_at >= now()), (progress->>'done')::int, "
            + "(progress->>'total')::int, error, started_at, finished_at, attempts, progress::text";
    private static final String EXPIRED = "(lease_expires_at IS NULL OR lease_expires_at < now())";

    private final DataSource management;
    private final String owner;
    private final Duration lease;

    public OperationJournal(DataSource management, String owner, Duration lease) {
        this.management = management;
        this.owner = owner;
        this.lease = lease;
    }

    /** This process's owner id. */
    public String owner() {
        return owner;
    }

    public Duration lease() {
        return lease;
    }

    /**
     * Opens an operation owned by this process inside the caller's transaction (committed with the
     * rows it concerns). {@code tenantId} is {@code null} for an operation of no tenant.
     */
    public UUID begin(Connection c, OperationKind kind, UUID tenantId, String detailJson) throws SQLException {
        UUID id = UUID.randomUUID();
        try (PreparedStatement ps = c.prepareStatement("""
                INSERT INTO platform.operations (id, kind, tenant_id, state, detail, owner, lease_expires_at, progress)
                VALUES (?, ?, ?, 'running', ?::jsonb, ?, now() + ?::interval, '{"done": 0, "total": 0}')""")) {
            ps.setObject(1, id);
            ps.setString(2, kind.wireName());
            ps.setObject(3, tenantId);
            ps.setString(4, detailJson == null ? "{}" : detailJson);
            ps.setString(5, owner);
            ps.setString(6, interval());
            ps.executeUpdate();
        }
        return id;
    }

    /**
     * Records that a step starts ({@code started}) or has finished ({@code done}) with the
     * progress after it, and renews the lease.
     *
     * @throws StrataException {@link ErrorCode#OPERATION_CONFLICT} if this process no longer owns the operation
     */
    public void step(UUID operation, String step, String phase, int done, int total) {
        Jdbc.useTransaction(management, "journal step " + step, c -> {
            try (PreparedStatement ps = c.prepareStatement("""
                    UPDATE platform.operations
                       SET steps = steps || jsonb_build_array(jsonb_build_object('step', ?::text, 'phase', ?::text, 'at', now())),
                           progress = COALESCE(progress, '{}'::jsonb) || jsonb_build_object('done', ?::int, 'total', ?::int),
                           lease_expires_at = now() + ?::interval
                     WHERE id = ? AND owner = ? AND state = 'running'""")) {
                ps.setString(1, step);
                ps.setString(2, phase);
                ps.setInt(3, done);
                ps.setInt(4, total);
                ps.setString(5, interval());
                ps.setObject(6, operation);
                ps.setString(7, owner);
                if (ps.executeUpdate() == 0) {
                    throw lost(operation);
                }
            }
        });
    }

    /**
     * Records progress (done out of total) of an operation this process owns and renews its lease.
     *
     * @throws StrataException {@link ErrorCode#OPERATION_CONFLICT} if this process no longer owns it
     */
    public void progress(UUID operation, int done, int total) {
        Jdbc.useTransaction(management, "record operation progress", c -> {
            try (PreparedStatement ps = c.prepareStatement("""
                    UPDATE platform.operations SET progress = COALESCE(progress, '{}'::jsonb) || jsonb_build_object('done', ?::int, 'total', ?::int),
                           lease_expires_at = now() + ?::interval
                     WHERE id = ? AND owner = ? AND state = 'running'""")) {
                ps.setInt(1, done);
                ps.setInt(2, total);
                ps.setString(3, interval());
                ps.setObject(4, operation);
                ps.setString(5, owner);
                if (ps.executeUpdate() == 0) {
                    throw lost(operation);
                }
            }
        });
    }

    /**
     * Merges what an operation reports beyond done/total (a JSON object whose fields replace
     * earlier ones of the same name; {@code done} and {@code total} are kept) into its progress,
     * and renews its lease.
     *
     * @throws StrataException {@link ErrorCode#OPERATION_CONFLICT} if this process no longer owns it
     */
    public void report(UUID operation, String reportJson) {
        Jdbc.useTransaction(management, "record operation progress", c -> {
            try (PreparedStatement ps = c.prepareStatement("""
                    UPDATE platform.operations
                       SET progress = COALESCE(progress, '{}'::jsonb) || (?::jsonb - 'done' - 'total'),
                           lease_expires_at = now() + ?::interval
                     WHERE id = ? AND owner = ? AND state = 'running'""")) {
                ps.setString(1, reportJson);
                ps.setString(2, interval());
                ps.setObject(3, operation);
                ps.setString(4, owner);
                if (ps.executeUpdate() == 0) {
                    throw lost(operation);
                }
            }
        });
    }

    /**
     * Records an operator's request that a running operation stop, inside the caller's
     * transaction (not fenced: its owner reads it with {@link #stopRequested}).
     */
    public void requestStop(Connection c, UUID operation) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("""
                UPDATE platform.operations SET detail = detail || '{"stop_requested": true}'::jsonb
                 WHERE id = ? AND state = 'running'""")) {
            ps.setObject(1, operation);
            ps.executeUpdate();
        }
    }

    /** Whether an operator asked the operation to stop ({@link #requestStop}). */
    public boolean stopRequested(UUID operation) {
        return Jdbc.withConnection(management, "read operation " + operation, c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT COALESCE((detail->>'stop_requested')::boolean, false) FROM platform.operations WHERE id = ?")) {
                ps.setObject(1, operation);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() && rs.getBoolean(1);
                }
            }
        });
    }

    /**
     * Closes an operation this process owns inside the caller's transaction; one that succeeded
     * counts as done in full.
     *
     * @throws StrataException {@link ErrorCode#OPERATION_CONFLICT} if this process no longer owns it
     */
    public void finish(Connection c, UUID operation, OperationState state, String error) throws SQLException {
        if (state == OperationState.RUNNING) {
            throw new IllegalArgumentException("An operation is finished in a final state or 'failed'");
        }
        try (PreparedStatement ps = c.prepareStatement("""
                UPDATE platform.operations SET state = ?, error = ?, finished_at = now(), lease_expires_at = NULL,
                       progress = CASE WHEN ? = 'succeeded' THEN progress || jsonb_build_object('done',
                           GREATEST(COALESCE((progress->>'done')::int, 0), COALESCE((progress->>'total')::int, 0)),
                           'total', GREATEST(COALESCE((progress->>'done')::int, 0), COALESCE((progress->>'total')::int, 0)))
                           ELSE progress END
                 WHERE id = ? AND owner = ? AND state = 'running'""")) {
            ps.setString(1, state.wireName());
            ps.setString(2, error);
            ps.setString(3, state.wireName());
            ps.setObject(4, operation);
            ps.setString(5, owner);
            if (ps.executeUpdate() == 0) {
                throw lost(operation);
            }
        }
    }

    /** Closes an operation this process owns in a transaction of its own. */
    public void finish(UUID operation, OperationState state, String error) {
        Jdbc.useTransaction(management, "close operation", c -> finish(c, operation, state, error));
    }

    /**
     * Keeps an operation in the journal when its tenant's rows are removed (a provisioning rolled
     * back by recovery or aborted by an operator): detaches it from the tenant row, keeping the
     * tenant's id in its detail as {@code removed_tenant}, where reads still find it.
     */
    public void detachFromTenant(Connection c, UUID operation) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("""
                UPDATE platform.operations SET detail = detail || jsonb_build_object('removed_tenant', tenant_id::text),
                       tenant_id = NULL
                 WHERE id = ? AND tenant_id IS NOT NULL""")) {
            ps.setObject(1, operation);
            ps.executeUpdate();
        }
    }

    /** Extends the leases of the given operations this process owns; returns how many it still owns. */
    public int renew(Collection<UUID> operations) {
        if (operations.isEmpty()) {
            return 0;
        }
        return Jdbc.withConnection(management, "renew operation leases", c -> {
            try (PreparedStatement ps = c.prepareStatement("""
                    UPDATE platform.operations SET lease_expires_at = now() + ?::interval
                     WHERE id = ANY (?) AND owner = ? AND state = 'running'""")) {
                ps.setString(1, interval());
                ps.setArray(2, c.createArrayOf("uuid", operations.toArray()));
                ps.setString(3, owner);
                return ps.executeUpdate();
            }
        });
    }

    /**
     * Gives up an operation this process no longer works on (its thread ended without finishing
     * it): its lease expires now, so recovery may take it over. No-op for a finished operation.
     */
    public void abandon(UUID operation) {
        Jdbc.useTransaction(management, "abandon operation", c -> {
            try (PreparedStatement ps = c.prepareStatement("""
                    UPDATE platform.operations SET lease_expires_at = now()
                     WHERE id = ? AND owner = ? AND state = 'running'""")) {
                ps.setObject(1, operation);
                ps.setString(2, owner);
                ps.executeUpdate();
            }
        });
    }

    /**
     * Claims the oldest running operation of one of the kinds whose lease has expired (its owner
     * died or gave it up), skipping the given ones: one conditional UPDATE, so two processes never claim the same one.
     */
    public Optional<JournalEntry> claimExpired(Collection<OperationKind> kinds, Collection<UUID> skip) {
        if (kinds.isEmpty()) {
            return Optional.empty();
        }
        return Jdbc.inTransaction(management, "claim an interrupted operation", c -> {
            try (PreparedStatement ps = c.prepareStatement("UPDATE platform.operations o "
                    + "SET owner = ?, lease_expires_at = now() + ?::interval, attempts = attempts + 1 "
                    + "WHERE o.id = (SELECT id FROM platform.operations WHERE state = 'running' AND " + EXPIRED
                    + " AND kind = ANY (?) AND NOT (id = ANY (?)) ORDER BY started_at LIMIT 1 FOR UPDATE SKIP LOCKED) "
                    + "RETURNING " + COLUMNS)) {
                ps.setString(1, owner);
                ps.setString(2, interval());
                ps.setArray(3, c.createArrayOf("text", kinds.stream().map(OperationKind::wireName).toArray()));
                ps.setArray(4, c.createArrayOf("uuid", skip.toArray()));
                return first(ps);
            }
        });
    }

    /**
     * Claims a specific operation inside the caller's transaction if nobody holds it: it failed
     * (an explicit retry), or it is running and its lease has expired. Returns whether it did.
     */
    public boolean claim(Connection c, UUID operation) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE platform.operations "
                + "SET owner = ?, lease_expires_at = now() + ?::interval, attempts = attempts + 1, state = 'running', "
                + "error = NULL, finished_at = NULL "
                + "WHERE id = ? AND (state = 'failed' OR (state = 'running' AND " + EXPIRED + "))")) {
            ps.setString(1, owner);
            ps.setString(2, interval());
            ps.setObject(3, operation);
            return ps.executeUpdate() == 1;
        }
    }

    /** The newest operation of a kind on any of the tenants that is running or failed. */
    public Optional<JournalEntry> latestUnfinished(Connection c, OperationKind kind, List<UUID> tenants) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM platform.operations "
                + "WHERE kind = ? AND tenant_id = ANY (?) AND state IN ('running', 'failed') ORDER BY started_at DESC LIMIT 1")) {
            ps.setString(1, kind.wireName());
            ps.setArray(2, c.createArrayOf("uuid", tenants.toArray()));
            return first(ps);
        }
    }

    /** Whether an operation on the tenant is running under a live lease (its owner works on it). */
    public boolean hasLiveOperation(Connection c, UUID tenantId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM platform.operations "
                + "WHERE tenant_id = ? AND state = 'running' AND NOT " + EXPIRED)) {
            ps.setObject(1, tenantId);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }

    /** One operation as journalled now. */
    public Optional<JournalEntry> find(UUID operation) {
        return Jdbc.withConnection(management, "read operation " + operation, c -> find(c, operation, false));
    }

    /** One operation inside the caller's transaction, locked against concurrent claims if {@code lock}. */
    public Optional<JournalEntry> find(Connection c, UUID operation, boolean lock) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM platform.operations WHERE id = ?"
                + (lock ? " FOR UPDATE" : ""))) {
            ps.setObject(1, operation);
            return first(ps);
        }
    }

    /** Operations matching every criterion given ({@code null} for any), newest first (then by id), after {@code after} if given. */
    public List<JournalEntry> list(OperationState state, OperationKind kind, UUID tenantId, int limit,
                                   dev.strata.OperationFilter.Position after) {
        return Jdbc.withConnection(management, "list operations", c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM platform.operations "
                    + "WHERE (?::text IS NULL OR state = ?::text) AND (?::text IS NULL OR kind = ?::text) "
                    + "AND (?::uuid IS NULL OR COALESCE(tenant_id, (detail->>'removed_tenant')::uuid) = ?::uuid) "
                    + "AND (?::timestamptz IS NULL OR started_at < ?::timestamptz OR (started_at = ?::timestamptz AND id > ?::uuid)) "
                    + "ORDER BY started_at DESC, id LIMIT ?")) {
                String s = state == null ? null : state.wireName();
                String k = kind == null ? null : kind.wireName();
                ps.setString(1, s);
                ps.setString(2, s);
                ps.setString(3, k);
                ps.setString(4, k);
                ps.setObject(5, tenantId);
                ps.setObject(6, tenantId);
                java.time.OffsetDateTime at = after == null ? null
                        : after.startedAt().atOffset(java.time.ZoneOffset.UTC);
                ps.setObject(7, at);
                ps.setObject(8, at);
                ps.setObject(9, at);
                ps.setObject(10, after == null ? null : after.id());
                ps.setInt(11, limit);
                List<JournalEntry> out = new ArrayList<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(read(rs));
                    }
                }
                return out;
            }
        });
    }

    private String interval() {
        return lease.toMillis() + " milliseconds";
    }

    private static StrataException lost(UUID operation) {
        return new StrataException(ErrorCode.OPERATION_CONFLICT, "Operation " + operation + " is no longer owned by this "
                + "process (its lease expired and another process took it over, or it was finished): this process stops "
                + "working on it");
    }

    private static Optional<JournalEntry> first(PreparedStatement ps) throws SQLException {
        try (ResultSet rs = ps.executeQuery()) {
            return rs.next() ? Optional.of(read(rs)) : Optional.empty();
        }
    }

    private static JournalEntry read(ResultSet rs) throws SQLException {
        String kind = rs.getString(2);
        OperationKind k;
        try {
            k = OperationKind.parse(kind);
        } catch (StrataException e) {
            throw new StrataException(ErrorCode.INTERNAL, "The journal holds an operation of a kind this version of "
                    + "Strata does not know ('" + kind + "'): run a version that does", e);
        }
        return new JournalEntry(rs.getObject(1, UUID.class), k, rs.getObject(3, UUID.class),
                OperationState.parse(rs.getString(4)), rs.getString(5), rs.getString(6), rs.getString(7),
                instant(rs.getTimestamp(8)), rs.getBoolean(9), rs.getInt(10), rs.getInt(11), rs.getString(12),
                instant(rs.getTimestamp(13)), instant(rs.getTimestamp(14)), rs.getInt(15), rs.getString(16));
    }

    private static java.time.Instant instant(Timestamp t) {
        return t == null ? null : t.toInstant();
    }
}

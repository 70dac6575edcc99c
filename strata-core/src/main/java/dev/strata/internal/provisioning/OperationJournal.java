package dev.strata.internal.provisioning;

import dev.strata.ErrorCode;
import dev.strata.StrataException;
import dev.strata.internal.sql.Jdbc;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * The journal of long operations in {@code platform.operations}. Each step is recorded before it
 * runs and after it succeeds, each record in its own committed transaction, so that after a crash
 * Strata knows which operations were under way and how far they got.
 *
 * <p>Every running operation has an owner (this process's {@link #owner() id}) and a lease. The
 * owner's writes are fenced: recording a step or finishing succeeds only while this process still
 * owns the operation (and renews the lease), so a process whose operation was taken over stops at
 * its next step instead of racing the new owner. Claiming an operation is one conditional UPDATE
 * that succeeds only once its lease has expired (or it failed, for an explicit retry), so a live
 * owner's operation is never taken. Lease times are the management database's clock. Thread-safe.
 */
public final class OperationJournal {
    private static final String COLUMNS = "id, kind, tenant_id, state, detail::text, steps::text, owner";
    private static final String EXPIRED = "(lease_expires_at IS NULL OR lease_expires_at < now())";

    private final DataSource management;
    private final String owner;
    private final Duration lease;

    public OperationJournal(DataSource management, String owner, Duration lease) {
        this.management = management;
        this.owner = owner;
        this.lease = lease;
    }

    /** An operation as journalled. */
    public record Pending(UUID id, String kind, UUID tenantId, String state, String detailJson, String stepsJson,
                          String owner) {
    }

    /** This process's owner id. */
    public String owner() {
        return owner;
    }

    public Duration lease() {
        return lease;
    }

    /** Opens an operation owned by this process inside the caller's transaction (committed with the rows it concerns). */
    public UUID begin(Connection c, String kind, UUID tenantId, String detailJson) throws SQLException {
        UUID id = UUID.randomUUID();
        try (PreparedStatement ps = c.prepareStatement("""
                INSERT INTO platform.operations (id, kind, tenant_id, state, detail, owner, lease_expires_at)
                VALUES (?, ?, ?, 'running', ?::jsonb, ?, now() + ?::interval)""")) {
            ps.setObject(1, id);
            ps.setString(2, kind);
            ps.setObject(3, tenantId);
            ps.setString(4, detailJson == null ? "{}" : detailJson);
            ps.setString(5, owner);
            ps.setString(6, interval());
            ps.executeUpdate();
        }
        return id;
    }

    /**
     * Records that a step starts ({@code started}) or has finished ({@code done}) and renews the lease.
     *
     * @throws StrataException {@link ErrorCode#OPERATION_CONFLICT} if this process no longer owns the operation
     */
    public void step(UUID operation, String step, String phase) {
        Jdbc.useTransaction(management, "journal step " + step, c -> {
            try (PreparedStatement ps = c.prepareStatement("""
                    UPDATE platform.operations
                       SET steps = steps || jsonb_build_array(jsonb_build_object('step', ?::text, 'phase', ?::text, 'at', now())),
                           lease_expires_at = now() + ?::interval
                     WHERE id = ? AND owner = ? AND state = 'running'""")) {
                ps.setString(1, step);
                ps.setString(2, phase);
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
     * Closes an operation this process owns inside the caller's transaction.
     *
     * @throws StrataException {@link ErrorCode#OPERATION_CONFLICT} if this process no longer owns it
     */
    public void finish(Connection c, UUID operation, String state, String error) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("""
                UPDATE platform.operations SET state = ?, error = ?, finished_at = now(), lease_expires_at = NULL
                 WHERE id = ? AND owner = ? AND state = 'running'""")) {
            ps.setString(1, state);
            ps.setString(2, error);
            ps.setObject(3, operation);
            ps.setString(4, owner);
            if (ps.executeUpdate() == 0) {
                throw lost(operation);
            }
        }
    }

    /** Closes an operation this process owns in a transaction of its own. */
    public void finish(UUID operation, String state, String error) {
        Jdbc.useTransaction(management, "close operation", c -> finish(c, operation, state, error));
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
    public Optional<Pending> claimExpired(List<String> kinds, Collection<UUID> skip) {
        return Jdbc.inTransaction(management, "claim an interrupted operation", c -> {
            try (PreparedStatement ps = c.prepareStatement("UPDATE platform.operations o "
                    + "SET owner = ?, lease_expires_at = now() + ?::interval, attempts = attempts + 1 "
                    + "WHERE o.id = (SELECT id FROM platform.operations WHERE state = 'running' AND " + EXPIRED
                    + " AND kind = ANY (?) AND NOT (id = ANY (?)) ORDER BY started_at LIMIT 1 FOR UPDATE SKIP LOCKED) "
                    + "RETURNING " + COLUMNS)) {
                ps.setString(1, owner);
                ps.setString(2, interval());
                ps.setArray(3, c.createArrayOf("text", kinds.toArray()));
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
    public Optional<Pending> latestUnfinished(Connection c, String kind, List<UUID> tenants) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM platform.operations "
                + "WHERE kind = ? AND tenant_id = ANY (?) AND state IN ('running', 'failed') ORDER BY started_at DESC LIMIT 1")) {
            ps.setString(1, kind);
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
    public Optional<Pending> find(UUID operation) {
        return Jdbc.withConnection(management, "read operation " + operation, c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM platform.operations WHERE id = ?")) {
                ps.setObject(1, operation);
                return first(ps);
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

    private static Optional<Pending> first(PreparedStatement ps) throws SQLException {
        try (ResultSet rs = ps.executeQuery()) {
            if (!rs.next()) {
                return Optional.empty();
            }
            return Optional.of(new Pending(rs.getObject(1, UUID.class), rs.getString(2), rs.getObject(3, UUID.class),
                    rs.getString(4), rs.getString(5), rs.getString(6), rs.getString(7)));
        }
    }
}

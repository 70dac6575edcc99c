package dev.strata.internal.registry;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.UUID;

/**
 * The management database's locks that serialise lifecycle operations: transaction-scoped
 * advisory locks, held only while an operation re-reads and re-validates the registry state it
 * depends on and records its status transition, never across slow DDL.
 *
 * <p>Every operation on a tenant locks its T1 subtree (the T1's id, for the T1 and each of its
 * T2s); creating a tenant also locks its slug (a new T1 locks only its slug), and an explicit id
 * the id. Locks are always taken in that order (subtree, slug, id), so two operations never
 * deadlock on them. Must be called inside a transaction (autocommit off).
 */
public final class SubtreeLocks {
    private static final String LOCK = "SELECT pg_advisory_xact_lock(hashtextextended(?, 0))";

    private SubtreeLocks() {
    }

    /** Locks the subtree of a T1 (the T1 and its T2s) until the transaction ends. */
    public static void lockSubtree(Connection c, UUID t1) throws SQLException {
        lock(c, "strata:subtree:" + t1);
    }

    /** Locks a slug until the transaction ends (after any subtree lock). */
    public static void lockSlug(Connection c, String slug) throws SQLException {
        lock(c, "strata:slug:" + slug);
    }

    /** Locks a tenant id that is about to be registered until the transaction ends (after the slug). */
    public static void lockNewId(Connection c, UUID id) throws SQLException {
        lock(c, "strata:id:" + id);
    }

    private static void lock(Connection c, String key) throws SQLException {
        if (c.getAutoCommit()) {
            throw new IllegalStateException("Subtree locks are transaction-scoped: call them inside a transaction");
        }
        try (PreparedStatement ps = c.prepareStatement(LOCK)) {
            ps.setString(1, key);
            ps.execute();
        }
    }
}

package dev.strata.internal.context;

import dev.strata.ErrorCode;
import dev.strata.StrataException;
import dev.strata.TenantStatus;
import dev.strata.TenantWork;
import dev.strata.Tier;
import dev.strata.internal.pool.TenantPools;
import dev.strata.internal.routing.Route;
import dev.strata.internal.routing.Router;
import org.postgresql.core.TransactionState;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.UUID;

/**
 * Runs work in a tenant's transaction: route (cached), borrow a connection from the database's
 * pool (one that carries no open transaction: any other is retired), wrap it so the context
 * travels with the first statement, run the work, commit or roll back, and return the connection
 * as clean as it came: as is when the work left no session state, after a clean-up when it may
 * have, closed when it must not be reused. Thread-safe.
 */
public final class TenantTransactions {
    private static final Logger LOG = LoggerFactory.getLogger(TenantTransactions.class);

    private final Router router;
    private final TenantPools pools;
    private final TransactionObserver observer;
    private final PooledGuarantees guarantees;
    private volatile dev.strata.internal.routing.RouterPresence presence;

    /** How often a lease is retried when the pool hands out connections that carry a transaction. */
    private static final int LEASE_ATTEMPTS = 3;

    public TenantTransactions(Router router, TenantPools pools, TransactionObserver observer) {
        this(router, pools, observer, PooledGuarantees.ENFORCED);
    }

    /** @param guarantees {@link PooledGuarantees#ENFORCED} but in the benchmarks */
    public TenantTransactions(Router router, TenantPools pools, TransactionObserver observer,
                              PooledGuarantees guarantees) {
        this.router = router;
        this.pools = pools;
        this.observer = observer;
        this.guarantees = guarantees;
    }

    /** Serves no transaction while {@code presence}'s routing lease is not known to run (fail closed). */
    public void servingOnlyWith(dev.strata.internal.routing.RouterPresence presence) {
        this.presence = presence;
    }

    public <R, X extends Exception> R inTenant(UUID tenantId, TenantWork<R, X> work) throws X {
        if (tenantId == null) {
            throw new StrataException(ErrorCode.INVALID_ARGUMENT, "A tenant id is required: there is no work without a tenant");
        }
        Route route = admittedRoute(tenantId);
        try {
            return run(tenantId, route, work);
        } finally {
            router.gate().exit(tenantId);
        }
    }

    private <R, X extends Exception> R run(UUID tenantId, Route route, TenantWork<R, X> work) throws X {
        TransactionObserver.Ticket ticket = observer.begin(route);
        String previousTenant = MDC.get("tenant");
        MDC.put("tenant", tenantId.toString());
        boolean failed = true;
        try {
            Leased leased = connect(route);
            TenantPools.Lease lease = leased.lease();
            ContextConnection connection = leased.connection();
            Connection physical = connection.physical();
            R result;
            try {
                result = work.run(new TenantScopeImpl(route, connection));
            } catch (Throwable e) {
                connection.invalidate();
                if (rollback(connection, e)) {
                    connection.transactionEnded();
                }
                release(lease, connection, e);
                throw e;
            }
            connection.invalidate();
            try {
                connection.beforeCommit();
                physical.commit();
                connection.transactionEnded();
            } catch (SQLException e) {
                StrataException failure = new StrataException(ErrorCode.DATABASE_ERROR,
                        "Commit of tenant '" + route.slug() + "' failed: " + e.getMessage(), e);
                rollback(connection, failure);
                release(lease, connection, failure);
                throw failure;
            }
            release(lease, connection, null);
            failed = false;
            return result;
        } finally {
            observer.end(ticket, failed);
            if (previousTenant == null) {
                MDC.remove("tenant");
            } else {
                MDC.put("tenant", previousTenant);
            }
        }
    }

    /**
     * Leases and wraps a connection that carries no transaction. One that does (something outside
     * Strata's wrappers began one on it after it was returned) is rolled back and retired, never
     * used: whatever context that transaction holds is not this tenant's.
     */
    private record Leased(TenantPools.Lease lease, ContextConnection connection) {
    }

    private Leased connect(Route route) {
        for (int attempt = 1; ; attempt++) {
            TenantPools.Lease lease = pools.lease(route.database(), route.credentials());
            ContextConnection connection;
            try {
                connection = new ContextConnection(lease.connection(), route.context(), route.schema(), guarantees,
                        pools.pooledEndpoint(route.database()));
            } catch (SQLException e) {
                StrataException failure = new StrataException(ErrorCode.INTERNAL,
                        "A tenant pool handed out a connection that is not pgjdbc's: " + e.getMessage(), e);
                lease.retire();
                throw failure;
            }
            if (guarantees != PooledGuarantees.ENFORCED || connection.transactionState() == TransactionState.IDLE) {
                return new Leased(lease, connection);
            }
            LOG.warn("A pooled connection to {} carried an open transaction that Strata did not start; closed it",
                    route.database());
            lease.retire();
            if (attempt >= LEASE_ATTEMPTS) {
                throw new StrataException(ErrorCode.DATABASE_ERROR, "The pool of " + route.database() + " handed out "
                        + attempt + " connections in a row that carried an open transaction; refusing to run tenant '"
                        + route.slug() + "' on any of them");
            }
        }
    }

    /**
     * Gives the connection back: as is when the work left nothing behind, after a clean-up when it
     * may have left session state, closed when it must not be reused or still has a transaction.
     * A failure here never hides the work's own outcome.
     */
    private void release(TenantPools.Lease lease, ContextConnection connection, Throwable outcome) {
        if (guarantees == PooledGuarantees.ENFORCED) {
            if (connection.mustRetire() || connection.transactionState() != TransactionState.IDLE) {
                lease.retire();
                return;
            }
            if (connection.mayCarrySessionState()) {
                if (connection.pooledEndpoint()) {
                    // cleaned inside the transaction unless that failed: a clean-up after it would
                    // reach whichever server session the pooler picks, not this one
                    lease.retire();
                } else {
                    lease.cleanAndClose();
                }
                return;
            }
        }
        try {
            lease.close();
        } catch (SQLException e) {
            if (outcome != null) {
                outcome.addSuppressed(e);
            } else {
                throw new StrataException(ErrorCode.DATABASE_ERROR, "Returning a connection failed: " + e.getMessage(), e);
            }
        }
    }

    /** How often a transaction held by a move's freeze looks again whether the freeze ended. */
    private static final long FREEZE_POLL_MILLIS = 10;
    /** How long a transaction held by this process alone (its freeze view not yet refreshed) waits at most. */
    private static final java.time.Duration LOCAL_HOLD_WAIT = java.time.Duration.ofSeconds(5);

    /**
     * The route of a usable tenant, entered in the {@link dev.strata.internal.routing.FreezeGate}
     * (the caller exits it). While a move freezes the tenant the transaction waits, without
     * holding a connection, up to the freeze's bound, then fails with {@link ErrorCode#TENANT_MOVING}.
     */
    private Route admittedRoute(UUID tenantId) {
        if (presence != null) {
            presence.requireServing();
        }
        long deadline = 0;
        boolean waiting = false;
        while (true) {
            router.gate().enter(tenantId);
            Route route;
            try {
                route = usableRoute(tenantId);
            } catch (RuntimeException e) {
                router.gate().exit(tenantId);
                throw e;
            }
            router.gate().release(tenantId, route.version(), route.frozen());
            if (!route.frozen() && !router.gate().held(tenantId)) {
                return route;
            }
            router.gate().exit(tenantId);
            long now = System.nanoTime();
            if (!waiting) {
                waiting = true;
                deadline = now + (route.frozen() ? route.freezeWait() : LOCAL_HOLD_WAIT).toNanos();
            }
            if (now - deadline > 0) {
                throw new StrataException(ErrorCode.TENANT_MOVING, "Tenant '" + route.slug() + "' is being moved and its "
                        + "writes are held for the cutover; nothing was changed. Retry: it is served from its new place shortly");
            }
            try {
                Thread.sleep(FREEZE_POLL_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new StrataException(ErrorCode.TENANT_MOVING, "Interrupted while tenant '" + route.slug()
                        + "' was held for a move's cutover; nothing was changed");
            }
        }
    }

    private Route usableRoute(UUID tenantId) {
        Route route = router.route(tenantId);
        if (route.tier() == Tier.T0) {
            throw new StrataException(ErrorCode.INVALID_HIERARCHY,
                    "The T0 operator holds no tenant data of its own: run work as a T1 or T2 tenant");
        }
        if (route.status() == TenantStatus.ACTIVE || route.status() == TenantStatus.MIGRATING) {
            return route; // a moving tenant keeps working: only the cutover holds it (its placement's freeze)
        }
        String who = route.blockingSlug().equals(route.slug()) ? "Tenant '" + route.slug() + "'"
                : "Tenant '" + route.slug() + "' belongs to T1 '" + route.blockingSlug() + "', which";
        throw switch (route.status()) {
            case SUSPENDED -> new StrataException(ErrorCode.TENANT_SUSPENDED, who + " is suspended: resume it to work with its data");
            case DECOMMISSIONED -> new StrataException(ErrorCode.TENANT_DECOMMISSIONED, who + " is decommissioned: its data is gone");
            case DECOMMISSIONING -> new StrataException(ErrorCode.TENANT_DECOMMISSIONED,
                    who + " is being decommissioned: its data is being deleted");
            default -> new StrataException(ErrorCode.INVALID_STATE,
                    who + " is " + route.status().wireName() + "; try again when it is active");
        };
    }

    private static boolean rollback(ContextConnection connection, Throwable cause) {
        try {
            connection.rollbackTransaction();
            return true;
        } catch (SQLException e) {
            cause.addSuppressed(e);
            return false;
        }
    }
}

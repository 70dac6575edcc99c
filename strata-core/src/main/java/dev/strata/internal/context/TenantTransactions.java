package dev.strata.internal.context;

import dev.strata.ErrorCode;
import dev.strata.StrataException;
import dev.strata.TenantStatus;
import dev.strata.TenantWork;
import dev.strata.Tier;
import dev.strata.internal.pool.TenantPools;
import dev.strata.internal.routing.Route;
import dev.strata.internal.routing.Router;
import org.slf4j.MDC;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.UUID;

/**
 * Runs work in a tenant's transaction: route (cached), borrow a connection from the database's
 * pool, wrap it so the context travels with the first statement, run the work, commit or roll
 * back, return the connection. Thread-safe.
 */
public final class TenantTransactions {
    private final Router router;
    private final TenantPools pools;
    private final TransactionObserver observer;

    public TenantTransactions(Router router, TenantPools pools, TransactionObserver observer) {
        this.router = router;
        this.pools = pools;
        this.observer = observer;
    }

    public <R, X extends Exception> R inTenant(UUID tenantId, TenantWork<R, X> work) throws X {
        if (tenantId == null) {
            throw new StrataException(ErrorCode.INVALID_ARGUMENT, "A tenant id is required: there is no work without a tenant");
        }
        Route route = usableRoute(tenantId);
        TransactionObserver.Ticket ticket = observer.begin(route);
        String previousTenant = MDC.get("tenant");
        MDC.put("tenant", tenantId.toString());
        boolean failed = true;
        try {
            TenantPools.Lease lease = pools.lease(route.database(), route.credentials());
            Connection physical = lease.connection();
            ContextConnection connection = wrap(lease, route);
            R result;
            try {
                result = work.run(new TenantScopeImpl(route, connection));
            } catch (Throwable e) {
                connection.invalidate();
                rollback(physical, e);
                release(lease, e);
                throw e;
            }
            connection.invalidate();
            try {
                physical.commit();
            } catch (SQLException e) {
                StrataException failure = new StrataException(ErrorCode.DATABASE_ERROR,
                        "Commit of tenant '" + route.slug() + "' failed: " + e.getMessage(), e);
                rollback(physical, failure);
                release(lease, failure);
                throw failure;
            }
            release(lease, null);
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

    private static ContextConnection wrap(TenantPools.Lease lease, Route route) {
        try {
            return new ContextConnection(lease.connection(), route.context(), route.schema());
        } catch (SQLException e) {
            StrataException failure = new StrataException(ErrorCode.INTERNAL,
                    "A tenant pool handed out a connection that is not pgjdbc's: " + e.getMessage(), e);
            release(lease, failure);
            throw failure;
        }
    }

    /** Returns the connection to its pool; a failure there never hides the work's own outcome. */
    private static void release(TenantPools.Lease lease, Throwable outcome) {
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

    private Route usableRoute(UUID tenantId) {
        Route route = router.route(tenantId);
        if (route.tier() == Tier.T0) {
            throw new StrataException(ErrorCode.INVALID_HIERARCHY,
                    "The T0 operator holds no tenant data of its own: run work as a T1 or T2 tenant");
        }
        if (route.status() == TenantStatus.ACTIVE) {
            return route;
        }
        String who = route.blockingSlug().equals(route.slug()) ? "Tenant '" + route.slug() + "'"
                : "Tenant '" + route.slug() + "' belongs to T1 '" + route.blockingSlug() + "', which";
        throw switch (route.status()) {
            case SUSPENDED -> new StrataException(ErrorCode.TENANT_SUSPENDED, who + " is suspended: resume it to work with its data");
            case DECOMMISSIONED -> new StrataException(ErrorCode.TENANT_DECOMMISSIONED, who + " is decommissioned: its data is gone");
            default -> new StrataException(ErrorCode.INVALID_STATE,
                    who + " is " + route.status().wireName() + "; try again when it is active");
        };
    }

    private static void rollback(Connection physical, Throwable cause) {
        try {
            physical.rollback();
        } catch (SQLException e) {
            cause.addSuppressed(e);
        }
    }
}

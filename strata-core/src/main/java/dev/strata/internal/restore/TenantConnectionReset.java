package dev.strata.internal.restore;

import dev.strata.internal.pool.DatabaseKey;
import dev.strata.internal.pool.TenantPools;
import dev.strata.internal.registry.Registry;
import dev.strata.internal.routing.Router;
import dev.strata.internal.sql.Jdbc;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * After a T1's data was replaced under Strata (a restore): drops the cached routes of the T1 and
 * its live T2s and closes this process's pools to their databases, so the next transaction opens
 * a fresh connection to the restored state and none mixes in what a pooled connection to the
 * previous state would still read. Thread-safe.
 */
public final class TenantConnectionReset {
    private static final Logger LOG = LoggerFactory.getLogger(TenantConnectionReset.class);

    private final Registry registry;
    private final Router router;
    private final TenantPools pools;

    public TenantConnectionReset(Registry registry, Router router, TenantPools pools) {
        this.registry = registry;
        this.router = router;
        this.pools = pools;
    }

    /** Resets the T1 and every live T2 of it. */
    public void reset(UUID t1) {
        List<UUID> tenants = new ArrayList<>();
        tenants.add(t1);
        Jdbc.inTransaction(registry.dataSource(), "list the T2s of " + t1, c -> {
            registry.liveChildren(c, t1).forEach(t -> tenants.add(t.id()));
            return null;
        });
        Set<DatabaseKey> databases = new LinkedHashSet<>();
        for (UUID tenant : tenants) {
            try {
                databases.add(router.route(tenant).database());
            } catch (RuntimeException e) {
                LOG.debug("No route for tenant {} ({}): nothing pooled to close for it", tenant, e.getMessage());
            }
        }
        for (UUID tenant : tenants) {
            router.invalidate(tenant);
        }
        for (DatabaseKey database : databases) {
            pools.closePool(database);
        }
        LOG.info("Dropped the routes of {} tenant(s) and the pools of {} database(s) after a restore", tenants.size(),
                databases.size());
    }
}

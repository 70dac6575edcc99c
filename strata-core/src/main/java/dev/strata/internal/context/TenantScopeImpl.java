package dev.strata.internal.context;

import dev.strata.IsolationMode;
import dev.strata.TenantScope;
import dev.strata.Tier;
import dev.strata.internal.routing.Route;

import java.sql.Connection;
import java.util.UUID;

/** The {@link TenantScope} of one transaction. */
final class TenantScopeImpl implements TenantScope {
    private final Route route;
    private final ContextConnection connection;

    TenantScopeImpl(Route route, ContextConnection connection) {
        this.route = route;
        this.connection = connection;
    }

    @Override
    public UUID tenantId() {
        return route.tenantId();
    }

    @Override
    public Tier tier() {
        return route.tier();
    }

    @Override
    public IsolationMode mode() {
        return route.mode();
    }

    @Override
    public String schema() {
        return route.schema();
    }

    @Override
    public Connection connection() {
        return connection;
    }

    @Override
    public String toString() {
        return "TenantScope[" + route.slug() + " " + route.tier() + " " + route.mode().wireName() + " " + route.database()
                + "/" + route.schema() + "]";
    }
}

package dev.strata.internal.routing;

import dev.strata.ErrorCode;
import dev.strata.IsolationMode;
import dev.strata.StrataConfig;
import dev.strata.StrataException;
import dev.strata.TenantLimits;
import dev.strata.TenantStatus;
import dev.strata.Tier;
import dev.strata.internal.context.TenantContext;
import dev.strata.internal.pool.DatabaseKey;
import dev.strata.internal.pool.TenantPools;
import dev.strata.internal.sql.Jdbc;

import javax.sql.DataSource;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Resolves a tenant to its {@link Route} (for a T2 in the hybrid, its T1's database, and its
 * effective limits: its own override in {@code platform.tenant_limits}, else its tier's) with one
 * management query the first time and none afterwards. Entries are dropped when the registry
 * changes: this process drops them at once, every process drops them on the management database's
 * {@code strata_routing} notification. While the notification channel is down nothing is cached.
 * Thread-safe.
 */
public final class Router {
    private static final String RESOLVE = """
            SELECT t.id, t.slug, t.tier, t.status, t.parent_id, p.status AS parent_status, p.slug AS parent_slug,
                   pl.mode, pl.data_plane, pl.database_name, pl.schema_name, pl.version, d.app_role, d.app_password,
                   pl.frozen_by, pl.frozen_wait_ms,
                   l.max_concurrent_transactions, l.acquire_timeout_ms, l.statement_timeout_ms
              FROM platform.tenants t
              LEFT JOIN platform.tenants p ON p.id = t.parent_id
              LEFT JOIN platform.placements pl ON pl.tenant_id = t.id
              LEFT JOIN platform.databases d ON d.data_plane = pl.data_plane AND d.name = pl.database_name
              LEFT JOIN platform.tenant_limits l ON l.tenant_id = t.id
             WHERE t.id = ?""";

    private final DataSource management;
    private final StrataConfig config;
    private final ConcurrentHashMap<UUID, Route> cache = new ConcurrentHashMap<>();
    private final AtomicLong generation = new AtomicLong();
    private final AtomicLong loads = new AtomicLong();
    private final String t1Role;
    private volatile boolean cacheEnabled;

    private final FreezeGate gate = new FreezeGate();

    public Router(DataSource management, StrataConfig config) {
        this.t1Role = new dev.strata.internal.sql.PhysicalNames(config.namespace()).t1ContextRole();
        this.management = management;
        this.config = config;
    }

    /**
     * The route of a tenant, whatever its status (callers check it).
     *
     * @throws StrataException {@link ErrorCode#TENANT_NOT_FOUND} for an unknown id
     */
    public Route route(UUID tenantId) {
        Route cached = cache.get(tenantId);
        if (cached != null) {
            return cached;
        }
        long before = generation.get();
        Route loaded = load(tenantId).orElseThrow(() ->
                new StrataException(ErrorCode.TENANT_NOT_FOUND, "No tenant with id '" + tenantId + "'"));
        if (cacheEnabled && generation.get() == before) {
            cache.putIfAbsent(tenantId, loaded);
        }
        return loaded;
    }

    /** Which tenants this process holds for a move's cutover, and its transactions in flight per tenant. */
    public FreezeGate gate() {
        return gate;
    }

    /** Drops a tenant's entry and its children's. */
    public void invalidate(UUID tenantId) {
        generation.incrementAndGet();
        cache.remove(tenantId);
        cache.values().removeIf(route -> tenantId.equals(route.parentId()));
    }

    /** Drops every entry. */
    public void invalidateAll() {
        generation.incrementAndGet();
        cache.clear();
    }

    /** Turns caching on (the change channel is listening) or off (it is not: every lookup queries). */
    void setCacheEnabled(boolean enabled) {
        cacheEnabled = enabled;
        invalidateAll();
    }

    /** Whether the tenant's route is cached now (a point-in-time answer). */
    public boolean isCached(UUID tenantId) {
        return cache.containsKey(tenantId);
    }

    /** Entries cached now (a point-in-time count). */
    public int size() {
        return cache.size();
    }

    /** Lookups that went to the management database so far. */
    public long loads() {
        return loads.get();
    }

    /** The tenant's own limits if it has an override, else its tier's. */
    private TenantLimits limits(ResultSet rs, Tier tier) throws java.sql.SQLException {
        int max = rs.getInt("max_concurrent_transactions");
        if (rs.wasNull()) {
            return config.limitsFor(tier);
        }
        return new TenantLimits(max, Duration.ofMillis(rs.getLong("acquire_timeout_ms")),
                Duration.ofMillis(rs.getLong("statement_timeout_ms")));
    }

    private Optional<Route> load(UUID tenantId) {
        loads.incrementAndGet();
        return Jdbc.withConnection(management, "resolve the route of tenant " + tenantId, c -> {
            try (PreparedStatement ps = c.prepareStatement(RESOLVE)) {
                ps.setObject(1, tenantId);
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        return Optional.empty();
                    }
                    Tier tier = Tier.ofLevel(rs.getInt("tier"));
                    TenantStatus own = TenantStatus.parse(rs.getString("status"));
                    String slug = rs.getString("slug");
                    TenantStatus status = own;
                    String blocking = slug;
                    String parentStatus = rs.getString("parent_status");
                    if ((own == TenantStatus.ACTIVE || own == TenantStatus.MIGRATING) && tier == Tier.T2
                            && parentStatus != null && !TenantStatus.ACTIVE.wireName().equals(parentStatus)
                            && !TenantStatus.MIGRATING.wireName().equals(parentStatus)) {
                        status = TenantStatus.parse(parentStatus) == TenantStatus.DECOMMISSIONED
                                ? TenantStatus.SUSPENDED : TenantStatus.parse(parentStatus);
                        blocking = rs.getString("parent_slug");
                    }
                    TenantLimits limits = limits(rs, tier);
                    String mode = rs.getString("mode");
                    if (mode == null) {
                        return Optional.of(new Route(tenantId, slug, tier, null, status, blocking, null, null, null, 0,
                                null, null, limits, false, Duration.ZERO));
                    }
                    String schema = rs.getString("schema_name");
                    TenantContext context = new TenantContext(tenantId, tier, schema, limits.statementTimeout(), t1Role);
                    return Optional.of(new Route(tenantId, slug, tier, rs.getObject("parent_id", UUID.class), status, blocking,
                            IsolationMode.parse(mode), new DatabaseKey(rs.getString("data_plane").intern(),
                                    rs.getString("database_name").intern()),
                            schema, rs.getLong("version"),
                            new TenantPools.Credentials(rs.getString("app_role"), rs.getString("app_password")), context,
                            limits, rs.getObject("frozen_by") != null,
                            Duration.ofMillis(Math.max(0, rs.getInt("frozen_wait_ms")))));
                }
            }
        });
    }
}

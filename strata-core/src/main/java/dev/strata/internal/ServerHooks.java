package dev.strata.internal;

import dev.strata.internal.archive.TenantArchives;
import dev.strata.internal.sql.DataPlane;

import javax.sql.DataSource;
import java.util.Map;

/**
 * What Strata's own server module (REST API, CLI, demo) uses of a running engine beyond the public
 * {@link dev.strata.Strata} API, and nothing else: reached through {@link dev.strata.Strata#serverHooks()},
 * so the server never holds the whole engine ({@link dev.strata.Strata#internals()} is for tests and
 * benchmarks). Not a supported API; add a method here only for something the server cannot do
 * through the public API. Every method is safe from any thread.
 */
public interface ServerHooks {
    /**
     * The management database's pool (the server's own tables: API keys; the health probe; the
     * demo's reads). The server must not touch Strata's own tables through it.
     */
    DataSource management();

    /** Every data plane by key (the default plane {@code default} included). */
    Map<String, DataPlane> planes();

    /**
     * The data plane with this key.
     *
     * @throws dev.strata.StrataException {@link dev.strata.ErrorCode#INVALID_CONFIGURATION} if there is none
     */
    DataPlane plane(String key);

    /** The tenant pools and the connection budget of each data plane (the server's {@code /metrics}). */
    dev.strata.internal.pool.TenantPools pools();

    /** The data plane registry (the server's embedded extra planes register themselves in it). */
    dev.strata.internal.plane.PlaneRegistry planeRegistry();

    /**
     * A T1's Neon placement with its compute's last wake-up (or its T2's T1's), empty off Neon
     * ({@code tenants show}: when the compute was last woken and how long it took).
     */
    java.util.Optional<dev.strata.internal.neon.NeonPlacementRecord> neonCompute(java.util.UUID tenantId);

    /** Export and import of one tenant's data ({@code GET /v1/tenants/{key}/export}, {@code POST /v1/tenants/import}). */
    TenantArchives archives();
}

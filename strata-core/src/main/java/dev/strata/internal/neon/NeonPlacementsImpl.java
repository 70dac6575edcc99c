package dev.strata.internal.neon;

import dev.strata.ErrorCode;
import dev.strata.PostgresServer;
import dev.strata.StrataException;
import dev.strata.internal.plane.DatabaseAddresses;
import dev.strata.internal.plane.NeonPlaneSettings;
import dev.strata.internal.plane.PlaneRegistry;
import dev.strata.internal.sql.DataPlane;

import java.net.URI;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The Neon planes' placements and API clients ({@link NeonPlacements}), and how each Neon T1
 * database is reached ({@link DatabaseAddresses}): at its own endpoint, as Neon's owner role for
 * administration and as its app role for tenant work (through the endpoint's pooled address where
 * the plane says so), with cold starts retried ({@link ColdStarts}). One API client per plane, so
 * its rate limit covers every call of the plane. Thread-safe.
 */
public final class NeonPlacementsImpl implements NeonPlacements, DatabaseAddresses {
    private final PlaneRegistry planes;
    private final NeonPlacementStore store;
    private final ColdStarts coldStarts;
    private final Map<String, NeonApi> apis = new ConcurrentHashMap<>();
    private final Map<String, DataPlane> addresses = new ConcurrentHashMap<>();

    public NeonPlacementsImpl(PlaneRegistry planes, NeonPlacementStore store, ColdStarts coldStarts) {
        this.planes = planes;
        this.store = store;
        this.coldStarts = coldStarts;
    }

    public NeonPlacementStore store() {
        return store;
    }

    public ColdStarts coldStarts() {
        return coldStarts;
    }

    /** Whether {@code planeKey} is a registered Neon plane. */
    public boolean isNeon(String planeKey) {
        return planeKey != null && !DataPlane.DEFAULT_KEY.equals(planeKey) && planes.neon(planeKey).isPresent();
    }

    @Override
    public Optional<NeonPlacement> of(UUID tenantId) {
        return store.ofTenant(tenantId).map(NeonPlacementRecord::placement);
    }

    /** The full record (addresses, last wake-up) of a tenant's placement. */
    public Optional<NeonPlacementRecord> recordOf(UUID tenantId) {
        return store.ofTenant(tenantId);
    }

    @Override
    public NeonApi api(String planeKey) {
        NeonPlaneSettings settings = settings(planeKey);
        NeonApi api = apis.compute(planeKey, (k, existing) -> existing != null
                && existing.account().apiUrl().equals(settings.apiUrl()) && existing.account().apiKey().equals(settings.apiKey())
                ? existing : new NeonApi(new NeonAccount(settings.apiUrl(), settings.apiKey())));
        return api;
    }

    /**
     * A Neon plane's settings.
     *
     * @throws StrataException {@link ErrorCode#PLANE_NOT_FOUND} unless {@code planeKey} is a Neon plane
     */
    public NeonPlaneSettings settings(String planeKey) {
        return planes.neon(planeKey).orElseThrow(() -> new StrataException(ErrorCode.PLANE_NOT_FOUND,
                "No Neon data plane '" + planeKey + "' is registered: `strata planes list` shows the planes"));
    }

    @Override
    public DataPlane of(String planeKey, String database) {
        DataPlane cached = addresses.get(planeKey + "/" + database);
        if (cached != null) {
            return cached;
        }
        NeonPlacementRecord r = store.ofDatabase(planeKey, database).orElseThrow(() -> new StrataException(
                ErrorCode.PLANE_NOT_FOUND, "No Neon placement of data plane '" + planeKey + "' holds database " + database));
        DataPlane plane = address(r, settings(planeKey));
        addresses.put(planeKey + "/" + database, plane);
        return plane;
    }

    /** How a placement's database is reached. */
    DataPlane address(NeonPlacementRecord r, NeonPlaneSettings settings) {
        NeonPlacement p = r.placement();
        PostgresServer direct = new PostgresServer(r.host(), r.port(), p.ownerRole(), r.ownerPassword(), p.databaseName(),
                Map.of("sslmode", sslMode(settings.apiUrl())));
        PostgresServer pooled = settings.pooled() && r.pooledHost() != null
                ? new PostgresServer(r.pooledHost(), r.pooledPort(), p.ownerRole(), r.ownerPassword(), p.databaseName(),
                Map.of("sslmode", sslMode(settings.apiUrl())))
                : null;
        return DataPlane.ofOneDatabase(p.planeKey(), direct, pooled,
                coldStarts.waker(p.planeKey(), r.strataDatabase(), settings.coldStartTimeout()));
    }

    /** Forgets the cached address of a database (its placement changed or was removed). */
    public void forget(String planeKey, String database) {
        addresses.remove(planeKey + "/" + database);
    }

    /** Neon requires TLS; a stand-in on plain HTTP (neon-local) serves none. */
    private static String sslMode(URI apiUrl) {
        return "https".equals(apiUrl.getScheme()) ? "require" : "disable";
    }
}

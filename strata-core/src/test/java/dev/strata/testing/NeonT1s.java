package dev.strata.testing;

import dev.strata.Strata;
import dev.strata.Tenant;
import dev.strata.internal.neon.NeonAccount;
import dev.strata.internal.neon.NeonApi;
import dev.strata.internal.neon.NeonBranch;
import dev.strata.internal.neon.NeonPlacement;
import dev.strata.internal.neon.NeonPlacements;
import dev.strata.internal.neon.NeonProject;
import dev.strata.neonlocal.NeonLocal;
import dev.strata.neonlocal.testing.NeonLocalExtension;

import java.net.URI;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * T1s placed on a neon-local by the test itself, until the Neon plane places them: a registered T1
 * is given a Neon project of its own ({@link #onProject}, Neon's guidance) or a child branch of a
 * shared project ({@link #onChildBranch}), with a database {@value #DATABASE} owned by
 * {@value #OWNER}; installed into a Strata with {@link #install}. The placements are real Neon
 * (stand-in) projects and branches; only the lookup is the test's. Thread-safe.
 */
public final class NeonT1s implements NeonPlacements {
    public static final String PLANE = "neon-test";
    public static final String DATABASE = "app";
    public static final String OWNER = "strata_owner";

    private final NeonApi api;
    private final Map<UUID, NeonPlacement> placed = new ConcurrentHashMap<>();

    public NeonT1s(NeonLocal neon) {
        this.api = new NeonApi(new NeonAccount(neon.apiUrl(), NeonLocalExtension.API_KEY), Duration.ofSeconds(60),
                Duration.ofSeconds(120), 700, 40);
    }

    /** Makes this the Strata's lookup of T1s on Neon planes. */
    public NeonT1s install(Strata strata) {
        strata.internals().neonPlacementsOverride(this);
        return this;
    }

    public NeonApi api() {
        return api;
    }

    /** Gives the T1 a Neon project of its own; its production branch is the project's root branch. */
    public NeonPlacement onProject(Tenant t1) {
        NeonProject project = api.createProject("t1-" + t1.slug(), null, DATABASE, OWNER);
        NeonPlacement p = new NeonPlacement(PLANE, project.id(), project.defaultBranchId(), project.endpointId(), DATABASE, OWNER);
        placed.put(t1.id(), p);
        return p;
    }

    /** Places the T1 on a child branch of a new shared project (Neon's branch placement). */
    public NeonPlacement onChildBranch(Tenant t1) {
        NeonProject project = api.createProject("shared-" + t1.slug(), null, DATABASE, OWNER);
        NeonBranch branch = api.createBranch(project.id(), project.defaultBranchId(), "t1-" + t1.slug(), null);
        NeonPlacement p = new NeonPlacement(PLANE, project.id(), branch.id(), branch.endpointId(), DATABASE, OWNER);
        placed.put(t1.id(), p);
        return p;
    }

    @Override
    public Optional<NeonPlacement> of(UUID tenantId) {
        return Optional.ofNullable(placed.get(tenantId));
    }

    @Override
    public NeonApi api(String planeKey) {
        if (!PLANE.equals(planeKey)) {
            throw new IllegalArgumentException("no Neon plane " + planeKey);
        }
        return api;
    }

    /** A connection to the T1's production database as its owner. */
    public Connection production(Tenant t1) throws SQLException {
        NeonPlacement p = placed.get(t1.id());
        return connect(api.connectionUri(p.projectId(), p.branchId(), DATABASE, OWNER, false));
    }

    /** Opens a connection string as Neon hands it out ({@code postgresql://role:password@host:port/db?...}). */
    public static Connection connect(String uri) throws SQLException {
        return connect(URI.create(uri));
    }

    public static Connection connect(URI uri) throws SQLException {
        String[] info = uri.getRawUserInfo().split(":", 2);
        return DriverManager.getConnection("jdbc:postgresql://" + uri.getHost() + ":" + uri.getPort() + uri.getRawPath()
                        + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery().replace("&pgbouncer=true", "")),
                java.net.URLDecoder.decode(info[0], java.nio.charset.StandardCharsets.UTF_8),
                java.net.URLDecoder.decode(info[1], java.nio.charset.StandardCharsets.UTF_8));
    }

    /** {@code SELECT count(*) FROM <table>} on a connection. */
    public static long count(Connection c, String table) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT count(*) FROM " + table)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /**
     * Suspends the T1's production compute and waits until neon-local has taken the history point
     * it takes as a compute goes idle ({@link NeonPlanes#takeHistoryPoint}).
     */
    public void takeHistoryPoint(Tenant t1) throws Exception {
        NeonPlacement p = placed.get(t1.id());
        NeonPlanes.takeHistoryPoint(api, p.projectId(), p.endpointId());
    }
}

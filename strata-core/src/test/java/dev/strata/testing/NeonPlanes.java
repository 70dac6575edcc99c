package dev.strata.testing;

import com.fasterxml.jackson.databind.JsonNode;
import dev.strata.DataPlaneInfo;
import dev.strata.NeonOptions;
import dev.strata.NewPlane;
import dev.strata.Strata;
import dev.strata.Tenant;
import dev.strata.internal.neon.NeonApi;
import dev.strata.neonlocal.NeonLocal;
import dev.strata.neonlocal.NeonLocalOptions;
import dev.strata.neonlocal.testing.NeonApiCalls;
import dev.strata.neonlocal.testing.NeonLocalExtension;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.function.UnaryOperator;

/**
 * Neon planes for tests: one neon-local per JVM ({@link #shared()}, backed by the stand-in's embedded
 * PostgreSQL with fast timing), or one of a test's own ({@link #start}); planes of either placement
 * on it, a template project to branch from, and a plain caller of its API. Every call the stand-in
 * answered can be checked against Neon's API definition ({@link #checkShapes}).
 */
public final class NeonPlanes {
    public static final String API_KEY = NeonLocalExtension.API_KEY;
    private static NeonLocal shared;

    private NeonPlanes() {
    }

    /** The JVM's neon-local (started on first use, never stopped: it dies with the JVM). */
    public static synchronized NeonLocal shared() {
        if (shared == null) {
            shared = start(UnaryOperator.identity());
        }
        return shared;
    }

    /** A neon-local of the test's own (close it), with the fast options changed by {@code customize}. */
    public static NeonLocal start(UnaryOperator<NeonLocalOptions> customize) {
        try {
            return NeonLocal.start(customize.apply(NeonLocalExtension.fastOptions()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (SQLException e) {
            throw new IllegalStateException("neon-local did not start", e);
        }
    }

    /** A plain caller of a neon-local's API. */
    public static NeonApiCalls calls(NeonLocal neon) {
        return new NeonApiCalls(neon.apiUrl(), API_KEY);
    }

    /** Fails if any call a neon-local answered departs from Neon's API definition. */
    public static void checkShapes(NeonLocal neon) {
        NeonLocalExtension.check(neon);
    }

    /** Adds a Neon plane in project placement (a Neon project per T1). */
    public static DataPlaneInfo addProjectPlane(Strata strata, NeonLocal neon, String key) {
        return strata.planes().add(NewPlane.neon(key, NeonOptions.of(neon.apiUrl(), API_KEY)));
    }

    /** Adds a Neon plane in branch placement whose T1s are branches of {@code templateProject}'s default branch. */
    public static DataPlaneInfo addBranchPlane(Strata strata, NeonLocal neon, String key, String templateProject) {
        return strata.planes().add(NewPlane.neon(key, NeonOptions.of(neon.apiUrl(), API_KEY)
                .withPlacement(NeonOptions.Layout.BRANCH).withTemplateProject(templateProject)));
    }

    /** Creates a project to use as a template (database {@code app}, role {@code app_owner}) and returns its id. */
    public static String createTemplateProject(NeonLocal neon, String name) {
        NeonApiCalls calls = calls(neon);
        NeonApiCalls.Answer a = calls.post("/projects", "{\"project\":{\"name\":\"" + name
                + "\",\"branch\":{\"database_name\":\"app\",\"role_name\":\"app_owner\"}}}");
        if (a.status() != 201) {
            throw new IllegalStateException("creating template project " + name + " answered " + a.status() + ": " + a.body());
        }
        String id = a.body().path("project").path("id").asText();
        calls.awaitOperations(id, a.body());
        return id;
    }

    /**
     * Enables logical replication on a project, as an operator does before moving a tenant off it
     * (Neon's {@code settings.enable_logical_replication}), and waits until it is applied.
     */
    public static void enableLogicalReplication(NeonLocal neon, String projectId) {
        NeonApiCalls calls = calls(neon);
        long until = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(30);
        NeonApiCalls.Answer a;
        // 423: an operation of the project still runs (Neon runs one at a time); wait for it as a client does
        while ((a = calls.send("PATCH", "/projects/" + projectId,
                "{\"project\":{\"settings\":{\"enable_logical_replication\":true}}}")).status() == 423
                && System.nanoTime() < until) {
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while enabling logical replication on " + projectId, e);
            }
        }
        if (a.status() != 200) {
            throw new IllegalStateException("enabling logical replication on " + projectId + " answered " + a.status()
                    + ": " + a.body());
        }
        calls.awaitOperations(projectId, a.body());
    }

    /** A project's JSON, or {@code null} once it is deleted. */
    public static JsonNode project(NeonLocal neon, String projectId) {
        NeonApiCalls.Answer a = calls(neon).get("/projects/" + projectId);
        return a.status() == 404 ? null : a.body().path("project");
    }

    /**
     * An administrator connection (Neon's owner role) to the database of a tenant on a Neon plane
     * (a T1's, or its T1's for a T2), at that database's own endpoint, as Strata reaches it.
     */
    public static Connection ownerConnection(Strata strata, Tenant tenant) throws SQLException {
        String database = tenant.placement().database();
        return strata.internals().neonPlane().of(tenant.placement().dataPlane(), database).openAdmin(database);
    }

    /** Runs statements as Neon's owner role in the database of a tenant on a Neon plane ({@link #ownerConnection}). */
    public static void asOwner(Strata strata, Tenant tenant, String... statements) throws SQLException {
        try (Connection c = ownerConnection(strata, tenant); Statement s = c.createStatement()) {
            for (String statement : statements) {
                s.execute(statement);
            }
        }
    }

    /**
     * Suspends a compute and waits until neon-local has taken the history point it takes as a
     * compute goes idle (a copy of the branch's databases on the JVM's backing server), so that a
     * moment taken right after lies after it.
     */
    public static void takeHistoryPoint(NeonApi api, String projectId, String endpointId) throws InterruptedException {
        long before = historyCopies();
        api.suspendEndpoint(projectId, endpointId);
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (historyCopies() <= before) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("neon-local took no history point within 60 s");
            }
            Thread.sleep(50);
        }
        Thread.sleep(500); // the point is recorded right after its copy exists
    }

    private static long historyCopies() {
        var pg = NeonLocalExtension.postgres();
        try (Connection c = DriverManager.getConnection("jdbc:postgresql://" + pg.host() + ":" + pg.port() + "/postgres",
                pg.user(), pg.password()); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT count(*) FROM pg_database WHERE datname LIKE 'nl\\_hist\\_%'")) {
            rs.next();
            return rs.getLong(1);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot count neon-local's history points", e);
        }
    }
}

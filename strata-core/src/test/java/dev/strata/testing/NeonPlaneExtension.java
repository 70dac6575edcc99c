package dev.strata.testing;

import dev.strata.NeonOptions;
import dev.strata.Strata;
import dev.strata.StrataConfig;
import dev.strata.Tenant;
import dev.strata.internal.neon.NeonPlacement;
import dev.strata.neonlocal.NeonLocal;
import dev.strata.neonlocal.NeonLocalOptions;
import dev.strata.neonlocal.testing.NeonApiCalls;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Objects;
import java.util.function.UnaryOperator;

/**
 * A Strata with a Neon plane for a test class, as a JUnit 5 extension: a neon-local (the JVM's
 * shared one, or one of the class's own, closed after it), a {@link StrataFixture} with the
 * documents schema on the shared server, and the Neon plane {@link #plane()} added to it before the
 * first test, in project placement or in branch placement from a template project made on the
 * neon-local. After every test, every call the neon-local answered is checked against Neon's API
 * definition ({@link NeonPlanes#checkShapes}).
 *
 * <pre>{@code
 * @RegisterExtension
 * static final NeonPlaneExtension NEON = NeonPlaneExtension.projectPlane("neon-t0");
 * private final Strata strata = NEON.strata();
 * ... strata.tenants().create(NewTenant.t1("acme").withPlane(NEON.plane())) ...
 * }</pre>
 *
 * Register it on a static field; immutable to configure, then serving one class at a time.
 */
public final class NeonPlaneExtension implements BeforeAllCallback, AfterEachCallback, AfterAllCallback {
    /** The name of the template project of a branch-placement plane. */
    public static final String TEMPLATE_NAME = "strata-template";

    private final String plane;
    private final NeonOptions.Layout layout;
    /** How the class's own neon-local differs from the fast options, or {@code null} for the JVM's shared one. */
    private final UnaryOperator<NeonLocalOptions> ownNeonLocal;
    private final UnaryOperator<StrataConfig.Builder> customize;
    private volatile NeonLocal neon;
    private volatile String templateProject;
    private volatile StrataFixture fixture;

    private NeonPlaneExtension(String plane, NeonOptions.Layout layout, UnaryOperator<NeonLocalOptions> ownNeonLocal,
                               UnaryOperator<StrataConfig.Builder> customize) {
        this.plane = Objects.requireNonNull(plane, "plane");
        this.layout = layout;
        this.ownNeonLocal = ownNeonLocal;
        this.customize = customize;
    }

    /** A Neon plane in project placement (a Neon project per T1) on the JVM's shared neon-local. */
    public static NeonPlaneExtension projectPlane(String plane) {
        return new NeonPlaneExtension(plane, NeonOptions.Layout.PROJECT, null, UnaryOperator.identity());
    }

    /**
     * A Neon plane in branch placement (each T1 a child branch of the default branch of a template
     * project {@value #TEMPLATE_NAME}) on a neon-local of the class's own with the fast options
     * changed by {@code neonLocal} (say its branch limit).
     */
    public static NeonPlaneExtension branchPlane(String plane, UnaryOperator<NeonLocalOptions> neonLocal) {
        return new NeonPlaneExtension(plane, NeonOptions.Layout.BRANCH, Objects.requireNonNull(neonLocal, "neonLocal"),
                UnaryOperator.identity());
    }

    /** The same extension with further Strata configuration (say a meter registry). */
    public NeonPlaneExtension configured(UnaryOperator<StrataConfig.Builder> more) {
        Objects.requireNonNull(more, "more");
        UnaryOperator<StrataConfig.Builder> before = customize;
        return new NeonPlaneExtension(plane, layout, ownNeonLocal, b -> more.apply(before.apply(b)));
    }

    /** The Neon plane's key. */
    public String plane() {
        return plane;
    }

    /** The class's Strata (after a {@link #restart}, the restarted one). */
    public Strata strata() {
        StrataFixture f = fixture;
        if (f == null) {
            throw new IllegalStateException("Strata is not running: register NeonPlaneExtension on a static field"
                    + " with @RegisterExtension and use it from test instances only");
        }
        return f.strata();
    }

    /** The neon-local behind the plane. */
    public NeonLocal neon() {
        NeonLocal n = neon;
        if (n == null) {
            throw new IllegalStateException("neon-local is not running: the class has not started");
        }
        return n;
    }

    /** A plain caller of the neon-local's API. */
    public NeonApiCalls calls() {
        return NeonPlanes.calls(neon());
    }

    /** The template project a branch-placement plane branches from ({@code null} for project placement). */
    public String templateProject() {
        return templateProject;
    }

    /** Where the Neon plane placed a T1. */
    public NeonPlacement placementOf(Tenant t1) {
        return strata().internals().neonPlacements().of(t1.id()).orElseThrow(
                () -> new AssertionError(t1.slug() + " has no Neon placement"));
    }

    /** An administrator connection to the database of a tenant on the plane ({@link NeonPlanes#ownerConnection}). */
    public Connection ownerConnection(Tenant tenant) throws SQLException {
        return NeonPlanes.ownerConnection(strata(), tenant);
    }

    /** Runs statements as Neon's owner role in the database of a tenant on the plane ({@link NeonPlanes#asOwner}). */
    public void asOwner(Tenant tenant, String... statements) throws SQLException {
        NeonPlanes.asOwner(strata(), tenant, statements);
    }

    /** Closes the class's Strata and starts it again on the same namespace ({@link StrataFixture#restart}). */
    public Strata restart() {
        StrataFixture f = fixture;
        if (f == null) {
            throw new IllegalStateException("Strata is not running");
        }
        return f.restart();
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        NeonLocal started = ownNeonLocal == null ? NeonPlanes.shared() : NeonPlanes.start(ownNeonLocal);
        neon = started;
        try {
            if (layout == NeonOptions.Layout.BRANCH) {
                templateProject = NeonPlanes.createTemplateProject(started, TEMPLATE_NAME);
            }
            StrataFixture f = StrataFixture.with(AppSchemas.DOCUMENTS).configured(customize).withSetUp(this::addPlane);
            f.beforeAll(context);
            fixture = f;
        } catch (Exception | Error e) {
            closeOwnNeonLocal();
            throw e;
        }
    }

    private void addPlane(Strata strata) {
        if (layout == NeonOptions.Layout.BRANCH) {
            NeonPlanes.addBranchPlane(strata, neon(), plane, templateProject);
        } else {
            NeonPlanes.addProjectPlane(strata, neon(), plane);
        }
    }

    @Override
    public void afterEach(ExtensionContext context) {
        NeonPlanes.checkShapes(neon());
    }

    @Override
    public void afterAll(ExtensionContext context) {
        StrataFixture f = fixture;
        fixture = null;
        try {
            if (f != null) {
                f.afterAll(context);
            }
        } finally {
            closeOwnNeonLocal();
        }
    }

    private void closeOwnNeonLocal() {
        NeonLocal n = neon;
        neon = null;
        templateProject = null;
        if (n != null && ownNeonLocal != null) {
            n.close();
        }
    }
}

package dev.strata.testing;

import dev.strata.Strata;
import dev.strata.StrataConfig;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * One Strata for a test class, as a JUnit 5 extension: started by {@link TestStrata} (the shared
 * PostgreSQL, a namespace of its own) with the class's configuration before its first test, then
 * the class's {@link #withSetUp set-up} run on it; closed and its namespace dropped after the last
 * test. After every test the provisioning step hook is cleared, so a test that pauses or fails
 * steps cannot pass that on to the next.
 *
 * <pre>{@code
 * @RegisterExtension
 * static final TestStrataExtension FIXTURE = TestStrataExtension.configured(b -> b.decommissionDrainTimeout(...))
 *         .withSetUp(strata -> strata.tenants().create(NewTenant.t1("home")));
 * private final Strata strata = FIXTURE.strata();
 * }</pre>
 *
 * Register it on a static field: it serves the whole class (and its nested classes). Immutable
 * apart from the running Strata; test classes run one at a time.
 */
public final class TestStrataExtension implements BeforeAllCallback, AfterEachCallback, AfterAllCallback {
    /** Work on the freshly started Strata before the first test: tenants, rows, archives. */
    @FunctionalInterface
    public interface SetUp {
        void on(Strata strata) throws Exception;
    }

    private final UnaryOperator<StrataConfig.Builder> customize;
    private final List<SetUp> setUps;
    private Strata strata;
    private String startedBy;

    private TestStrataExtension(UnaryOperator<StrataConfig.Builder> customize, List<SetUp> setUps) {
        this.customize = customize;
        this.setUps = List.copyOf(setUps);
    }

    /** Strata with {@link TestStrata#configure()}'s configuration. */
    public static TestStrataExtension standard() {
        return configured(UnaryOperator.identity());
    }

    /**
     * Strata with two data planes: {@code default} (the shared server) and {@link TwoPlanes#SECOND}
     * (the {@link SecondPostgres second server}, region {@link TwoPlanes#SECOND_REGION}).
     */
    public static TestStrataExtension twoPlanes() {
        return standard().withSetUp(TwoPlanes::addSecond);
    }

    /** Strata with the test's own configuration on top of {@link TestStrata#configure()}. */
    public static TestStrataExtension configured(UnaryOperator<StrataConfig.Builder> customize) {
        return new TestStrataExtension(customize, List.of());
    }

    /** This extension, with {@code setUp} run (after the set-ups given before) once Strata started. */
    public TestStrataExtension withSetUp(SetUp setUp) {
        List<SetUp> all = new ArrayList<>(setUps);
        all.add(setUp);
        return new TestStrataExtension(customize, all);
    }

    /** The class's Strata; from its {@code @BeforeAll} methods and its test instances on. */
    public synchronized Strata strata() {
        if (strata == null) {
            throw new IllegalStateException("Strata is not running: register TestStrataExtension on a static field"
                    + " with @RegisterExtension and use it from @BeforeAll methods or test instances only");
        }
        return strata;
    }

    @Override
    public synchronized void beforeAll(ExtensionContext context) throws Exception {
        if (strata != null) {
            return; // a nested class of the class that started it
        }
        Strata started = TestStrata.start(customize);
        try {
            for (SetUp setUp : setUps) {
                setUp.on(started);
            }
        } catch (Exception | Error e) {
            TestStrata.stopAndDrop(started);
            throw e;
        }
        strata = started;
        startedBy = context.getUniqueId();
    }

    @Override
    public synchronized void afterEach(ExtensionContext context) {
        if (strata != null) {
            strata.internals().operations().leases().stepHook(null);
        }
    }

    @Override
    public synchronized void afterAll(ExtensionContext context) {
        if (strata == null || !context.getUniqueId().equals(startedBy)) {
            return;
        }
        Strata stopping = strata;
        strata = null;
        startedBy = null;
        TestStrata.stopAndDrop(stopping);
    }
}

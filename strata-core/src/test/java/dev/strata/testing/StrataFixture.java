package dev.strata.testing;

import dev.strata.Strata;
import dev.strata.StrataConfig;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.util.List;
import java.util.Objects;
import java.util.function.UnaryOperator;

/**
 * A JUnit 5 extension that starts one Strata per test class, with the application migration set
 * the class chooses, on the shared server under a namespace of its own, and drops that namespace
 * after the class. Register it on a static field:
 *
 * <pre>{@code
 * @RegisterExtension
 * static final StrataFixture FIXTURE = StrataFixture.with(AppSchemas.SHOP);
 * ...
 * Strata strata = FIXTURE.strata();
 * }</pre>
 *
 * <p>Not thread-safe to configure; {@link #strata()} may be called from any thread once the class
 * has started.
 */
public final class StrataFixture implements BeforeAllCallback, AfterAllCallback {
    private final List<String> migrations;
    private final UnaryOperator<StrataConfig.Builder> customize;
    private final List<TestStrataExtension.SetUp> setUps;
    private volatile Strata strata;

    private StrataFixture(List<String> migrations, UnaryOperator<StrataConfig.Builder> customize) {
        this(migrations, customize, List.of());
    }

    private StrataFixture(List<String> migrations, UnaryOperator<StrataConfig.Builder> customize,
                          List<TestStrataExtension.SetUp> setUps) {
        this.migrations = List.copyOf(migrations);
        this.customize = customize;
        this.setUps = List.copyOf(setUps);
    }

    /** The same fixture with {@code setUp} run on the started Strata (e.g. {@code TwoPlanes::addSecond}). */
    public StrataFixture withSetUp(TestStrataExtension.SetUp setUp) {
        List<TestStrataExtension.SetUp> all = new java.util.ArrayList<>(setUps);
        all.add(Objects.requireNonNull(setUp, "setUp"));
        return new StrataFixture(migrations, customize, all);
    }

    /** Strata with the given migration locations (see {@link AppSchemas} for the tests' sets). */
    public static StrataFixture with(String... migrationLocations) {
        return new StrataFixture(List.of(migrationLocations), UnaryOperator.identity());
    }

    /** The same fixture with further configuration applied after the migrations. */
    public StrataFixture configured(UnaryOperator<StrataConfig.Builder> more) {
        Objects.requireNonNull(more, "more");
        UnaryOperator<StrataConfig.Builder> before = customize;
        return new StrataFixture(migrations, b -> more.apply(before.apply(b)), setUps);
    }

    /** The migration locations this fixture starts Strata with. */
    public List<String> migrations() {
        return migrations;
    }

    /** The running Strata of the current test class. */
    public Strata strata() {
        Strata s = strata;
        if (s == null) {
            throw new IllegalStateException("Strata is not running: register the fixture with @RegisterExtension on a static field");
        }
        return s;
    }

    /**
     * Closes the class's Strata and starts it again on the same namespace with the same
     * configuration, as a deployment restarts (the set-ups do not run again): what Strata does at
     * start-up runs on what the class built. Returns the new Strata, which {@link #strata()} gives
     * from now on.
     */
    public Strata restart() {
        Strata running = strata();
        String namespace = running.config().namespace();
        strata = null;
        running.close();
        try {
            strata = start(migrations, b -> customize.apply(b).namespace(namespace));
        } catch (RuntimeException | Error e) {
            TestStrata.dropNamespace(namespace);
            throw e;
        }
        return strata;
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        Strata started = start(migrations, customize);
        try {
            for (TestStrataExtension.SetUp setUp : setUps) {
                setUp.on(started);
            }
        } catch (Exception | Error e) {
            TestStrata.stopAndDrop(started);
            throw e;
        }
        strata = started;
    }

    @Override
    public void afterAll(ExtensionContext context) {
        Strata s = strata;
        strata = null;
        TestStrata.stopAndDrop(s);
    }

    /** Starts a Strata of its own with the given migrations (for tests that need a second one); the caller stops it. */
    public static Strata start(List<String> migrations, UnaryOperator<StrataConfig.Builder> customize) {
        // Not TestStrata.configure(): that one brings the documents set, and a fixture's set is its own.
        StrataConfig.Builder builder = StrataConfig.builder()
                .server(SharedPostgres.server())
                .namespace(TestStrata.newNamespace())
                .statsFlushInterval(java.time.Duration.ZERO)
                .tenantMigrations(migrations.toArray(String[]::new));
        return customize.apply(builder).start();
    }
}

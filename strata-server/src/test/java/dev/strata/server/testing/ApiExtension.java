package dev.strata.server.testing;

import dev.strata.Strata;
import dev.strata.StrataConfig;
import dev.strata.server.api.ApiKeys;
import dev.strata.server.api.ApiServer;
import dev.strata.testing.TestStrataExtension;
import dev.strata.testing.TestStrataExtension.SetUp;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.net.URI;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * A test class's control plane, as a JUnit 5 extension: the Strata of a {@link TestStrataExtension}
 * (a namespace of its own, the class's configuration and {@link #withSetUp set-up}) and, once it
 * started, its {@link RunningApi} (the admin key, the REST API on a free port); after the last test
 * the API is stopped, then Strata, and the namespace dropped. {@link #http()} is a client with the
 * admin key; {@link #cliEnvironment()} the environment in which the command line is a client of
 * this API, as a user's would be.
 *
 * <pre>{@code
 * @RegisterExtension
 * static final ApiExtension api = ApiExtension.standard().withSetUp(strata -> strata.tenants().create(...));
 * }</pre>
 *
 * Register it on a static field: it serves the whole class. Test classes run one at a time.
 */
public final class ApiExtension implements BeforeAllCallback, AfterAllCallback {
    private final TestStrataExtension strata;
    private RunningApi running;
    private Http http;
    private String startedBy;

    private ApiExtension(TestStrataExtension strata) {
        this.strata = strata;
    }

    /** The API on Strata with {@code TestStrata.configure()}'s configuration. */
    public static ApiExtension standard() {
        return new ApiExtension(TestStrataExtension.standard());
    }

    /** The API on Strata with the test's own configuration on top of {@code TestStrata.configure()}. */
    public static ApiExtension configured(UnaryOperator<StrataConfig.Builder> customize) {
        return new ApiExtension(TestStrataExtension.configured(customize));
    }

    /** This extension, with {@code setUp} run on the API's Strata (after the set-ups given before) once it started. */
    public ApiExtension withSetUp(SetUp setUp) {
        return new ApiExtension(strata.withSetUp(setUp));
    }

    /** The running API; from the class's {@code @BeforeAll} methods and its tests on. */
    public synchronized RunningApi running() {
        if (running == null) {
            throw new IllegalStateException("The API is not running: register ApiExtension on a static field"
                    + " with @RegisterExtension and use it from @BeforeAll methods or tests only");
        }
        return running;
    }

    public Strata strata() {
        return running().strata();
    }

    public ApiKeys keys() {
        return running().keys();
    }

    public ApiServer server() {
        return running().server();
    }

    public URI baseUri() {
        return running().baseUri();
    }

    public String adminKey() {
        return running().adminKey();
    }

    /** The actor recorded for changes made with the admin key: {@code api-key:admin (<id>)}. */
    public String adminActor() {
        return running().adminActor();
    }

    /**
     * A new API key bound to the tenant with this id or slug (it administers that tenant's subtree),
     * named {@code name}, never expiring; created directly in the management database, as
     * {@code POST /v1/keys} would.
     */
    public ApiKeys.Created createKey(String tenant, String name) {
        return keys().create(strata().tenants().get(tenant).id(), name, null, "test fixture");
    }

    /** A client of the API with a new key of the tenant with this id or slug. */
    public Http httpAs(String tenant) {
        return http().withKey(createKey(tenant, tenant + "-key").secret());
    }

    /** The data directory holding {@code admin-key}, as {@code strata serve}'s would. */
    public Path dataDir() {
        return running().dataDir();
    }

    /** A client of the API with the admin key. */
    public synchronized Http http() {
        running();
        return http;
    }

    /** The environment of a user of this API: {@code STRATA_API} and {@code STRATA_HOME} (where the admin key is). */
    public Map<String, String> cliEnvironment() {
        return Map.of("STRATA_API", baseUri().toString(), "STRATA_HOME", dataDir().toString());
    }

    @Override
    public synchronized void beforeAll(ExtensionContext context) throws Exception {
        strata.beforeAll(context);
        if (running != null) {
            return; // a nested class of the class that started it
        }
        RunningApi started = RunningApi.serving(strata.strata());
        running = started;
        http = new Http(started.baseUri(), started.adminKey());
        startedBy = context.getUniqueId();
    }

    @Override
    public synchronized void afterAll(ExtensionContext context) {
        try {
            if (running != null && context.getUniqueId().equals(startedBy)) {
                RunningApi stopping = running;
                running = null;
                http = null;
                startedBy = null;
                stopping.close();
            }
        } finally {
            strata.afterAll(context);
        }
    }
}

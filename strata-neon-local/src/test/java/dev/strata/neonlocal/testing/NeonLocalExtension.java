package dev.strata.neonlocal.testing;

import dev.strata.embedded.LocalPostgres;
import dev.strata.neonlocal.Exchange;
import dev.strata.neonlocal.NeonLocal;
import dev.strata.neonlocal.NeonLocalOptions;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A neon-local for a test class, backed by one embedded PostgreSQL per JVM, with fast timing
 * (operations finish after 50 ms, a cold start takes 200 ms, computes suspend after 2 s idle). After
 * each test, every call it answered during the test is checked against Neon's API definition
 * ({@link ApiShapes}): a request or an answer of another shape fails the test. Inject
 * {@link NeonLocal} or {@link NeonApiCalls} into tests.
 */
public final class NeonLocalExtension implements BeforeAllCallback, AfterEachCallback, ParameterResolver {
    public static final String API_KEY = "neon-local-test-key-0123456789";
    private static LocalPostgres postgres;
    private static final ExtensionContext.Namespace NS = ExtensionContext.Namespace.create(NeonLocalExtension.class);

    /** The JVM's backing server (started on first use). */
    public static synchronized LocalPostgres postgres() {
        if (postgres == null) {
            try {
                Path dir = Files.createTempDirectory("neon-local-pg");
                postgres = LocalPostgres.start(dir, LocalPostgres.options().durable(false));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return postgres;
    }

    /** Fast options for tests against the JVM's backing server. */
    public static NeonLocalOptions fastOptions() {
        LocalPostgres pg = postgres();
        return NeonLocalOptions.defaults(pg.host(), pg.port(), pg.user(), pg.password(), API_KEY)
                .withTiming(Duration.ofMillis(50), Duration.ofMillis(200), Duration.ofSeconds(2));
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        NeonLocal neon = NeonLocal.start(fastOptions());
        context.getStore(NS).put("instance", neon);
    }

    @Override
    public void afterEach(ExtensionContext context) {
        check(neon(context));
    }

    /** Fails if any call the stand-in answered so far departs from Neon's API definition. */
    public static void check(NeonLocal neon) {
        List<String> problems = new ArrayList<>();
        for (Exchange e : neon.exchanges()) {
            // a request the stand-in refused as malformed was malformed on purpose; its answer is still checked
            if (e.status() != 400) problems.addAll(ApiShapes.neon().checkRequest(e.method(), e.path(), e.request()).stream()
                    .map(p -> e.method() + " " + e.path() + ": " + p).toList());
            problems.addAll(ApiShapes.neon().checkResponse(e.method(), e.path(), e.status(), e.response()).stream()
                    .map(p -> e.method() + " " + e.path() + ": " + p).toList());
        }
        if (!problems.isEmpty()) {
            throw new AssertionError("calls that do not have the shapes of Neon's API definition:\n" + String.join("\n", problems));
        }
    }

    private static NeonLocal neon(ExtensionContext context) {
        ExtensionContext root = context;
        while (root.getStore(NS).get("instance") == null && root.getParent().isPresent()) {
            root = root.getParent().get();
        }
        return root.getStore(NS).get("instance", NeonLocal.class);
    }

    @Override
    public boolean supportsParameter(ParameterContext p, ExtensionContext e) {
        Class<?> type = p.getParameter().getType();
        return type == NeonLocal.class || type == NeonApiCalls.class;
    }

    @Override
    public Object resolveParameter(ParameterContext p, ExtensionContext e) {
        NeonLocal neon = neon(e);
        return p.getParameter().getType() == NeonLocal.class ? neon : new NeonApiCalls(neon.apiUrl(), API_KEY);
    }
}

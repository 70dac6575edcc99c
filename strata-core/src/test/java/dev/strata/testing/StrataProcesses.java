package dev.strata.testing;

import dev.strata.Strata;
import dev.strata.StrataConfig;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * Several Strata processes on one management database, as a JUnit 5 extension: each test gets a
 * namespace of its own, {@link #start()} starts another process on it (each one as a separate
 * {@code strata serve} would be: its own pools, journal owner and recovery), and after the test
 * every process still open is closed and the namespace dropped, whatever the test left behind.
 * A test that may leave a process blocked (a paused step) wakes it in an {@code @AfterEach} method,
 * which runs before this extension cleans up.
 *
 * <pre>{@code
 * @RegisterExtension
 * final StrataProcesses processes = StrataProcesses.configured(b -> b.operationLease(LEASE));
 * }</pre>
 *
 * Register it on an instance field (it is per test). Thread-safe.
 */
public final class StrataProcesses implements BeforeEachCallback, AfterEachCallback {
    private final UnaryOperator<StrataConfig.Builder> customize;
    private final List<Strata> started = new ArrayList<>();
    private String namespace;

    private StrataProcesses(UnaryOperator<StrataConfig.Builder> customize) {
        this.customize = customize;
    }

    /** Processes with the test's own configuration on top of {@link TestStrata#configure()}. */
    public static StrataProcesses configured(UnaryOperator<StrataConfig.Builder> customize) {
        return new StrataProcesses(customize);
    }

    /** Starts another process on this test's namespace (the first one creates it). */
    public synchronized Strata start() {
        if (namespace == null) {
            throw new IllegalStateException("No test is running: register StrataProcesses on an instance field with @RegisterExtension");
        }
        Strata strata = TestStrata.start(b -> customize.apply(b).namespace(namespace));
        started.add(strata);
        return strata;
    }

    @Override
    public synchronized void beforeEach(ExtensionContext context) {
        namespace = TestStrata.newNamespace();
    }

    @Override
    public synchronized void afterEach(ExtensionContext context) {
        try {
            for (int i = started.size() - 1; i >= 0; i--) {
                started.get(i).close();
            }
        } finally {
            started.clear();
            TestStrata.dropNamespace(namespace);
            namespace = null;
        }
    }
}

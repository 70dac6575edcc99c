package dev.strata.migration;

import dev.strata.Strata;
import dev.strata.StrataConfig;
import dev.strata.testing.SharedPostgres;
import dev.strata.testing.TestStrata;

import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The Strata processes of one installation (one namespace), each started with the migrations a
 * deployment brings (only those: not the tests' default set), and the installation's migration
 * runs as journalled. Closing stops them all and drops the namespace. Thread-safe.
 */
final class Deployments implements AutoCloseable {
    private final Duration lease;
    private final List<Strata> started = new ArrayList<>();
    private final String namespace = TestStrata.newNamespace();

    Deployments(Duration lease) {
        this.lease = lease;
    }

    String namespace() {
        return namespace;
    }

    /** Starts a process of the installation with the given migration location (its start-up runs the fan-out). */
    Strata start(String location) {
        Strata strata = configure(location).start();
        synchronized (started) {
            started.add(strata);
        }
        return strata;
    }

    StrataConfig.Builder configure(String location) {
        return StrataConfig.builder().server(SharedPostgres.server()).namespace(namespace)
                .statsFlushInterval(Duration.ZERO).operationLease(lease).tenantMigrations(location);
    }

    /** The migration runs journalled: id, state, owner, attempts, progress, tenant. */
    List<String[]> runs() {
        try {
            return FanOutTopology.migrateOperations(namespace);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The one run journalled, {@code null} while there is none (or several). */
    String[] onlyRun() {
        List<String[]> runs = runs();
        return runs.size() == 1 ? runs.get(0) : null;
    }

    @Override
    public void close() {
        synchronized (started) {
            started.forEach(Strata::close);
        }
        TestStrata.dropNamespace(namespace);
    }
}

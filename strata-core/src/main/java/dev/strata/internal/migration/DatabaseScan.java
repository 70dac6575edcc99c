package dev.strata.internal.migration;

import dev.strata.ErrorCode;
import dev.strata.StrataException;
import dev.strata.internal.pool.TenantPools;
import dev.strata.internal.sql.DataPlane;
import dev.strata.internal.sql.Jdbc;
import dev.strata.internal.sql.PhysicalNames;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Reads every database holding targets, a few databases at a time, one administrator connection
 * each (within the connection budget): the templates first, then the registry's databases. For
 * status and validation; changes nothing. Thread-safe.
 */
final class DatabaseScan {
    /** What is read from one database (autocommit off; the scan rolls back). */
    @FunctionalInterface
    interface Reader<R> {
        R read(Connection admin, TargetDiscovery.DatabaseTargets database) throws SQLException;
    }

    /** What one database gave: a result, or why it could not be read. */
    record Scanned<R>(TargetDiscovery.DatabaseTargets database, R result, String error) {
    }

    private final DataSource management;
    private final Map<String, DataPlane> planes;
    private final PhysicalNames names;
    private final TenantPools pools;
    private final Duration connectionTimeout;
    private final int parallelism;

    DatabaseScan(DataSource management, Map<String, DataPlane> planes, PhysicalNames names, TenantPools pools,
                 Duration connectionTimeout, int parallelism) {
        this.management = management;
        this.planes = planes;
        this.names = names;
        this.pools = pools;
        this.connectionTimeout = connectionTimeout;
        this.parallelism = Math.max(1, parallelism);
    }

    /** The templates' results, then every registered database's, in name order; missing databases being created are left out. */
    <R> List<Scanned<R>> scan(Reader<R> reader) {
        return scan(reader, true);
    }

    /** {@link #scan(Reader)}, optionally without the templates. */
    <R> List<Scanned<R>> scan(Reader<R> reader, boolean templates) {
        List<Scanned<R>> out = new ArrayList<>();
        for (DataPlane plane : templates ? planes.values() : List.<DataPlane>of()) {
            AppSchema template = TargetDiscovery.template(plane.key(), names);
            TargetDiscovery.DatabaseTargets db = new TargetDiscovery.DatabaseTargets(plane.key(), template.database(), false,
                    List.of(new TargetDiscovery.Candidate(template, false)));
            try {
                out.add(new Scanned<>(db, TemplateAccess.with(plane, names, c -> {
                    c.setAutoCommit(false);
                    try {
                        return reader.read(c, db);
                    } finally {
                        c.rollback();
                    }
                }), null));
            } catch (SQLException | RuntimeException e) {
                out.add(new Scanned<>(db, null, FanOutRunner.message(e)));
            }
        }
        List<TargetDiscovery.DatabaseTargets> databases = Jdbc.withConnection(management, "find the migration targets",
                TargetDiscovery::discover);
        ExecutorService pool = Executors.newFixedThreadPool(Math.min(parallelism, Math.max(1, databases.size())), r -> {
            Thread t = new Thread(r, "strata-migrate-scan");
            t.setDaemon(true);
            return t;
        });
        try {
            List<Future<Scanned<R>>> futures = new ArrayList<>();
            for (TargetDiscovery.DatabaseTargets db : databases) {
                futures.add(pool.submit(() -> read(db, reader)));
            }
            for (Future<Scanned<R>> f : futures) {
                Scanned<R> scanned = f.get();
                if (scanned != null) {
                    out.add(scanned);
                }
            }
        } catch (ExecutionException e) {
            throw new StrataException(ErrorCode.INTERNAL, "Reading the migration targets failed: " + e.getCause(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StrataException(ErrorCode.INTERNAL, "Interrupted while reading the migration targets", e);
        } finally {
            pool.shutdownNow();
        }
        return out;
    }

    private <R> Scanned<R> read(TargetDiscovery.DatabaseTargets db, Reader<R> reader) {
        DataPlane plane = planes.get(db.dataPlane());
        if (plane == null) {
            return new Scanned<>(db, null, "data plane '" + db.dataPlane() + "' is not configured in this process");
        }
        try (AdminConnection c = AdminConnection.open(plane, db.database(), pools, connectionTimeout)) {
            try {
                return new Scanned<>(db, reader.read(c.connection(), db), null);
            } finally {
                c.connection().rollback();
            }
        } catch (SQLException | RuntimeException e) {
            if (db.mayBeMissing() && dev.strata.internal.sql.SqlStates.is(e, dev.strata.internal.sql.SqlStates.INVALID_CATALOG_NAME)) {
                return null;
            }
            return new Scanned<>(db, null, "cannot read database " + db.database() + ": " + FanOutRunner.message(e));
        }
    }
}

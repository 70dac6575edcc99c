package dev.strata.internal.analytics;

import dev.strata.Analytics;
import dev.strata.ErrorCode;
import dev.strata.StrataException;
import dev.strata.analytics.AnalyticsFailure;
import dev.strata.analytics.AnalyticsOptions;
import dev.strata.analytics.AnalyticsResult;
import dev.strata.analytics.AnalyticsRow;
import dev.strata.internal.StrataEngine;
import dev.strata.internal.pool.ConnectionBudget;
import dev.strata.internal.sql.DataPlane;
import dev.strata.internal.sql.Identifiers;
import dev.strata.internal.sql.PhysicalNames;
import dev.strata.internal.sql.SqlStates;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

/**
 * T0 analytics ({@link Analytics}): the query runs in every target in parallel, at most
 * {@code concurrency} at once, each on a connection of its own as the T0 reader, opened directly
 * to the server (never through a pooled endpoint) and holding a permit of the data plane's
 * connection budget while it is open. Each target's transaction is read-only and starts with the
 * T0 context (the operator's id, tier 0), {@code search_path} set to the target's schema and the
 * statement timeout, all transaction-local. Rows are handed to the consumer under one lock, so it
 * is called by one thread at a time. Thread-safe.
 */
public final class AllTenantsQuery implements Analytics {
    private static final Logger LOG = LoggerFactory.getLogger(AllTenantsQuery.class);
    private static final int FETCH_SIZE = 500;
    /** One login repair of the T0 reader at a time per data plane (keyed by plane key); never shrinks, one entry per plane. */
    private static final ConcurrentMap<String, Object> READER_LOGIN_REPAIRS =
            new ConcurrentHashMap<>();

    private final StrataEngine engine;

    public AllTenantsQuery(StrataEngine engine) {
        this.engine = engine;
    }

    @Override
    public AnalyticsResult queryAllTenants(String sql, AnalyticsOptions options, Consumer<AnalyticsRow> rows) {
        String query = ReadOnlyQuery.check(sql);
        if (options == null) {
            throw new StrataException(ErrorCode.INVALID_ARGUMENT, "Analytics options are required (AnalyticsOptions.defaults())");
        }
        if (rows == null) {
            throw new StrataException(ErrorCode.INVALID_ARGUMENT, "A row consumer is required");
        }
        long started = System.nanoTime();
        List<AnalyticsTarget> targets;
        UUID operator;
        try {
            targets = AnalyticsTargets.discover(engine.management());
            operator = operatorId();
        } catch (SQLException e) {
            throw SqlStates.isUnavailable(e) ? new StrataException(ErrorCode.DATABASE_UNAVAILABLE,
                    "The management database is unavailable: " + e.getMessage(), e)
                    : new StrataException(ErrorCode.DATABASE_ERROR, "Listing the analytics targets failed: " + e.getMessage(), e);
        }
        Map<UUID, String> slugs = new HashMap<>();
        targets.forEach(t -> t.tenants().forEach(m -> slugs.put(m.id(), m.slug())));
        Run run = new Run(query, options, rows, operator, Collections.unmodifiableMap(slugs));
        if (!targets.isEmpty()) {
            int threads = Math.min(options.concurrency(), targets.size());
            AtomicInteger n = new AtomicInteger();
            ExecutorService pool = Executors.newFixedThreadPool(threads, r -> {
                Thread t = new Thread(r, "strata-analytics-" + n.incrementAndGet());
                t.setDaemon(true);
                return t;
            });
            try {
                List<Future<?>> futures = new ArrayList<>();
                for (AnalyticsTarget target : targets) {
                    futures.add(pool.submit(() -> run.target(target)));
                }
                for (Future<?> f : futures) {
                    try {
                        f.get();
                    } catch (java.util.concurrent.ExecutionException e) {
                        run.stop(e.getCause());
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                run.stop(e);
            } finally {
                pool.shutdownNow();
            }
        }
        Throwable stopped = run.stopped.get();
        if (stopped instanceof RuntimeException re) {
            throw re;
        }
        if (stopped instanceof Error err) {
            throw err;
        }
        if (stopped != null) {
            throw new StrataException(ErrorCode.INTERNAL, "The analytics query stopped: " + stopped, stopped);
        }
        List<AnalyticsFailure> failures = new ArrayList<>(run.failures);
        failures.sort(java.util.Comparator.comparing(AnalyticsFailure::target));
        refuseWhatEveryTargetRefused(targets.size(), run.succeeded.get(), failures);
        return new AnalyticsResult(targets.size(), run.succeeded.get(), run.rowCount.get(), failures,
                Duration.ofNanos(System.nanoTime() - started));
    }

    /**
     * SQL that every target refused with the same error of the query's own making (a syntax error,
     * an undefined object everywhere, a write into a read-only transaction, a missing privilege) is
     * the caller's mistake, not a failure of targets: a clear error instead of a list of failures.
     */
    private static void refuseWhatEveryTargetRefused(int targets, int succeeded, List<AnalyticsFailure> failures) {
        if (targets == 0 || succeeded > 0 || failures.size() != targets) {
            return;
        }
        String code = failures.get(0).code();
        boolean same = failures.stream().allMatch(f -> f.code().equals(code));
        boolean callers = code.startsWith("42") || code.equals("25006") || code.startsWith("22");
        if (same && callers) {
            String what = code.equals("25006") || code.equals("42501")
                    ? "T0 analytics only read, and every tenant database refused this query: "
                    : "Every tenant database refused this query: ";
            throw new StrataException(ErrorCode.INVALID_ARGUMENT, what + failures.get(0).message() + " (SQLSTATE " + code + ")");
        }
    }

    private UUID operatorId() throws SQLException {
        try (Connection c = engine.management().getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT id FROM platform.tenants WHERE tier = 0")) {
            if (!rs.next()) {
                throw new StrataException(ErrorCode.INVALID_STATE, "The T0 operator is not registered; restart Strata");
            }
            return rs.getObject(1, UUID.class);
        }
    }

    /** One run: its inputs, counters and failures. */
    private final class Run {
        final String sql;
        final AnalyticsOptions options;
        final Consumer<AnalyticsRow> consumer;
        final UUID operator;
        final Map<UUID, String> slugs;
        final List<AnalyticsFailure> failures = Collections.synchronizedList(new ArrayList<>());
        final AtomicInteger succeeded = new AtomicInteger();
        final AtomicLong rowCount = new AtomicLong();
        final AtomicReference<Throwable> stopped = new AtomicReference<>();
        final Object deliver = new Object();

        Run(String sql, AnalyticsOptions options, Consumer<AnalyticsRow> consumer, UUID operator, Map<UUID, String> slugs) {
            this.sql = sql;
            this.options = options;
            this.consumer = consumer;
            this.operator = operator;
            this.slugs = slugs;
        }

        void stop(Throwable cause) {
            stopped.compareAndSet(null, cause);
        }

        void target(AnalyticsTarget target) {
            if (stopped.get() != null) {
                return;
            }
            DataPlane plane;
            try {
                plane = engine.plane(target.dataPlane());
            } catch (StrataException e) {
                fail(target, e.code().name(), e.getMessage());
                return;
            }
            ConnectionBudget budget = engine.pools().budget(plane.key());
            boolean permit = false;
            try {
                if (budget != null) {
                    permit = budget.acquire(engine.config().connectionTimeout().toNanos(),
                            () -> engine.pools().evictIdle(plane.key()));
                    if (!permit) {
                        fail(target, ErrorCode.CONNECTION_BUDGET_EXHAUSTED.name(), "No connection to " + target.database()
                                + " within " + engine.config().connectionTimeout().toMillis() + " ms: the connection budget "
                                + "of data plane '" + plane.key() + "' is exhausted");
                        return;
                    }
                }
                run(plane, target);
                succeeded.incrementAndGet();
            } catch (SQLException e) {
                String state = e.getSQLState() == null ? ErrorCode.DATABASE_ERROR.name() : e.getSQLState();
                if (SqlStates.isUnavailableAtConnect(e)) {
                    state = ErrorCode.DATABASE_UNAVAILABLE.name();
                }
                fail(target, state, SqlStates.rootMessage(e));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                stop(e);
            } catch (RuntimeException | Error e) {
                stop(e);
            } finally {
                if (permit) {
                    budget.release();
                }
            }
        }

        private void fail(AnalyticsTarget target, String code, String message) {
            LOG.debug("Analytics query failed in {}: {} ({})", target.name(), message, code);
            failures.add(new AnalyticsFailure(target.name(), target.slugs(), code, message));
        }

        private void run(DataPlane plane, AnalyticsTarget target) throws SQLException {
            PhysicalNames names = engine.names();
            String password = T0Reader.password(plane, engine.planeRegistry().defaultPlane(), names);
            Connection opened;
            try {
                opened = plane.open(target.database(), names.t0ReaderRole(), password, "strata-analytics");
            } catch (SQLException e) {
                if (!plane.routedPerDatabase() || !SqlStates.isAuthenticationFailure(e)) {
                    throw e;
                }
                opened = openAfterGivingTheReaderItsLogin(plane, target, names, password);
            }
            try (Connection c = opened) {
                try (Statement s = c.createStatement()) {
                    s.execute("SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY");
                }
                c.setAutoCommit(false);
                try (Statement s = c.createStatement()) {
                    s.execute("SET TRANSACTION READ ONLY");
                }
                try (PreparedStatement ps = c.prepareStatement("SELECT set_config('app.tenant_id', ?, true), "
                        + "set_config('app.tenant_tier', '0', true), set_config('search_path', ?, true), "
                        + "set_config('statement_timeout', ?, true)")) {
                    ps.setString(1, operator.toString());
                    ps.setString(2, Identifiers.quote(target.schema()) + ", " + PhysicalNames.PLATFORM_SCHEMA);
                    ps.setString(3, Long.toString(options.statementTimeout().toMillis()));
                    ps.executeQuery().close();
                }
                try (Statement s = c.createStatement()) {
                    s.setFetchSize(FETCH_SIZE);
                    try (ResultSet rs = s.executeQuery(sql)) {
                        stream(target, rs);
                    }
                } finally {
                    c.rollback();
                }
            }
        }

        /**
         * A Neon T1 set up before its T0 reader could log in: gives the reader its login, one target of a
         * plane at a time (the role is shared by the plane's databases; a target that finds it already
         * given just logs in).
         */
        private Connection openAfterGivingTheReaderItsLogin(DataPlane plane, AnalyticsTarget target, PhysicalNames names,
                String password) throws SQLException {
            synchronized (READER_LOGIN_REPAIRS.computeIfAbsent(plane.key(), k -> new Object())) {
                try {
                    return plane.open(target.database(), names.t0ReaderRole(), password, "strata-analytics");
                } catch (SQLException e) {
                    if (!SqlStates.isAuthenticationFailure(e)) {
                        throw e;
                    }
                }
                try (Connection owner = plane.openAdmin(target.database())) {
                    dev.strata.internal.neon.NeonStorage.ensureSharedRoles(owner, names, password);
                }
                return plane.open(target.database(), names.t0ReaderRole(), password, "strata-analytics");
            }
        }

        private void stream(AnalyticsTarget target, ResultSet rs) throws SQLException {
            ResultSetMetaData meta = rs.getMetaData();
            int n = meta.getColumnCount();
            List<String> columns = new ArrayList<>(n);
            int tenantColumn = -1;
            for (int i = 1; i <= n; i++) {
                String label = meta.getColumnLabel(i);
                columns.add(label);
                if (tenantColumn < 0 && "tenant_id".equals(label)) {
                    tenantColumn = i;
                }
            }
            List<String> fixedColumns = List.copyOf(columns);
            AnalyticsTarget.Member owner = target.owner();
            while (rs.next()) {
                if (stopped.get() != null) {
                    return;
                }
                List<Object> values = new ArrayList<>(n);
                for (int i = 1; i <= n; i++) {
                    values.add(value(rs, meta, i));
                }
                UUID tenant = owner == null ? null : owner.id();
                if (tenantColumn > 0) {
                    tenant = asUuid(values.get(tenantColumn - 1));
                }
                AnalyticsRow row = new AnalyticsRow(tenant, tenant == null ? null : slugs.get(tenant), target.name(),
                        fixedColumns, values);
                synchronized (deliver) {
                    if (stopped.get() != null) {
                        return;
                    }
                    try {
                        consumer.accept(row);
                    } catch (RuntimeException | Error e) {
                        stop(e);
                        return;
                    }
                    rowCount.incrementAndGet();
                }
            }
        }
    }

    private static UUID asUuid(Object value) {
        if (value instanceof UUID u) {
            return u;
        }
        if (value instanceof String s) {
            try {
                return UUID.fromString(s);
            } catch (IllegalArgumentException e) {
                return null;
            }
        }
        return null;
    }

    private static Object value(ResultSet rs, ResultSetMetaData meta, int i) throws SQLException {
        Object v = rs.getObject(i);
        if (v == null || v instanceof String || v instanceof Boolean || v instanceof Integer || v instanceof Long
                || v instanceof Short || v instanceof Double || v instanceof Float || v instanceof BigDecimal
                || v instanceof UUID) {
            return v;
        }
        return rs.getString(i);
    }
}

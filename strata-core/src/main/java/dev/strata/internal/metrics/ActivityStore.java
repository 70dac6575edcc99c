package dev.strata.internal.metrics;

import dev.strata.Activity;
import dev.strata.ErrorCode;
import dev.strata.StrataException;
import dev.strata.TenantActivity;
import dev.strata.Tier;
import dev.strata.internal.sql.Jdbc;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.sql.DataSource;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * Per-tenant activity in the management database ({@code platform.tenant_activity}): this
 * process's counters are added to the row of (current minute, tenant, this process) at every
 * flush; {@link #top} sums the rows of every process. Rows older than a week are removed.
 * Thread-safe; flushes are serialised.
 */
final class ActivityStore implements Activity {
    private static final Logger LOG = LoggerFactory.getLogger(ActivityStore.class);
    private static final long PURGE_EVERY_NANOS = Duration.ofHours(1).toNanos();

    private static final String UPSERT = """
            INSERT INTO platform.tenant_activity AS a
                   (tenant_id, period_start, instance_id, transactions, errors, throttled, total_micros, max_micros)
            VALUES (?, date_trunc('minute', now()), ?, ?, ?, ?, ?, ?)
            ON CONFLICT (period_start, tenant_id, instance_id) DO UPDATE SET
                   transactions = a.transactions + EXCLUDED.transactions,
                   errors = a.errors + EXCLUDED.errors,
                   throttled = a.throttled + EXCLUDED.throttled,
                   total_micros = a.total_micros + EXCLUDED.total_micros,
                   max_micros = GREATEST(a.max_micros, EXCLUDED.max_micros)""";

    private static final String TOP = """
            WITH w AS (SELECT date_trunc('minute', now() - make_interval(secs => ?)) AS since)
            SELECT a.tenant_id, t.slug, t.tier, sum(a.transactions)::bigint, sum(a.errors)::bigint,
                   sum(a.throttled)::bigint, sum(a.total_micros)::bigint, max(a.max_micros),
                   extract(epoch FROM now() - w.since)::float8
              FROM platform.tenant_activity a
              JOIN platform.tenants t ON t.id = a.tenant_id
              CROSS JOIN w
             WHERE a.period_start >= w.since
             GROUP BY a.tenant_id, t.slug, t.tier, w.since
             ORDER BY sum(a.transactions) DESC, sum(a.total_micros) DESC, t.slug
             LIMIT ?""";

    private final DataSource management;
    private final UUID instanceId;
    private final Supplier<Collection<TenantMeters>> meters;
    private long lastPurge = System.nanoTime() - PURGE_EVERY_NANOS;

    ActivityStore(DataSource management, UUID instanceId, Supplier<Collection<TenantMeters>> meters) {
        this.management = management;
        this.instanceId = instanceId;
        this.meters = meters;
    }

    @Override
    public synchronized void flush() {
        List<TenantMeters.Snapshot> drained = new ArrayList<>();
        List<TenantMeters> owners = new ArrayList<>();
        for (TenantMeters m : meters.get()) {
            TenantMeters.Snapshot s = m.drain();
            if (s != null) {
                drained.add(s);
                owners.add(m);
            }
        }
        boolean purge = System.nanoTime() - lastPurge > PURGE_EVERY_NANOS;
        if (drained.isEmpty() && !purge) {
            return;
        }
        try {
            Jdbc.useTransaction(management, "flush tenant activity", c -> {
                try (PreparedStatement ps = c.prepareStatement(UPSERT)) {
                    for (TenantMeters.Snapshot s : drained) {
                        ps.setObject(1, s.tenantId());
                        ps.setObject(2, instanceId);
                        ps.setLong(3, s.transactions());
                        ps.setLong(4, s.errors());
                        ps.setLong(5, s.throttled());
                        ps.setLong(6, s.totalMicros());
                        ps.setLong(7, s.maxMicros());
                        ps.addBatch();
                    }
                    ps.executeBatch();
                }
                if (purge) {
                    try (PreparedStatement ps = c.prepareStatement(
                            "DELETE FROM platform.tenant_activity WHERE period_start < now() - interval '7 days'")) {
                        ps.executeUpdate();
                    }
                }
            });
            if (purge) {
                lastPurge = System.nanoTime();
            }
        } catch (RuntimeException e) {
            for (int i = 0; i < drained.size(); i++) {
                owners.get(i).restore(drained.get(i));
            }
            throw e;
        }
    }

    /** {@link #flush()} for the scheduler: a failure is logged and the counters wait for the next one. */
    void flushQuietly() {
        try {
            flush();
        } catch (RuntimeException e) {
            LOG.warn("Could not flush tenant activity (kept for the next flush): {}", e.getMessage());
        }
    }

    @Override
    public List<TenantActivity> top(int limit, Duration window) {
        if (limit < 1 || limit > 1000) {
            throw new StrataException(ErrorCode.INVALID_ARGUMENT, "The limit must be 1-1000, was " + limit);
        }
        if (window == null || window.compareTo(Duration.ofMinutes(1)) < 0 || window.compareTo(Duration.ofDays(7)) > 0) {
            throw new StrataException(ErrorCode.INVALID_ARGUMENT,
                    "The window must be between one minute and seven days, was " + window);
        }
        flush();
        return Jdbc.withConnection(management, "read tenant activity", c -> {
            try (PreparedStatement ps = c.prepareStatement(TOP)) {
                ps.setDouble(1, window.toMillis() / 1000.0);
                ps.setInt(2, limit);
                List<TenantActivity> out = new ArrayList<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        long transactions = rs.getLong(4);
                        long totalMicros = rs.getLong(7);
                        double seconds = Math.max(1.0, rs.getDouble(9));
                        out.add(new TenantActivity(rs.getObject(1, UUID.class), rs.getString(2), Tier.ofLevel(rs.getInt(3)),
                                transactions, transactions / seconds, rs.getLong(5), rs.getLong(6),
                                Duration.ofNanos(transactions == 0 ? 0 : totalMicros * 1000 / transactions),
                                Duration.ofNanos(rs.getLong(8) * 1000)));
                    }
                }
                return out;
            }
        });
    }
}

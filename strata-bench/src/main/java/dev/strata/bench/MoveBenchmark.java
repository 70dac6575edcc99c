package dev.strata.bench;

import dev.strata.IsolationMode;
import dev.strata.MoveRequest;
import dev.strata.NewPlane;
import dev.strata.NewTenant;
import dev.strata.OperationInfo;
import dev.strata.OperationState;
import dev.strata.Placement;
import dev.strata.Strata;
import dev.strata.Tenant;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Benchmark 9, an online move across servers: a T1 with {@code rows} rows over the four tables of
 * {@code db/bench-shop}, in a shared RLS database of the first server next to a neighbour tenant,
 * moved to a database of its own on a second server (plane {@value #PLANE}) while a
 * {@link MoveWriter} issues {@code writesPerSecond} writes a second for it. Measured in the same
 * run: the same rows piped by hand between the same servers ({@link RawCopy}, binary twice and text
 * once: the fastest is the baseline of the initial copy's throughput); the write freeze (from the
 * operation's journal: the start of the freeze step that held to the end of the flip); the
 * writer's latencies during the move against those before it; every acknowledged write looked up
 * at the target (present exactly once, or lost); the move's time by step.
 */
final class MoveBenchmark {
    /** The second server's plane key. */
    static final String PLANE = "second";
    static final String MIGRATIONS = "classpath:db/bench-shop";
    private static final String SCHEMA_SCRIPT = "/db/bench-shop/V1__shop.sql";

    /**
     * What a run found, besides its figures.
     *
     * @param results         the report's rows
     * @param sourceRows      the tenant's rows at the source before the writer started
     * @param targetRows      the tenant's rows at the target after the writer stopped
     * @param acknowledged    writes acknowledged in all
     * @param lost            acknowledged writes missing at the target
     * @param duplicated      acknowledged writes present more than once at the target
     * @param phantom         writes that failed (nothing written, said Strata) but are present at the target
     * @param slotsLeft       logical replication slots of moves left on the source server
     * @param neighbourRows   the neighbour's rows at the source after the move (it must keep every one)
     * @param neighbourLoaded the neighbour's rows loaded
     * @param placement       the tenant's placement after the move
     */
    record Outcome(List<Result> results, long sourceRows, long targetRows, int acknowledged, int lost, int duplicated,
                   int phantom, int slotsLeft, long neighbourRows, long neighbourLoaded, Placement placement) {
    }

    private MoveBenchmark() {
    }

    /** The raw copies' fastest run, and the size of the binary stream (the format the move copies in between equal majors). */
    private record Baseline(RawCopy.Outcome fastest, long binaryBytes) {
    }

    static Outcome run(BenchServer first, BenchServer second, long rows, int writesPerSecond, Duration beforeAndAfter)
            throws Exception {
        String namespace = first.newNamespace("move");
        second.track(namespace);
        try (Strata strata = Strata.configure().server(first.server()).namespace(namespace)
                .statsFlushInterval(Duration.ZERO).tenantMigrations(MIGRATIONS).start()) {
            strata.planes().add(new NewPlane(PLANE, second.server(), null, null));
            Tenant mover = strata.tenants().create(NewTenant.t1("mover").withMode(IsolationMode.RLS));
            Tenant neighbour = strata.tenants().create(NewTenant.t1("neighbour").withMode(IsolationMode.RLS));
            Placement source = strata.tenants().get(mover.id()).placement();
            long neighbourLoaded;
            System.err.printf("    loading %,d rows for the moving tenant (and %,d for its neighbour) into %s%n", rows,
                    Math.max(10, rows / 10), source.database());
            try (Connection c = first.admin(source.database())) {
                MoveDataset.load(c, source.schema(), mover.id(), rows);
                neighbourLoaded = MoveDataset.load(c, source.schema(), neighbour.id(), Math.max(10, rows / 10))
                        .values().stream().mapToLong(Long::longValue).sum();
            }
            long sourceRows;
            try (Connection c = first.admin(source.database())) {
                sourceRows = rowsAt(c, source.schema(), mover.id());
            }
            Baseline baseline = rawCopies(first, second, namespace, source, mover.id(), sourceRows);

            System.err.printf("    moving it to plane %s under %d writes/s%n", PLANE, writesPerSecond);
            MoveWriter writer = MoveWriter.start(strata, mover.id(), writesPerSecond);
            OperationInfo move;
            long moveStarted;
            long moveEnded;
            try {
                Thread.sleep(beforeAndAfter.toMillis());
                moveStarted = System.nanoTime();
                move = strata.tenants().move(mover.slug(), MoveRequest.to(IsolationMode.DATABASE).withPlane(PLANE));
                moveEnded = System.nanoTime();
                Thread.sleep(beforeAndAfter.toMillis());
            } finally {
                writer.close();
            }
            if (move.state() != OperationState.SUCCEEDED) {
                throw new IllegalStateException("The move did not succeed: " + move.state() + " " + move.error());
            }
            if (!writer.unexpected().isEmpty()) {
                IllegalStateException e = new IllegalStateException("The writer failed unexpectedly");
                writer.unexpected().forEach(e::addSuppressed);
                throw e;
            }
            Placement target = strata.tenants().get(mover.id()).placement();
            List<MoveWriter.Ack> acks = writer.acks();
            Map<Integer, Integer> present;
            long targetRows;
            try (Connection c = second.admin(target.database())) {
                present = writesAt(c, target.schema(), mover.id());
                targetRows = rowsAt(c, target.schema(), mover.id());
            }
            long neighbourRows;
            try (Connection c = first.admin(source.database())) {
                neighbourRows = rowsAt(c, source.schema(), neighbour.id());
            }
            int slotsLeft = slotsLeft(first);

            int lost = 0;
            int duplicated = 0;
            java.util.Set<Integer> acked = new java.util.HashSet<>();
            for (MoveWriter.Ack a : acks) {
                acked.add(a.seq());
                int n = present.getOrDefault(a.seq(), 0);
                if (n == 0) {
                    lost++;
                } else if (n > 1) {
                    duplicated++;
                }
            }
            int phantom = (int) present.keySet().stream().filter(seq -> !acked.contains(seq)).count();
            // every write is either acknowledged or refused, and the writer stopped before the count
            long expectedTarget = sourceRows + acks.size();

            List<Result> results = new ArrayList<>();
            Map<String, Long> phases = phases(move);
            long copyNanos = phases.getOrDefault("initial_copy", 0L);
            double moveRowsPerSecond = sourceRows / (copyNanos / 1e9);
            RawCopy.Outcome raw = baseline.fastest();
            double rawRowsPerSecond = raw.rows() / raw.seconds();
            results.add(Result.atLeast("move_initial_copy_rows_per_s", moveRowsPerSecond, "rows/s", rawRowsPerSecond, 0.5));
            results.add(Result.atLeast("move_initial_copy_mb_per_s", baseline.binaryBytes() / (copyNanos / 1e9) / 1e6, "MB/s",
                    raw.bytes() / raw.seconds() / 1e6, 0.5));
            long totalNanos = moveEnded - moveStarted;
            long freezeNanos = freezeWindow(move);
            results.add(Result.valueAtMost("move_write_freeze_window", freezeNanos / 1e6, "ms", totalNanos / 1e6, 1000));
            Latencies before = new Latencies();
            Latencies during = new Latencies();
            // a refused write waited too (up to the freeze wait): it counts with the time its refusal took
            List<MoveWriter.Ack> answered = new ArrayList<>(acks);
            answered.addAll(writer.refusals());
            for (MoveWriter.Ack a : answered) {
                if (a.issuedNanos() < moveStarted) {
                    before.add(a.latencyNanos());
                } else if (a.issuedNanos() <= moveEnded) {
                    during.add(a.latencyNanos());
                }
            }
            results.add(Result.reported("move_writer_latency_p50", during.percentileMillis(50), "ms", before.percentileMillis(50)));
            results.add(Result.reported("move_writer_latency_p99", during.percentileMillis(99), "ms", before.percentileMillis(99)));
            results.add(Result.reported("move_writer_latency_max", during.percentileMillis(100), "ms", before.percentileMillis(100)));
            results.add(Result.valueAtMost("move_lost_writes", lost + duplicated, "writes", acks.size(), 0));
            int refused = writer.errors().values().stream().mapToInt(Integer::intValue).sum();
            results.add(Result.reported("move_target_rows", targetRows, "rows", expectedTarget));
            results.add(Result.reported("move_refused_writes", refused, "writes", writer.issued()));
            results.add(Result.reported("move_total_time", totalNanos / 1e6, "ms", raw.nanos() / 1e6));
            phases.forEach((step, nanos) -> results.add(Result.reported("move_phase_" + step, nanos / 1e6, "ms",
                    totalNanos / 1e6)));
            if (targetRows != expectedTarget) {
                System.err.printf("    the target holds %,d rows of the tenant, %,d expected%n", targetRows, expectedTarget);
            }
            System.err.printf("    writes: %d issued, %d acknowledged, refused %s; lost %d, duplicated %d, phantom %d%n",
                    writer.issued(), acks.size(), writer.errors(), lost, duplicated, phantom);
            return new Outcome(results, sourceRows, targetRows, acks.size(), lost, duplicated, phantom, slotsLeft,
                    neighbourRows, neighbourLoaded, target);
        }
    }

    /**
     * The baseline: the tenant's rows piped by hand into a scratch database of the second server
     * with the same tables: binary (which also warms both servers' caches), text, binary again;
     * the fastest copy.
     */
    private static Baseline rawCopies(BenchServer first, BenchServer second, String namespace, Placement source,
                                             UUID tenant, long rows) throws Exception {
        String scratch = namespace + "_rawcopy";
        try (Connection c = second.admin(second.server().database()); Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE \"" + scratch + "\"");
        }
        try (Connection src = first.admin(source.database()); Connection dst = second.admin(scratch)) {
            try (Statement s = dst.createStatement()) {
                s.execute(schemaScript());
            }
            RawCopy.Outcome warm = RawCopy.copy(src, source.schema(), dst, MoveDataset.TABLES, tenant, true);
            RawCopy.Outcome text = RawCopy.copy(src, source.schema(), dst, MoveDataset.TABLES, tenant, false);
            RawCopy.Outcome binary = RawCopy.copy(src, source.schema(), dst, MoveDataset.TABLES, tenant, true);
            for (RawCopy.Outcome o : List.of(warm, text, binary)) {
                if (o.rows() != rows) {
                    throw new IllegalStateException("The raw copy moved " + o.rows() + " rows, not " + rows);
                }
            }
            System.err.printf("    raw COPY pipe: text %.0f ms (%.1f MB), binary %.0f ms (%.1f MB); warm-up %.0f ms%n",
                    text.nanos() / 1e6, text.bytes() / 1e6, binary.nanos() / 1e6, binary.bytes() / 1e6, warm.nanos() / 1e6);
            // the most demanding baseline: the fastest of the three
            RawCopy.Outcome fastest = warm;
            for (RawCopy.Outcome o : List.of(text, binary)) {
                if (o.nanos() < fastest.nanos()) {
                    fastest = o;
                }
            }
            return new Baseline(fastest, binary.bytes());
        } finally {
            try (Connection c = second.admin(second.server().database()); Statement s = c.createStatement()) {
                s.execute("DROP DATABASE IF EXISTS \"" + scratch + "\" WITH (FORCE)");
            }
        }
    }

    private static String schemaScript() throws IOException {
        try (InputStream in = MoveBenchmark.class.getResourceAsStream(SCHEMA_SCRIPT)) {
            if (in == null) {
                throw new IOException("missing resource " + SCHEMA_SCRIPT);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    /** Nanoseconds by step name (the runs of a step retried summed), in the order the steps first ran. */
    static Map<String, Long> phases(OperationInfo move) {
        Map<String, Long> out = new LinkedHashMap<>();
        for (OperationInfo.Step step : move.steps()) {
            if (step.finishedAt() != null) {
                out.merge(step.name(), Duration.between(step.startedAt(), step.finishedAt()).toNanos(), Long::sum);
            }
        }
        return out;
    }

    /** From the start of the last freeze step (the one that held) to the end of the flip. */
    static long freezeWindow(OperationInfo move) {
        Instant frozen = null;
        Instant flipped = null;
        for (OperationInfo.Step step : move.steps()) {
            if (step.name().equals("freeze")) {
                frozen = step.startedAt();
            } else if (step.name().equals("flip")) {
                flipped = step.finishedAt();
            }
        }
        if (frozen == null || flipped == null) {
            throw new IllegalStateException("The move's journal has no freeze or no flip: " + move.steps());
        }
        return Duration.between(frozen, flipped).toNanos();
    }

    /** How many times each write's sequence number is present at the target. */
    private static Map<Integer, Integer> writesAt(Connection c, String schema, UUID tenant) throws SQLException {
        Map<Integer, Integer> out = new HashMap<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT (payload->>'seq')::int, count(*) FROM \"" + schema
                + "\".events WHERE tenant_id = ? AND kind = ? GROUP BY 1")) {
            ps.setObject(1, tenant);
            ps.setString(2, MoveWriter.KIND);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.put(rs.getInt(1), rs.getInt(2));
                }
            }
        }
        return out;
    }

    static long rowsAt(Connection c, String schema, UUID tenant) throws SQLException {
        long total = 0;
        for (String table : MoveDataset.TABLES) {
            try (PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM \"" + schema + "\"." + table
                    + " WHERE tenant_id = ?")) {
                ps.setObject(1, tenant);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    total += rs.getLong(1);
                }
            }
        }
        return total;
    }

    private static int slotsLeft(BenchServer server) throws SQLException {
        try (Connection c = server.admin(server.server().database()); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT count(*) FROM pg_replication_slots WHERE slot_name LIKE 'strata\\_mv\\_%'")) {
            rs.next();
            return rs.getInt(1);
        }
    }
}

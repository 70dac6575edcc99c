package dev.strata.bench;

import dev.strata.IsolationMode;
import dev.strata.testing.SecondPostgres;
import dev.strata.testing.SharedPostgres;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Benchmark 9's code path end to end on a small tenant (2,000 rows) between the test JVM's two
 * embedded servers: the invariants the benchmark reports, never its timings.
 */
class MoveBenchmarkTest {
    @Test
    void the_move_benchmark_keeps_every_acknowledged_write_exactly_once_at_the_target() throws Exception {
        MoveBenchmark.Outcome outcome;
        try (BenchServer first = BenchServer.of(SharedPostgres.server());
             BenchServer second = BenchServer.of(SecondPostgres.server())) {
            outcome = MoveBenchmark.run(first, second, 2_000, 100, Duration.ofMillis(500));
        }
        assertThat(outcome.placement().dataPlane()).isEqualTo(MoveBenchmark.PLANE);
        assertThat(outcome.placement().mode()).isEqualTo(IsolationMode.DATABASE);
        assertThat(outcome.sourceRows()).as("rows loaded at the source").isEqualTo(2_000);
        assertThat(outcome.acknowledged()).as("the writer wrote during the run").isPositive();
        assertThat(outcome.lost()).as("acknowledged writes missing at the target").isZero();
        assertThat(outcome.duplicated()).as("acknowledged writes present twice").isZero();
        assertThat(outcome.phantom()).as("refused writes present at the target").isZero();
        assertThat(outcome.targetRows()).as("the target holds the source's rows and every acknowledged write")
                .isEqualTo(outcome.sourceRows() + outcome.acknowledged());
        assertThat(outcome.neighbourRows()).as("the neighbour keeps its rows at the source")
                .isEqualTo(outcome.neighbourLoaded());
        assertThat(outcome.slotsLeft()).as("replication slots left on the source server").isZero();

        Map<String, Result> results = outcome.results().stream()
                .collect(Collectors.toMap(Result::name, Function.identity()));
        assertThat(results).containsKeys("move_initial_copy_rows_per_s", "move_initial_copy_mb_per_s",
                "move_write_freeze_window", "move_writer_latency_p50", "move_writer_latency_p99",
                "move_writer_latency_max", "move_lost_writes", "move_total_time", "move_phase_initial_copy",
                "move_phase_freeze", "move_phase_flip");
        assertThat(results.get("move_lost_writes").value()).isZero();
        assertThat(results.get("move_lost_writes").met()).isTrue();
        assertThat(results.get("move_initial_copy_rows_per_s").baseline()).as("the raw COPY baseline ran").isPositive();
    }
}

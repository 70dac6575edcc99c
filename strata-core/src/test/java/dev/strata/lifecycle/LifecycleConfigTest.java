package dev.strata.lifecycle;

import dev.strata.ErrorCode;
import dev.strata.PostgresServer;
import dev.strata.StrataConfig;
import dev.strata.StrataException;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The lease and drain settings are validated when the configuration is built. */
class LifecycleConfigTest {
    private static StrataConfig.Builder builder() {
        return StrataConfig.builder().server(PostgresServer.parse("postgresql://admin:secret@localhost:5432/postgres"));
    }

    @Test
    void defaults_are_a_thirty_second_lease_and_a_five_second_drain() {
        StrataConfig config = builder().build();
        assertThat(config.operationLease()).isEqualTo(Duration.ofSeconds(30));
        assertThat(config.decommissionDrainTimeout()).isEqualTo(Duration.ofSeconds(5));
    }

    @Test
    void a_lease_shorter_than_200_ms_or_missing_is_refused() {
        for (Duration bad : new Duration[] {null, Duration.ZERO, Duration.ofMillis(199), Duration.ofSeconds(-1)}) {
            assertThatThrownBy(() -> builder().operationLease(bad).build())
                    .isInstanceOf(StrataException.class).hasMessageContaining("operationLease")
                    .extracting("code").isEqualTo(ErrorCode.INVALID_CONFIGURATION);
        }
        assertThat(builder().operationLease(Duration.ofMillis(200)).build().operationLease()).isEqualTo(Duration.ofMillis(200));
    }

    @Test
    void a_negative_or_missing_drain_timeout_is_refused_and_zero_means_end_blockers_at_once() {
        for (Duration bad : new Duration[] {null, Duration.ofMillis(-1)}) {
            assertThatThrownBy(() -> builder().decommissionDrainTimeout(bad).build())
                    .isInstanceOf(StrataException.class).hasMessageContaining("decommissionDrainTimeout")
                    .extracting("code").isEqualTo(ErrorCode.INVALID_CONFIGURATION);
        }
        assertThat(builder().decommissionDrainTimeout(Duration.ZERO).build().decommissionDrainTimeout()).isZero();
    }
}

package dev.strata.provisioning;

import dev.strata.ErrorCode;
import dev.strata.IsolationMode;
import dev.strata.NewTenant;
import dev.strata.Strata;
import dev.strata.StrataException;
import dev.strata.testing.ServerSnapshot;
import dev.strata.testing.TestStrata;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Catalog growth is watched: tenant schemas per database warn above a threshold and stop at a limit. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SchemaLimitTest {
    private Strata strata;

    @BeforeAll
    void start() {
        strata = TestStrata.start(b -> b.schemaLimits(1, 2));
        strata.tenants().create(NewTenant.t1("host"));
    }

    @AfterAll
    void stop() {
        TestStrata.stopAndDrop(strata);
    }

    @Test
    void schemas_warn_above_the_threshold_and_are_refused_beyond_the_limit_with_a_way_out() {
        strata.tenants().create(NewTenant.t2("s1", "host").withMode(IsolationMode.SCHEMA));
        assertThat(strata.tenants().history("s1")).extracting(e -> e.action()).doesNotContain("schema_limit_warning");

        strata.tenants().create(NewTenant.t2("s2", "host").withMode(IsolationMode.SCHEMA));
        assertThat(strata.tenants().history("s2")).extracting(e -> e.action()).contains("schema_limit_warning");

        ServerSnapshot before = ServerSnapshot.of(strata);
        assertThatThrownBy(() -> strata.tenants().create(NewTenant.t2("s3", "host").withMode(IsolationMode.SCHEMA)))
                .isInstanceOf(StrataException.class)
                .hasMessageContaining("limit (2)").hasMessageContaining("'rls'").hasMessageContaining("'database'")
                .extracting("code").isEqualTo(ErrorCode.SCHEMA_LIMIT_REACHED);
        assertThat(ServerSnapshot.of(strata)).as("nothing written").isEqualTo(before);

        assertThat(strata.tenants().create(NewTenant.t2("s3", "host").withMode(IsolationMode.RLS)).mode())
                .as("the suggested mode works").isEqualTo(IsolationMode.RLS);
    }

    @Test
    void a_decommissioned_schema_tenant_frees_its_place() {
        Strata other = TestStrata.start(b -> b.schemaLimits(1, 1));
        try {
            other.tenants().create(NewTenant.t1("solo"));
            other.tenants().create(NewTenant.t2("first", "solo").withMode(IsolationMode.SCHEMA));
            other.tenants().decommission("first", false);
            assertThat(other.tenants().create(NewTenant.t2("second", "solo").withMode(IsolationMode.SCHEMA)).mode())
                    .isEqualTo(IsolationMode.SCHEMA);
        } finally {
            TestStrata.stopAndDrop(other);
        }
    }
}

package dev.strata.registry;

import dev.strata.ErrorCode;
import dev.strata.IsolationMode;
import dev.strata.NewTenant;
import dev.strata.Strata;
import dev.strata.StrataException;
import dev.strata.Tenant;
import dev.strata.TenantStatus;
import dev.strata.Tier;
import dev.strata.testing.Documents;
import dev.strata.testing.ServerSnapshot;
import dev.strata.testing.TestStrata;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The T0 → T1 → T2 hierarchy, slug rules and status rules; every refusal writes nothing. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HierarchyRulesTest {
    private Strata strata;
    private Tenant alpha;
    private Tenant a1;

    @BeforeAll
    void start() {
        strata = TestStrata.start();
        alpha = strata.tenants().create(NewTenant.t1("alpha").withDisplayName("Alpha Partners"));
        a1 = strata.tenants().create(NewTenant.t2("a1", "alpha"));
    }

    @AfterAll
    void stop() {
        TestStrata.stopAndDrop(strata);
    }

    @Test
    void there_is_exactly_one_t0_and_it_is_the_parent_of_every_t1() {
        Tenant t0 = strata.tenants().operator();
        assertThat(t0.tier()).isEqualTo(Tier.T0);
        assertThat(t0.parentId()).isNull();
        assertThat(t0.placement()).as("the operator holds no tenant data").isNull();
        assertThat(strata.tenants().list()).filteredOn(t -> t.tier() == Tier.T0).hasSize(1);
        assertThat(alpha.parentId()).isEqualTo(t0.id());
        assertThat(a1.parentId()).isEqualTo(alpha.id());
        assertThat(alpha.displayName()).isEqualTo("Alpha Partners");
        assertThat(a1.displayName()).as("defaults to the slug").isEqualTo("a1");
    }

    @Test
    void a_second_t0_is_refused() {
        refused(ErrorCode.INVALID_HIERARCHY, () -> strata.tenants().create(new NewTenant(Tier.T0, "op2", null, null, null, null, null)));
    }

    @Test
    void a_t2_under_a_t2_is_refused() {
        refused(ErrorCode.INVALID_HIERARCHY, () -> strata.tenants().create(NewTenant.t2("a1-child", "a1")), "is a T2");
    }

    @Test
    void a_t2_without_a_parent_is_refused() {
        refused(ErrorCode.INVALID_HIERARCHY, () -> strata.tenants().create(NewTenant.t2("orphan", null)), "needs a parent");
    }

    @Test
    void a_t2_directly_under_the_t0_is_refused() {
        refused(ErrorCode.INVALID_HIERARCHY, () -> strata.tenants().create(NewTenant.t2("flat", "operator")));
    }

    @Test
    void a_t1_under_a_t1_is_refused() {
        refused(ErrorCode.INVALID_HIERARCHY, () -> strata.tenants().create(NewTenant.t1("nested").withParent("alpha")));
    }

    @Test
    void a_parent_that_does_not_exist_is_refused() {
        refused(ErrorCode.TENANT_NOT_FOUND, () -> strata.tenants().create(NewTenant.t2("lost", "no-such-parent")), "no-such-parent");
        refused(ErrorCode.TENANT_NOT_FOUND, () -> strata.tenants().create(NewTenant.t2("lost", UUID.randomUUID().toString())));
    }

    @Test
    void a_duplicate_slug_is_refused_across_tiers() {
        refused(ErrorCode.DUPLICATE_SLUG, () -> strata.tenants().create(NewTenant.t1("alpha")), "alpha");
        refused(ErrorCode.DUPLICATE_SLUG, () -> strata.tenants().create(NewTenant.t2("alpha", "alpha")));
        refused(ErrorCode.DUPLICATE_SLUG, () -> strata.tenants().create(NewTenant.t1("a1").withMode(IsolationMode.RLS)));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "a", "Alpha", "1alpha", "-alpha", "al_pha", "al pha", "alpha!", "ąlpha",
            "a234567890123456789012345678901234567890123456789012345678901234"})
    void a_malformed_slug_is_refused(String slug) {
        refused(ErrorCode.INVALID_SLUG, () -> strata.tenants().create(NewTenant.t1(slug)));
    }

    @Test
    void a_malformed_key_is_refused_and_an_unknown_one_is_not_found() {
        assertThatThrownBy(() -> strata.tenants().get("not a slug!"))
                .isInstanceOf(StrataException.class).extracting("code").isEqualTo(ErrorCode.INVALID_ARGUMENT);
        assertThatThrownBy(() -> strata.tenants().get("nobody"))
                .isInstanceOf(StrataException.class).extracting("code").isEqualTo(ErrorCode.TENANT_NOT_FOUND);
        assertThatThrownBy(() -> strata.tenants().get(UUID.randomUUID()))
                .isInstanceOf(StrataException.class).extracting("code").isEqualTo(ErrorCode.TENANT_NOT_FOUND);
        assertThatThrownBy(() -> strata.inTenant(UUID.randomUUID(), scope -> 1))
                .isInstanceOf(StrataException.class).extracting("code").isEqualTo(ErrorCode.TENANT_NOT_FOUND);
        assertThatThrownBy(() -> strata.inTenant(null, scope -> 1))
                .isInstanceOf(StrataException.class).extracting("code").isEqualTo(ErrorCode.INVALID_ARGUMENT);
    }

    @Test
    void tenants_are_found_by_id_or_slug() {
        assertThat(strata.tenants().get("a1").id()).isEqualTo(a1.id());
        assertThat(strata.tenants().get(a1.id().toString()).slug()).isEqualTo("a1");
        assertThat(strata.tenants().get(a1.id())).isEqualTo(strata.tenants().get("a1"));
    }

    @Test
    void the_operator_holds_no_data_to_work_on() {
        assertThatThrownBy(() -> strata.inTenant(strata.tenants().operator().id(), scope -> 1))
                .isInstanceOf(StrataException.class).extracting("code").isEqualTo(ErrorCode.INVALID_HIERARCHY);
    }

    @Test
    void a_suspended_tenant_cannot_work_and_neither_can_the_t2s_of_a_suspended_t1() throws Exception {
        Tenant beta = strata.tenants().create(NewTenant.t1("beta"));
        Tenant b1 = strata.tenants().create(NewTenant.t2("b1", "beta"));
        Documents.insert(strata, b1.id(), "before");
        assertThat(strata.tenants().suspend("b1").status()).isEqualTo(TenantStatus.SUSPENDED);
        assertThatThrownBy(() -> Documents.visible(strata, b1.id()))
                .isInstanceOf(StrataException.class).hasMessageContaining("suspended")
                .extracting("code").isEqualTo(ErrorCode.TENANT_SUSPENDED);
        assertThat(strata.tenants().suspend("b1").status()).as("suspending twice is harmless").isEqualTo(TenantStatus.SUSPENDED);
        strata.tenants().resume("b1");
        assertThat(Documents.visible(strata, b1.id())).hasSize(1);

        strata.tenants().suspend("beta");
        assertThatThrownBy(() -> Documents.visible(strata, b1.id()))
                .isInstanceOf(StrataException.class).hasMessageContaining("beta")
                .extracting("code").isEqualTo(ErrorCode.TENANT_SUSPENDED);
        refused(ErrorCode.TENANT_SUSPENDED, () -> strata.tenants().create(NewTenant.t2("b2", "beta")), "suspended");
        strata.tenants().resume("beta");
        assertThat(Documents.visible(strata, b1.id())).hasSize(1);
        assertThat(strata.tenants().history("b1")).extracting(e -> e.action())
                .containsSubsequence("created", "suspended", "resumed");
    }

    @Test
    void the_operator_cannot_be_suspended_or_decommissioned() {
        refused(ErrorCode.INVALID_HIERARCHY, () -> strata.tenants().suspend("operator"));
        refused(ErrorCode.INVALID_HIERARCHY, () -> strata.tenants().decommission("operator", true));
    }

    @Test
    void bad_display_names_and_regions_are_refused() {
        refused(ErrorCode.INVALID_ARGUMENT, () -> strata.tenants().create(NewTenant.t1("gamma").withDisplayName("x".repeat(201))));
        refused(ErrorCode.INVALID_ARGUMENT, () -> strata.tenants().create(NewTenant.t1("gamma").withDisplayName("line\nbreak")));
        refused(ErrorCode.INVALID_ARGUMENT, () -> strata.tenants().create(NewTenant.t1("gamma").withRegion("eu west")));
    }

    private void refused(ErrorCode code, ThrowingCallable call, String... messageParts) {
        ServerSnapshot before = ServerSnapshot.of(strata);
        var thrown = assertThatThrownBy(call).isInstanceOf(StrataException.class);
        thrown.extracting("code").isEqualTo(code);
        for (String part : messageParts) {
            thrown.hasMessageContaining(part);
        }
        assertThat(ServerSnapshot.of(strata)).as("nothing written").isEqualTo(before);
    }
}

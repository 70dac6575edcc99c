package dev.strata.operation;

import dev.strata.ErrorCode;
import dev.strata.NewTenant;
import dev.strata.OperationFilter;
import dev.strata.OperationInfo;
import dev.strata.OperationKind;
import dev.strata.OperationState;
import dev.strata.Strata;
import dev.strata.StrataException;
import dev.strata.Tenant;
import dev.strata.testing.TestStrata;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.util.List;
import java.util.UUID;

import static dev.strata.operation.OperationFixture.assertCode;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Listing and showing operations through the library: filters, order, limit, the journalled steps and progress, bad input. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OperationsListingTest {
    private Strata strata;
    private Tenant partner;
    private Tenant customer;

    @BeforeAll
    void start() {
        strata = TestStrata.start();
        partner = strata.tenants().create(NewTenant.t1("listed"));
        customer = strata.tenants().create(NewTenant.t2("listed-kid", "listed"));
        strata.tenants().decommission("listed-kid", false);
    }

    @AfterAll
    void stop() {
        TestStrata.stopAndDrop(strata);
    }

    @Test
    void a_finished_provisioning_shows_its_steps_with_times_and_full_progress() {
        OperationInfo provision = strata.operations().list(OperationFilter.all().withTenant("listed")).get(0);
        OperationInfo shown = strata.operations().show(provision.id());
        assertThat(shown).isEqualTo(provision);
        assertThat(shown.kind()).isEqualTo(OperationKind.PROVISION);
        assertThat(shown.tenantId()).isEqualTo(partner.id());
        assertThat(shown.state()).isEqualTo(OperationState.SUCCEEDED);
        assertThat(shown.steps()).extracting(OperationInfo.Step::name).containsExactly("database", "register_locally");
        assertThat(shown.steps()).allSatisfy(s -> {
            assertThat(s.startedAt()).isNotNull();
            assertThat(s.finishedAt()).isNotNull().isAfterOrEqualTo(s.startedAt());
        });
        assertThat(shown.phase()).isEqualTo("register_locally");
        assertThat(shown.done()).isEqualTo(2);
        assertThat(shown.total()).isEqualTo(2);
        assertThat(shown.error()).isNull();
        assertThat(shown.owner()).isEqualTo(strata.internals().operations().journal().owner());
        assertThat(shown.leaseExpiresAt()).as("a finished operation holds no lease").isNull();
        assertThat(shown.startedAt()).isNotNull();
        assertThat(shown.finishedAt()).isAfterOrEqualTo(shown.startedAt());
        assertThat(shown.attempts()).isEqualTo(1);
    }

    @Test
    void filters_by_tenant_kind_and_state_newest_first_within_the_limit() {
        List<OperationInfo> ofCustomer = strata.operations().list(OperationFilter.all().withTenant(customer.id().toString()));
        assertThat(ofCustomer).extracting(OperationInfo::kind).containsExactly(OperationKind.DECOMMISSION, OperationKind.PROVISION);
        assertThat(strata.operations().list(OperationFilter.all().withTenant("listed-kid")))
                .as("a decommissioned tenant is found by its slug while no live tenant has it").isEqualTo(ofCustomer);
        assertThat(strata.operations().list(OperationFilter.all().withKind(OperationKind.DECOMMISSION)))
                .extracting(OperationInfo::tenantId).containsExactly(customer.id());
        assertThat(strata.operations().list(OperationFilter.all().withState(OperationState.SUCCEEDED))).hasSize(3);
        assertThat(strata.operations().list(OperationFilter.all().withState(OperationState.RUNNING))).isEmpty();
        assertThat(strata.operations().list(OperationFilter.all().withKind(OperationKind.IMPORT))).isEmpty();
        List<OperationInfo> newest = strata.operations().list(OperationFilter.all().withLimit(1));
        assertThat(newest).extracting(OperationInfo::kind).containsExactly(OperationKind.DECOMMISSION);
        assertThat(strata.operations().list()).hasSize(3);
    }

    @Test
    void bad_filters_and_unknown_ids_are_refused_with_specific_codes() {
        assertCode(() -> strata.operations().list(OperationFilter.all().withTenant("nobody")), ErrorCode.TENANT_NOT_FOUND);
        assertCode(() -> strata.operations().list(OperationFilter.all().withTenant(UUID.randomUUID().toString())),
                ErrorCode.TENANT_NOT_FOUND);
        assertCode(() -> strata.operations().list(OperationFilter.all().withTenant("Robert'); DROP TABLE--")),
                ErrorCode.INVALID_ARGUMENT);
        assertCode(() -> strata.operations().list(OperationFilter.all().withTenant(" ")), ErrorCode.INVALID_ARGUMENT);
        assertCode(() -> OperationFilter.all().withLimit(0), ErrorCode.INVALID_ARGUMENT);
        assertCode(() -> OperationFilter.all().withLimit(OperationFilter.MAX_LIMIT + 1), ErrorCode.INVALID_ARGUMENT);
        assertCode(() -> OperationKind.parse("Provision"), ErrorCode.INVALID_ARGUMENT);
        assertCode(() -> OperationState.parse("done"), ErrorCode.INVALID_ARGUMENT);
        UUID unknown = UUID.randomUUID();
        for (ThrowingCall call : List.<ThrowingCall>of(() -> strata.operations().show(unknown),
                () -> strata.operations().resume(unknown), () -> strata.operations().abort(unknown))) {
            assertThatThrownBy(call::run).isInstanceOf(StrataException.class)
                    .hasFieldOrPropertyWithValue("code", ErrorCode.OPERATION_NOT_FOUND).hasMessageContaining(unknown.toString());
        }
        assertCode(() -> strata.operations().show(null), ErrorCode.INVALID_ARGUMENT);
        assertThat(ErrorCode.OPERATION_NOT_FOUND.httpStatus()).isEqualTo(404);
        assertThat(ErrorCode.OPERATION_NOT_FOUND.exitCode()).isEqualTo(3);
    }

    @Test
    void a_finished_operation_is_neither_resumed_nor_aborted_and_stays_as_it_was() {
        OperationInfo done = strata.operations().list(OperationFilter.all().withTenant("listed")).get(0);
        assertCode(() -> strata.operations().resume(done.id()), ErrorCode.INVALID_STATE);
        assertCode(() -> strata.operations().abort(done.id()), ErrorCode.INVALID_STATE);
        assertThat(strata.operations().show(done.id())).isEqualTo(done);
    }

    @FunctionalInterface
    private interface ThrowingCall {
        void run() throws Exception;
    }
}

package dev.strata.branch;

import dev.strata.DevBranch;
import dev.strata.ErrorCode;
import dev.strata.NewTenant;
import dev.strata.OperationFilter;
import dev.strata.OperationInfo;
import dev.strata.OperationKind;
import dev.strata.OperationState;
import dev.strata.Strata;
import dev.strata.StrataException;
import dev.strata.Tenant;
import dev.strata.TenantEvent;
import dev.strata.internal.branch.BranchStep;
import dev.strata.internal.neon.NeonBranch;
import dev.strata.internal.neon.NeonPlacement;
import dev.strata.internal.operation.StepHook;
import dev.strata.neonlocal.NeonLocal;
import dev.strata.neonlocal.testing.NeonLocalExtension;
import dev.strata.testing.NeonT1s;
import dev.strata.testing.TestStrataExtension;
import org.assertj.core.api.ThrowableAssert;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

import static dev.strata.testing.NeonT1s.count;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Dev and staging branches of T1s on Neon (the stand-in): each a child branch of the T1's
 * production branch with a role and connection string of its own, journalled, refused plainly
 * where they cannot be made. Every Neon call is checked against Neon's API definition.
 */
@ExtendWith(NeonLocalExtension.class)
class DevBranchesTest {
    @RegisterExtension
    static final TestStrataExtension FIXTURE = TestStrataExtension.configured(b -> b.automaticRecovery(false));
    private static NeonT1s neon;
    private static NeonLocal local;
    private final Strata strata = FIXTURE.strata();
    private int serial;

    @BeforeAll
    static void placeT1sOnNeon(NeonLocal local) {
        DevBranchesTest.local = local;
        neon = new NeonT1s(local).install(FIXTURE.strata());
    }

    @AfterEach
    void clearHook() {
        strata.internals().operations().leases().stepHook(StepHook.NONE);
    }

    private Tenant t1OnNeon(String prefix) throws SQLException {
        Tenant t1 = strata.tenants().create(NewTenant.t1(prefix + "-" + (++serial) + "-" + UUID.randomUUID().toString().substring(0, 4)));
        neon.onProject(t1);
        try (Connection c = neon.production(t1); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE items (id serial PRIMARY KEY, label text NOT NULL)");
            s.execute("INSERT INTO items (label) VALUES ('one'), ('two')");
        }
        return t1;
    }

    @Test
    void a_dev_branch_reads_production_as_of_its_creation_and_its_writes_stay_on_the_branch() throws Exception {
        Tenant t1 = t1OnNeon("acme");
        NeonPlacement production = neon.of(t1.id()).orElseThrow();

        DevBranch dev = strata.branches().create(t1.slug(), "dev", null);

        assertThat(dev.state()).isEqualTo("ready");
        assertThat(dev.connectionUri()).as("shown once, on create").isNotNull().contains(dev.roleName());
        assertThat(dev.toString()).doesNotContain(dev.connectionUri());
        NeonBranch onNeon = neon.api().listBranches(production.projectId()).stream()
                .filter(b -> b.id().equals(dev.neonBranchId())).findFirst().orElseThrow();
        assertThat(onNeon.parentId()).as("a child of the production branch").isEqualTo(production.branchId());
        try (Connection branch = NeonT1s.connect(dev.connectionUri()); Statement s = branch.createStatement()) {
            assertThat(branch.getMetaData().getUserName()).isEqualTo(dev.roleName());
            assertThat(count(branch, "items")).isEqualTo(2);
            s.execute("INSERT INTO items (label) VALUES ('only on dev')");
            assertThat(count(branch, "items")).isEqualTo(3);
        }
        try (Connection prod = neon.production(t1); Statement s = prod.createStatement()) {
            assertThat(count(prod, "items")).as("the branch's writes never reach production").isEqualTo(2);
            s.execute("INSERT INTO items (label) VALUES ('only on production')");
        }
        try (Connection branch = NeonT1s.connect(dev.connectionUri())) {
            assertThat(count(branch, "items")).as("production's later writes do not reach the branch").isEqualTo(3);
        }
        String productionWithDevRole = neon.api().connectionUri(production.projectId(), production.branchId(), NeonT1s.DATABASE,
                NeonT1s.OWNER, false).toString().replaceFirst("//[^@]+@", "//" + dev.roleName() + ":"
                + java.net.URI.create(dev.connectionUri()).getRawUserInfo().split(":", 2)[1] + "@");
        assertThatThrownBy(() -> NeonT1s.connect(productionWithDevRole).close())
                .as("the branch's role does not exist on production").isInstanceOf(SQLException.class);

        assertThat(strata.branches().list(t1.id().toString())).singleElement().satisfies(b -> {
            assertThat(b.name()).isEqualTo("dev");
            assertThat(b.state()).isEqualTo("ready");
            assertThat(b.connectionUri()).as("never listed").isNull();
            assertThat(b.neonBranchId()).isEqualTo(dev.neonBranchId());
        });
        List<OperationInfo> ops = strata.operations().list(OperationFilter.all().withTenant(t1.slug())
                .withKind(OperationKind.DEV_BRANCH));
        assertThat(ops).singleElement().satisfies(op -> {
            assertThat(op.state()).isEqualTo(OperationState.SUCCEEDED);
            assertThat(op.steps()).extracting(OperationInfo.Step::name)
                    .contains("create_branch", "record_branch", "create_role", "grant_access");
        });

        strata.branches().delete(t1.slug(), "dev");

        assertThat(strata.branches().list(t1.slug())).isEmpty();
        assertThat(neon.api().listBranches(production.projectId())).extracting(NeonBranch::id).doesNotContain(dev.neonBranchId());
        assertCode(() -> strata.branches().delete(t1.slug(), "dev"), ErrorCode.BRANCH_NOT_FOUND);
        assertThat(strata.tenants().history(t1.slug())).extracting(TenantEvent::action)
                .contains("branch_created", "branch_deleted");
    }

    @Test
    void a_branch_from_a_timestamp_holds_production_as_it_was_then() throws Exception {
        Tenant t1 = t1OnNeon("past");
        neon.takeHistoryPoint(t1);
        Instant before = Instant.now();
        Thread.sleep(1100);
        try (Connection prod = neon.production(t1); Statement s = prod.createStatement()) {
            s.execute("INSERT INTO items (label) VALUES ('later')");
            assertThat(count(prod, "items")).isEqualTo(3);
        }

        DevBranch staging = strata.branches().create(t1.slug(), "staging", before);

        assertThat(staging.fromTimestamp()).isEqualTo(before.truncatedTo(java.time.temporal.ChronoUnit.MICROS));
        try (Connection branch = NeonT1s.connect(staging.connectionUri())) {
            assertThat(count(branch, "items")).as("the rows production had at the timestamp").isEqualTo(2);
        }
        assertThat(strata.branches().list(t1.slug())).extracting(DevBranch::fromTimestamp)
                .containsExactly(before.truncatedTo(java.time.temporal.ChronoUnit.MICROS));
    }

    @Test
    void bad_names_duplicates_future_timestamps_and_non_t1s_are_refused_and_change_nothing() throws Exception {
        Tenant t1 = t1OnNeon("refusals");
        NeonPlacement production = neon.of(t1.id()).orElseThrow();
        strata.branches().create(t1.slug(), "dev", null);
        int neonBranches = neon.api().countBranches(production.projectId());

        for (String bad : new String[]{"", "Dev", "1dev", "dev branch", "dev/x", "a".repeat(41), "dév"}) {
            assertThatThrownBy(() -> strata.branches().create(t1.slug(), bad, null)).as(bad)
                    .isInstanceOf(StrataException.class).hasMessageContaining("branch name")
                    .extracting("code").isEqualTo(ErrorCode.INVALID_ARGUMENT);
        }
        assertThatThrownBy(() -> strata.branches().create(t1.slug(), "dev", null)).isInstanceOf(StrataException.class)
                .hasMessageContaining("already has a branch 'dev'").extracting("code").isEqualTo(ErrorCode.BRANCH_EXISTS);
        assertThatThrownBy(() -> strata.branches().create(t1.slug(), "future", Instant.now().plusSeconds(3600)))
                .isInstanceOf(StrataException.class).hasMessageContaining("in the future")
                .extracting("code").isEqualTo(ErrorCode.INVALID_ARGUMENT);
        Tenant t2 = strata.tenants().create(NewTenant.t2("t2-of-" + t1.slug(), t1.slug()));
        assertThatThrownBy(() -> strata.branches().create(t2.slug(), "dev2", null)).isInstanceOf(StrataException.class)
                .hasMessageContaining("Branches belong to T1s").extracting("code").isEqualTo(ErrorCode.INVALID_HIERARCHY);
        assertCode(() -> strata.branches().create("no-such-tenant", "dev", null), ErrorCode.TENANT_NOT_FOUND);

        assertThat(neon.api().countBranches(production.projectId())).as("Neon was not asked").isEqualTo(neonBranches);
        assertThat(strata.branches().list(t1.slug())).extracting(DevBranch::name).containsExactly("dev");
    }

    @Test
    void a_t1_on_a_postgresql_plane_is_told_why_it_has_no_branches() {
        Tenant local = strata.tenants().create(NewTenant.t1("local-" + UUID.randomUUID().toString().substring(0, 6)));
        assertThatThrownBy(() -> strata.branches().create(local.slug(), "dev", null)).isInstanceOf(StrataException.class)
                .hasMessageContaining("data plane 'default'").hasMessageContaining("need a T1 on a Neon plane")
                .extracting("code").isEqualTo(ErrorCode.PLANE_CANNOT);
        assertCode(() -> strata.branches().list(local.slug()), ErrorCode.PLANE_CANNOT);
    }

    @Test
    void a_creation_that_crashed_after_neon_made_the_branch_is_finished_with_that_branch() throws Exception {
        Tenant t1 = t1OnNeon("crash");
        NeonPlacement production = neon.of(t1.id()).orElseThrow();
        strata.internals().operations().leases().stepHook(crashAt(BranchStep.RECORD_BRANCH));

        assertThatThrownBy(() -> strata.branches().create(t1.slug(), "dev", null)).isInstanceOf(Crash.class);

        assertThat(strata.branches().list(t1.slug())).singleElement().satisfies(b -> {
            assertThat(b.state()).isEqualTo("creating");
            assertThat(b.neonBranchId()).as("Strata had not recorded it").isNull();
        });
        List<NeonBranch> made = neon.api().listBranches(production.projectId()).stream()
                .filter(b -> production.branchId().equals(b.parentId())).toList();
        assertThat(made).as("Neon had made it").hasSize(1);
        OperationInfo interrupted = strata.operations().list(OperationFilter.all().withTenant(t1.slug())
                .withKind(OperationKind.DEV_BRANCH)).get(0);
        assertThat(interrupted.state()).isEqualTo(OperationState.RUNNING);

        OperationInfo resumed = strata.operations().resume(interrupted.id());

        assertThat(resumed.state()).isEqualTo(OperationState.SUCCEEDED);
        assertThat(strata.branches().list(t1.slug())).singleElement().satisfies(b -> {
            assertThat(b.state()).isEqualTo("ready");
            assertThat(b.neonBranchId()).as("the branch Neon had made, found by its name").isEqualTo(made.get(0).id());
        });
        assertThat(neon.api().listBranches(production.projectId()).stream()
                .filter(b -> production.branchId().equals(b.parentId()))).as("no second branch").hasSize(1);
    }

    @Test
    void a_creation_neon_refuses_is_undone_and_the_name_stays_free() throws Exception {
        Tenant t1 = t1OnNeon("undone");
        local.faults().failNextOperations(1);
        assertThatThrownBy(() -> strata.branches().create(t1.slug(), "dev", null)).isInstanceOf(StrataException.class)
                .extracting("code").isEqualTo(ErrorCode.DATA_PLANE_FAILED);
        assertThat(strata.branches().list(t1.slug())).isEmpty();
        assertThat(strata.operations().list(OperationFilter.all().withTenant(t1.slug())
                .withKind(OperationKind.DEV_BRANCH))).singleElement()
                .extracting(OperationInfo::state).isEqualTo(OperationState.ROLLED_BACK);
        assertThat(strata.branches().create(t1.slug(), "dev", null).state()).isEqualTo("ready");
    }

    @Test
    void decommissioning_a_t1_deletes_its_dev_branches_first() throws Exception {
        Tenant t1 = t1OnNeon("leaving");
        NeonPlacement production = neon.of(t1.id()).orElseThrow();
        DevBranch dev = strata.branches().create(t1.slug(), "dev", null);
        DevBranch staging = strata.branches().create(t1.slug(), "staging", null);

        strata.tenants().decommission(t1.slug(), false);

        assertThat(neon.api().listBranches(production.projectId())).extracting(NeonBranch::id)
                .doesNotContain(dev.neonBranchId(), staging.neonBranchId());
        assertThat(strata.tenants().history(t1.slug())).filteredOn(e -> e.action().equals("branch_deleted")).hasSize(2);
        assertCode(() -> strata.branches().list(t1.slug()), ErrorCode.TENANT_DECOMMISSIONED);
    }

    /** Stands for the process dying in the middle of a step. */
    static final class Crash extends Error {
        Crash() {
            super("simulated crash");
        }
    }

    private static StepHook crashAt(BranchStep step) {
        boolean[] fired = {false};
        return (operation, kind, current, qualifier) -> {
            if (kind == OperationKind.DEV_BRANCH && current == step && !fired[0]) {
                fired[0] = true;
                throw new Crash();
            }
        };
    }

    private static void assertCode(ThrowableAssert.ThrowingCallable call, ErrorCode code) {
        assertThatThrownBy(call).isInstanceOf(StrataException.class).extracting("code").isEqualTo(code);
    }
}

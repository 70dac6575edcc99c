package dev.strata.migration;

import dev.strata.IsolationMode;
import dev.strata.NewTenant;
import dev.strata.Strata;
import dev.strata.Tenant;
import dev.strata.neonlocal.NeonLocal;
import dev.strata.testing.NeonPlanes;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

import static dev.strata.migration.FanOutTopology.target;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The migration fan-out reaches T1 databases on a Neon plane (project placement, against neon-local)
 * like any other target: a deployment that brings a new migration migrates the Neon T1's database
 * and its schema-mode T2's schema next to a local T1, `migrate status` lists them all, and the new
 * table is safe there (RLS enabled and forced).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class NeonFanOutTest {
    static final String PLANE = "neon-fan";
    static final NeonLocal NEON = NeonPlanes.shared();
    static final String V2 = """
            CREATE TABLE notes (
                tenant_id uuid NOT NULL,
                id bigint GENERATED ALWAYS AS IDENTITY,
                body text,
                PRIMARY KEY (tenant_id, id)
            );
            """;

    @TempDir
    Path scripts;

    private final Deployments deployments = new Deployments(Duration.ofSeconds(30));

    @AfterAll
    void stopAll() {
        deployments.close();
    }

    private String location(int version) throws Exception {
        Path dir = scripts.resolve("v" + version);
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("V1__items.sql"), MigrationSets.V1);
        if (version >= 2) {
            Files.writeString(dir.resolve("V2__notes.sql"), V2);
        }
        return "filesystem:" + dir.toAbsolutePath();
    }

    @Test
    void a_new_migration_reaches_the_neon_t1_and_its_schema_t2_next_to_a_local_t1_and_status_lists_them() throws Exception {
        Strata v1 = deployments.start(location(1));
        NeonPlanes.addProjectPlane(v1, NEON, PLANE);
        Tenant neon = v1.tenants().create(NewTenant.t1("nf-neon").withPlane(PLANE));
        Tenant neonSchema = v1.tenants().create(NewTenant.t2("nf-neon-s", "nf-neon").withMode(IsolationMode.SCHEMA));
        Tenant local = v1.tenants().create(NewTenant.t1("nf-local"));
        v1.close();

        Strata v2 = deployments.start(location(2));
        MigrationRun run = v2.migrations().apply(ApplyRequest.builder().build());
        Map<String, MigrationTarget> status = v2.migrations().status().stream()
                .collect(Collectors.toMap(MigrationTarget::target, Function.identity()));

        assertThat(run.succeeded()).isTrue();
        assertThat(target(neon)).startsWith(PLANE + "/");
        assertThat(status).containsKeys(target(neon), target(neonSchema), target(local));
        for (Tenant t : List.of(neon, neonSchema, local)) {
            MigrationTarget m = status.get(target(t));
            assertThat(m.version()).as(m.target()).isEqualTo("2");
            assertThat(m.pending()).as(m.target()).isEmpty();
            assertThat(m.error()).as(m.target()).isNull();
            assertThat(m.tenant()).isEqualTo(t.id());
        }
        assertThat(status.get(target(neon)).kind()).isEqualTo(MigrationTargetKind.DATABASE);
        assertThat(status.get(target(neonSchema)).kind()).isEqualTo(MigrationTargetKind.SCHEMA);

        var plane = v2.internals().neonPlane().of(PLANE, neon.placement().database());
        try (Connection c = plane.openAdmin(neon.placement().database());
             PreparedStatement ps = c.prepareStatement("""
                     SELECT n.nspname, c.relrowsecurity, c.relforcerowsecurity
                       FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                      WHERE c.relname = 'notes' ORDER BY 1""");
             ResultSet rs = ps.executeQuery()) {
            int tables = 0;
            while (rs.next()) {
                tables++;
                assertThat(rs.getBoolean(2)).as(rs.getString(1) + ".notes has RLS").isTrue();
                assertThat(rs.getBoolean(3)).as(rs.getString(1) + ".notes forces RLS").isTrue();
            }
            assertThat(tables).as("notes in the T1's app schema and the T2's schema").isEqualTo(2);
        }
    }
}

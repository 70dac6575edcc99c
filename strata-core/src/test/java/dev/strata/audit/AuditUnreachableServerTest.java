package dev.strata.audit;

import dev.strata.NewPlane;
import dev.strata.NewTenant;
import dev.strata.PostgresServer;
import dev.strata.Strata;
import dev.strata.Tenant;
import dev.strata.embedded.LocalPostgres;
import dev.strata.testing.AppSchemas;
import dev.strata.testing.StrataFixture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A data plane whose server does not answer does not hide the rest of the audit, and does not let
 * it pass: each of its databases is an {@code audit_coverage} violation saying it could not be
 * reached, and every database of the planes that answer is audited as usual.
 */
class AuditUnreachableServerTest {
    @RegisterExtension
    static final StrataFixture FIXTURE = StrataFixture.with(AppSchemas.SHOP);

    @Test
    void the_databases_of_a_plane_that_does_not_answer_are_violations_and_the_others_are_audited(@TempDir Path dir) {
        Strata strata = FIXTURE.strata();
        Tenant here = strata.tenants().create(NewTenant.t1("au-here"));
        Tenant there;
        try (LocalPostgres pg = LocalPostgres.start(dir, LocalPostgres.options().durable(false))) {
            strata.planes().add(new NewPlane("au-gone", PostgresServer.parse(pg.databaseUrl()), null, null));
            there = strata.tenants().create(NewTenant.t1("au-there").withPlane("au-gone"));
            assertThat(strata.audit().passed()).as("while it answers").isTrue();
        }

        AuditReport report = strata.audit();

        assertThat(report.passed()).as("nothing passes unlooked at").isFalse();
        String gone = there.placement().database();
        assertThat(report.findings()).filteredOn(f -> f.severity() == AuditSeverity.VIOLATION)
                .allSatisfy(f -> assertThat(f.check()).isEqualTo("audit_coverage"))
                .filteredOn(f -> gone.equals(f.database())).singleElement()
                .satisfies(f -> assertThat(f.message()).contains("could not be reached").contains("au-gone"));
        assertThat(report.databases()).as("the plane that answers is audited")
                .contains(here.placement().database()).doesNotContain(gone);
    }
}

package dev.strata.audit;

import dev.strata.IsolationMode;
import dev.strata.NewTenant;
import dev.strata.Strata;
import dev.strata.Tenant;
import dev.strata.testing.TestStrata;
import org.assertj.core.groups.Tuple;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

import static org.assertj.core.api.Assertions.tuple;

/**
 * A Strata installation in a namespace of its own for breaking isolation rules on purpose: a T1
 * with a database of its own (and a T2 in it), a T1 in the shared RLS database and a T1 in the
 * shared schema database, plus raw administrator access to every database.
 */
final class AuditFixture {
    final Strata strata;
    final String management;
    final String template;
    /** The database-mode T1's database and app role. */
    final String alphaDb;
    final String alphaRole;
    /** The shared RLS database and its app role. */
    final String sharedRlsDb;
    final String sharedRlsRole;
    /** The shared schema database and the schema-mode T1's schema in it. */
    final String schemaDb;
    final String gammaSchema;

    private AuditFixture(Strata strata, Tenant alpha, Tenant beta, Tenant gamma) {
        this.strata = strata;
        this.management = strata.config().namespace();
        this.template = management + "_template";
        this.alphaDb = alpha.placement().database();
        this.alphaRole = strata.internals().names().appRole(alphaDb);
        this.sharedRlsDb = beta.placement().database();
        this.sharedRlsRole = strata.internals().names().appRole(sharedRlsDb);
        this.schemaDb = gamma.placement().database();
        this.gammaSchema = gamma.placement().schema();
    }

    static AuditFixture start() {
        Strata strata = TestStrata.start();
        try {
            Tenant alpha = strata.tenants().create(NewTenant.t1("alpha"));
            strata.tenants().create(NewTenant.t2("alpha-one", "alpha"));
            Tenant beta = strata.tenants().create(NewTenant.t1("beta").withMode(IsolationMode.RLS));
            Tenant gamma = strata.tenants().create(NewTenant.t1("gamma").withMode(IsolationMode.SCHEMA));
            return new AuditFixture(strata, alpha, beta, gamma);
        } catch (RuntimeException e) {
            TestStrata.stopAndDrop(strata);
            throw e;
        }
    }

    void stop() {
        TestStrata.stopAndDrop(strata);
    }

    AuditReport audit() {
        return strata.audit();
    }

    /** Runs statements as the administrator in a database (autocommit). */
    void sql(String database, String... statements) {
        try (Connection c = TestStrata.admin(database); Statement s = c.createStatement()) {
            for (String statement : statements) {
                s.execute(statement);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("Failed in " + database + ": " + e.getMessage(), e);
        }
    }

    /** Creates a tenant table the way Strata's migrations do: RLS enabled and forced, one scoped policy. */
    void createTenantTable(String database, String table, String columns) {
        sql(database,
                "CREATE TABLE " + table + " (tenant_id uuid NOT NULL REFERENCES platform.tenants (id), " + columns + ")",
                "ALTER TABLE " + table + " ENABLE ROW LEVEL SECURITY",
                "ALTER TABLE " + table + " FORCE ROW LEVEL SECURITY",
                "CREATE POLICY tenant_isolation ON " + table + " USING (tenant_id = (SELECT platform.current_tenant_id()))"
                        + " WITH CHECK (tenant_id = (SELECT platform.current_tenant_id()))");
    }

    /** Lets the administrator into the template for the duration of some statements. */
    void inTemplate(String... statements) {
        sql("postgres", "ALTER DATABASE \"" + template + "\" WITH ALLOW_CONNECTIONS true");
        try {
            sql(template, statements);
        } finally {
            sql("postgres", "ALTER DATABASE \"" + template + "\" WITH ALLOW_CONNECTIONS false");
        }
    }

    /** (check, database, object) of every violation. */
    static List<Tuple> violations(AuditReport report) {
        return of(report, AuditSeverity.VIOLATION);
    }

    /** (check, database, object) of every warning. */
    static List<Tuple> warnings(AuditReport report) {
        return of(report, AuditSeverity.WARNING);
    }

    private static List<Tuple> of(AuditReport report, AuditSeverity severity) {
        return report.findings().stream()
                .filter(f -> f.severity() == severity)
                .map(f -> tuple(f.check(), f.database(), f.object()))
                .toList();
    }
}

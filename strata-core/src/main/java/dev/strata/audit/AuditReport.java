package dev.strata.audit;

import java.time.Instant;
import java.util.List;

/**
 * The result of checking the catalogs of every database Strata manages against the isolation
 * rules. Immutable.
 *
 * <p>The management database and every tenant and shared database are read from inside. The
 * template accepts no connections (creating a database from it would fail while anyone is
 * connected), so it is checked through the server's shared catalogs only: who may connect to it and
 * what app roles own or were granted in it; every database copied from it is read from inside.
 * A database that is registered but absent is not checked and gives an {@code audit_coverage} warning.
 *
 * @param checkedAt when the audit started
 * @param databases the databases checked: the management database, the template, every live tenant
 *                  and shared database
 * @param checks    the names of the rules applied, in report order
 * @param findings  what was found: violations first, then by rule, database and object
 */
public record AuditReport(Instant checkedAt, List<String> databases, List<String> checks, List<AuditFinding> findings) {
    public AuditReport {
        databases = List.copyOf(databases);
        checks = List.copyOf(checks);
        findings = List.copyOf(findings);
    }

    /** How many findings are violations. */
    public long violations() {
        return findings.stream().filter(f -> f.severity() == AuditSeverity.VIOLATION).count();
    }

    /** Whether no rule is violated (warnings allowed). */
    public boolean passed() {
        return violations() == 0;
    }
}

package dev.strata.server.api;

import dev.strata.audit.AuditFinding;
import dev.strata.audit.AuditReport;

import java.time.Instant;
import java.util.List;
import java.util.Locale;

/**
 * An {@link AuditReport} as the REST API shows it: {@code passed} is false exactly when
 * {@code violations} is above zero; warnings never fail an audit.
 */
public record AuditView(Instant checkedAt, boolean passed, long violations, long warnings, List<String> databases,
                        List<String> checks, List<Finding> findings) {

    /** One finding; {@code severity} is {@code violation} or {@code warning}. */
    public record Finding(String severity, String check, String database, String object, String message) {
    }

    public static AuditView of(AuditReport report) {
        List<Finding> findings = report.findings().stream().map(AuditView::finding).toList();
        return new AuditView(report.checkedAt(), report.passed(), report.violations(),
                report.findings().size() - report.violations(), report.databases(), report.checks(), findings);
    }

    private static Finding finding(AuditFinding f) {
        return new Finding(f.severity().name().toLowerCase(Locale.ROOT), f.check(), f.database(), f.object(), f.message());
    }
}

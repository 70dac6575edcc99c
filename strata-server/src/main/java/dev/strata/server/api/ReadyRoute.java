package dev.strata.server.api;

import dev.strata.internal.migration.Migrations;
import dev.strata.internal.migration.TenantMigrationSet;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The readiness probe {@code GET /ready}: 200 {@code {"status":"ready", ...}} when the management
 * database answers and its schema is at the newest management migration this build carries;
 * otherwise 503 {@code {"status":"not_ready", "checks": {...}}} saying which check failed and why.
 * Needs no API key, like {@code /health} (the liveness probe): it reveals only the service's state.
 */
final class ReadyRoute {
    static final String PATH = "/ready";
    private static final int VALIDATION_TIMEOUT_SECONDS = 2;
    private static final String EXPECTED = TenantMigrationSet.resolve(List.of("classpath:db/management"))
            .latestVersion().orElseThrow();

    /** The answer: overall status and each check's outcome. */
    record Readiness(String status, Map<String, Check> checks) {
    }

    /** One check: {@code ok} or {@code failed}, with what was found. */
    record Check(String status, String detail) {
        static Check ok(String detail) {
            return new Check("ok", detail);
        }

        static Check failed(String detail) {
            return new Check("failed", detail);
        }
    }

    private final DataSource management;

    ReadyRoute(DataSource management) {
        this.management = management;
    }

    List<ApiEndpoint> endpoints() {
        return List.of(new ApiEndpoint(HandlerType.GET, PATH, Access.PUBLIC, this::ready));
    }

    private void ready(Context ctx) {
        QueryParameters.of(ctx);
        Map<String, Check> checks = new LinkedHashMap<>();
        try (Connection c = management.getConnection()) {
            if (!c.isValid(VALIDATION_TIMEOUT_SECONDS)) {
                checks.put("management_database", Check.failed("The management database does not answer"));
            } else {
                checks.put("management_database", Check.ok("reachable"));
                checks.put("migrations", migrations(c));
            }
        } catch (SQLException | RuntimeException e) {
            checks.put("management_database", Check.failed("The management database is unreachable: retry once it is back"));
        }
        if (!checks.containsKey("migrations")) {
            checks.put("migrations", Check.failed("Not checked: the management database is unreachable"));
        }
        boolean ready = checks.values().stream().allMatch(ch -> ch.status().equals("ok"));
        if (!ready) {
            ctx.header("Retry-After", "5");
        }
        ctx.status(ready ? 200 : 503).json(new Readiness(ready ? "ready" : "not_ready", checks));
    }

    private static Check migrations(Connection c) throws SQLException {
        String applied = null;
        try (PreparedStatement ps = c.prepareStatement("SELECT to_regclass(?) IS NOT NULL")) {
            ps.setString(1, "platform." + Migrations.historyTable());
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                if (!rs.getBoolean(1)) {
                    return Check.failed("The management database has no migration history: start Strata once to create it");
                }
            }
        }
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT version FROM platform." + Migrations.historyTable() + " WHERE success AND version IS NOT NULL");
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                if (TenantMigrationSet.compareVersions(rs.getString(1), applied) > 0) {
                    applied = rs.getString(1);
                }
            }
        }
        int cmp = TenantMigrationSet.compareVersions(applied, EXPECTED);
        if (cmp < 0) {
            return Check.failed("The management database is at version " + (applied == null ? "none" : applied)
                    + ", this build needs " + EXPECTED + ": restart Strata to migrate it");
        }
        if (cmp > 0) {
            return Check.failed("The management database is at version " + applied + ", newer than this build's "
                    + EXPECTED + ": run a Strata at least as new as the one that migrated it");
        }
        return Check.ok("version " + applied);
    }
}

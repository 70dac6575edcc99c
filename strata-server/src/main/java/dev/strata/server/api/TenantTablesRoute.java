package dev.strata.server.api;

import dev.strata.ErrorCode;
import dev.strata.Placement;
import dev.strata.Strata;
import dev.strata.StrataException;
import dev.strata.Tenant;
import dev.strata.TenantStatus;
import dev.strata.internal.migration.SchemaMigrator;
import dev.strata.internal.sql.Identifiers;
import dev.strata.internal.sql.SqlStates;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import org.slf4j.MDC;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Where a tenant's data lives and how much there is ({@code GET /v1/tenants/{key}/tables}, read
 * only): its plane, database and schema, the schema version of the application's migrations
 * applied there, and each tenant table (a table with {@code tenant_id}, not a partition) with the
 * number of this tenant's rows: only its own, so a T1 sharing its database with its T2s counts
 * none of theirs. Counted in one read-only administrator transaction of the tenant's database,
 * which is not tenant work (it does not show in the tenant's activity, and works while it is
 * suspended); a count that takes longer than {@value #COUNT_TIMEOUT} is answered as {@code null}.
 * The T0, which holds no data, and a decommissioned tenant, whose data is gone, have no tables.
 */
final class TenantTablesRoute {
    static final String COUNT_TIMEOUT = "5s";
    private static final String TABLES = """
            SELECT c.relname FROM pg_class c
              JOIN pg_namespace n ON n.oid = c.relnamespace
              JOIN pg_attribute a ON a.attrelid = c.oid AND a.attname = 'tenant_id' AND NOT a.attisdropped
             WHERE n.nspname = ? AND c.relkind IN ('r', 'p') AND NOT c.relispartition
             ORDER BY c.relname""";

    private final Strata strata;

    TenantTablesRoute(Strata strata) {
        this.strata = strata;
    }

    List<ApiEndpoint> endpoints() {
        return List.of(new ApiEndpoint(HandlerType.GET, "/v1/tenants/{key}/tables", Access.TENANT_READ, this::tables));
    }

    /** Response of {@code GET /v1/tenants/{key}/tables}. */
    record TablesView(UUID tenantId, String slug, String mode, String plane, String database, String schema,
                      String schemaVersion, List<TableRows> tables) {
    }

    /** One tenant table and the tenant's rows in it ({@code null} if counting took too long). */
    record TableRows(String name, Long rows) {
    }

    private void tables(Context ctx) {
        QueryParameters.of(ctx);
        Tenant tenant = strata.tenants().get(ctx.pathParam("key"));
        MDC.put("tenant", tenant.id().toString());
        Placement p = tenant.placement();
        if (p == null) {
            ctx.json(new TablesView(tenant.id(), tenant.slug(), null, null, null, null, null, List.of()));
            return;
        }
        if (tenant.status() == TenantStatus.DECOMMISSIONED) {
            ctx.json(new TablesView(tenant.id(), tenant.slug(), p.mode().wireName(), p.dataPlane(), p.database(),
                    p.schema(), null, List.of()));
            return;
        }
        try (Connection c = strata.serverHooks().plane(p.dataPlane()).openAdmin(p.database())) {
            c.setAutoCommit(false);
            try {
                try (PreparedStatement ps = c.prepareStatement("SET TRANSACTION READ ONLY")) {
                    ps.execute();
                }
                try (PreparedStatement ps = c.prepareStatement("SELECT set_config('statement_timeout', ?, true)")) {
                    ps.setString(1, COUNT_TIMEOUT);
                    ps.execute();
                }
                String version = SchemaMigrator.appliedVersion(c, p.schema());
                List<TableRows> tables = new ArrayList<>();
                for (String table : tableNames(c, p.schema())) {
                    tables.add(new TableRows(table, count(c, p.schema(), table, tenant.id())));
                }
                ctx.json(new TablesView(tenant.id(), tenant.slug(), p.mode().wireName(), p.dataPlane(), p.database(),
                        p.schema(), version, tables));
            } finally {
                c.rollback();
            }
        } catch (SQLException e) {
            if (SqlStates.isUnavailable(e)) {
                throw new StrataException(ErrorCode.DATABASE_UNAVAILABLE, "The database of tenant '" + tenant.slug()
                        + "' is unavailable (" + SqlStates.rootMessage(e) + "): retry once it is back", e);
            }
            throw new StrataException(ErrorCode.DATABASE_ERROR, "Reading the tables of tenant '" + tenant.slug()
                    + "' failed: " + SqlStates.rootMessage(e), e);
        }
    }

    private static List<String> tableNames(Connection c, String schema) throws SQLException {
        List<String> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(TABLES)) {
            ps.setString(1, schema);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getString(1));
                }
            }
        }
        return out;
    }

    private static Long count(Connection c, String schema, String table, UUID tenantId) throws SQLException {
        Savepoint before = c.setSavepoint();
        try (PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM "
                + Identifiers.qualified(schema, table) + " WHERE tenant_id = ?")) {
            ps.setObject(1, tenantId);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        } catch (SQLException e) {
            if (SqlStates.is(e, SqlStates.QUERY_CANCELED)) {
                c.rollback(before);
                return null;
            }
            throw e;
        } finally {
            try {
                c.releaseSavepoint(before);
            } catch (SQLException ignored) {
                // rolled back to it already
            }
        }
    }
}

package dev.strata.internal.context;

import dev.strata.Tier;
import dev.strata.internal.sql.Identifiers;
import dev.strata.internal.sql.PhysicalNames;

import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.util.UUID;

/**
 * The values of one tenant's context and the statement that puts them in force for the current
 * transaction only ({@code set_config(..., true)}): tenant id, tier unless it is T2 (a context
 * without a tier reads as a T2's, see {@code platform.current_tenant_tier()}), {@code search_path} unless the
 * tenant's tables are in the shared {@code app} schema (where every tenant connection starts),
 * where a limit is configured, {@code statement_timeout}, and for a T1 the role of T1 contexts
 * ({@code role}, as {@code SET LOCAL ROLE}), whose policy lets it read its T2s' rows. Immutable and thread-safe; one per route.
 */
public final class TenantContext {
    private static final String TENANT = "SELECT set_config('app.tenant_id', ?, true)";
    private static final String TIER = ", set_config('app.tenant_tier', ?, true)";
    private static final String SEARCH_PATH = ", set_config('search_path', ?, true)";
    private static final String TIMEOUT = ", set_config('statement_timeout', ?, true)";
    private static final String ROLE = ", set_config('role', ?, true)";

    private final UUID tenantId;
    private final String tenantIdText;
    private final String tierText;
    private final String searchPath;
    private final String statementTimeout;
    private final String role;
    private final String sql;
    private final int parameterCount;
    private final String literalSql;

    /**
     * @param t1Role the role a T1's transactions switch to (only they may read their T2s' rows);
     *               ignored for other tiers
     */
    public TenantContext(UUID tenantId, Tier tier, String schema, Duration statementTimeout, String t1Role) {
        this.tenantId = tenantId;
        this.tenantIdText = tenantId.toString();
        this.tierText = tier == Tier.T2 ? null : Integer.toString(tier.level());
        Identifiers.requireSafeName(schema);
        this.searchPath = PhysicalNames.APP_SCHEMA.equals(schema) ? null
                : Identifiers.quote(schema) + ", " + PhysicalNames.PLATFORM_SCHEMA;
        this.statementTimeout = statementTimeout.isZero() ? null : Long.toString(statementTimeout.toMillis());
        this.role = tier == Tier.T1 ? Identifiers.requireSafeName(t1Role) : null;
        this.sql = TENANT + (tierText == null ? "" : TIER) + (searchPath == null ? "" : SEARCH_PATH)
                + (this.statementTimeout == null ? "" : TIMEOUT) + (role == null ? "" : ROLE);
        this.parameterCount = 1 + (tierText == null ? 0 : 1) + (searchPath == null ? 0 : 1)
                + (this.statementTimeout == null ? 0 : 1) + (role == null ? 0 : 1);
        StringBuilder literal = new StringBuilder("SELECT set_config('app.tenant_id', ")
                .append(Identifiers.literal(tenantIdText)).append(", true)");
        if (tierText != null) {
            literal.append(", set_config('app.tenant_tier', ").append(Identifiers.literal(tierText)).append(", true)");
        }
        if (searchPath != null) {
            literal.append(", set_config('search_path', ").append(Identifiers.literal(searchPath)).append(", true)");
        }
        if (this.statementTimeout != null) {
            literal.append(", set_config('statement_timeout', ").append(Identifiers.literal(this.statementTimeout))
                    .append(", true)");
        }
        if (role != null) {
            literal.append(", set_config('role', ").append(Identifiers.literal(role)).append(", true)");
        }
        this.literalSql = literal.toString();
    }

    public UUID tenantId() {
        return tenantId;
    }

    /** The context statement with bind parameters (see {@link #bind}). */
    public String sql() {
        return sql;
    }

    /** How many bind parameters {@link #sql()} takes. */
    public int parameterCount() {
        return parameterCount;
    }

    /** The context statement with its values inlined (for plain {@link java.sql.Statement}s). */
    public String literalSql() {
        return literalSql;
    }

    /** Binds the context values to parameters 1..{@link #parameterCount()}. */
    public void bind(PreparedStatement ps) throws SQLException {
        ps.setString(1, tenantIdText);
        int next = 2;
        if (tierText != null) {
            ps.setString(next++, tierText);
        }
        if (searchPath != null) {
            ps.setString(next++, searchPath);
        }
        if (statementTimeout != null) {
            ps.setString(next++, statementTimeout);
        }
        if (role != null) {
            ps.setString(next, role);
        }
    }
}

package dev.strata.internal.context;

import dev.strata.Tier;
import dev.strata.internal.sql.Identifiers;
import dev.strata.internal.sql.PhysicalNames;

import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * The values of one tenant's context and the statement that puts them in force for the current
 * transaction only ({@code set_config(..., true)}). Every setting isolation depends on is set in
 * every transaction, whatever the session holds, so that nothing earlier work did at session level
 * on a pooled connection changes where a transaction reads and writes or as which role and tier it
 * runs: {@code app.tenant_id}; {@code app.tenant_tier} (also {@code 2} for T2s); {@code search_path}
 * (the tenant's schema, or {@code app, platform}); and {@code role} (for a T1 the role of T1
 * contexts, whose policy lets it read its T2s' rows; for everyone else {@code none}, the app role
 * the connection logged in as). A tenant with a statement limit also gets {@code statement_timeout};
 * without one the server's own setting stays in force (a session-level change of it is session
 * state, which the connection wrapper detects and cleans, see {@link StatementEffects}).
 * Only the tenant id is a bind parameter; the other values are the same for every transaction of
 * the route and are inlined as literals (quoted by {@link Identifiers}), one bind value per
 * transaction. Immutable and thread-safe; one per route.
 */
public final class TenantContext {

    /** One form of the context statement: with a bind parameter, and with its values inlined. */
    public static final class Statement {
        private final String sql;
        private final String literalSql;
        private final String[] values;

        private Statement(String sql, String literalSql, String[] values) {
            this.sql = sql;
            this.literalSql = literalSql;
            this.values = values;
        }

        /** The context statement with bind parameters (see {@link #bind}). */
        public String sql() {
            return sql;
        }

        /** The context statement with its values inlined (for plain {@link java.sql.Statement}s). */
        public String literalSql() {
            return literalSql;
        }

        /** How many bind parameters {@link #sql()} takes. */
        public int parameterCount() {
            return values.length;
        }

        /** Binds the context values to parameters 1..{@link #parameterCount()}. */
        public void bind(PreparedStatement ps) throws SQLException {
            for (int i = 0; i < values.length; i++) {
                ps.setString(i + 1, values[i]);
            }
        }
    }

    private final UUID tenantId;
    private final Statement complete;
    private final Statement minimal;

    /**
     * @param t1Role the role a T1's transactions switch to (only they may read their T2s' rows);
     *               ignored for other tiers
     */
    public TenantContext(UUID tenantId, Tier tier, String schema, Duration statementTimeout, String t1Role) {
        this.tenantId = tenantId;
        String id = tenantId.toString();
        Identifiers.requireSafeName(schema);
        String tierText = Integer.toString(tier.level());
        String searchPath = Identifiers.quote(schema) + ", " + PhysicalNames.PLATFORM_SCHEMA;
        String timeout = Long.toString(statementTimeout.toMillis());
        String role = tier == Tier.T1 ? Identifiers.requireSafeName(t1Role) : "none";

        String constants = ", set_config('app.tenant_tier', " + Identifiers.literal(tierText) + ", true)"
                + ", set_config('search_path', " + Identifiers.literal(searchPath) + ", true)"
                + (statementTimeout.isZero() ? ""
                        : ", set_config('statement_timeout', " + Identifiers.literal(timeout) + ", true)")
                + ", set_config('role', " + Identifiers.literal(role) + ", true)";
        this.complete = new Statement("SELECT set_config('app.tenant_id', ?, true)" + constants,
                "SELECT set_config('app.tenant_id', " + Identifiers.literal(id) + ", true)" + constants,
                new String[] {id});
        this.minimal = minimalStatement(id, tier, schema, statementTimeout, t1Role);
    }

    /**
     * The context as Strata sent it before the pooled-connection guarantees: only what differs from
     * the connection's session defaults (no tier for T2s, no {@code search_path} in the shared
     * schema, no timeout without a limit, no role but for T1s). Only the benchmarks use it, to
     * measure what the guarantees cost; it is not safe on a connection that may carry session state.
     */
    private static Statement minimalStatement(String id, Tier tier, String schema, Duration statementTimeout,
                                              String t1Role) {
        List<String> names = new ArrayList<>();
        List<String> values = new ArrayList<>();
        names.add("app.tenant_id");
        values.add(id);
        if (tier != Tier.T2) {
            names.add("app.tenant_tier");
            values.add(Integer.toString(tier.level()));
        }
        if (!PhysicalNames.APP_SCHEMA.equals(schema)) {
            names.add("search_path");
            values.add(Identifiers.quote(schema) + ", " + PhysicalNames.PLATFORM_SCHEMA);
        }
        if (!statementTimeout.isZero()) {
            names.add("statement_timeout");
            values.add(Long.toString(statementTimeout.toMillis()));
        }
        if (tier == Tier.T1) {
            names.add("role");
            values.add(Identifiers.requireSafeName(t1Role));
        }
        StringBuilder sql = new StringBuilder("SELECT ");
        StringBuilder literal = new StringBuilder("SELECT ");
        for (int i = 0; i < names.size(); i++) {
            String sep = i == 0 ? "" : ", ";
            sql.append(sep).append("set_config('").append(names.get(i)).append("', ?, true)");
            literal.append(sep).append("set_config('").append(names.get(i)).append("', ")
                    .append(Identifiers.literal(values.get(i))).append(", true)");
        }
        return new Statement(sql.toString(), literal.toString(), values.toArray(String[]::new));
    }

    public UUID tenantId() {
        return tenantId;
    }

    /** The context statement of the request path: every isolation-relevant setting, transaction-locally. */
    public Statement statement() {
        return complete;
    }

    /** The pre-guarantee context statement (benchmarks only, see {@link #minimalStatement}). */
    Statement minimalStatement() {
        return minimal;
    }

    /** The context statement with bind parameters. */
    public String sql() {
        return complete.sql();
    }
}

package dev.strata.internal.migration;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;

/**
 * Applies tenant migrations to one app schema and makes its tenant tables safe. Thread-safe
 * (stateless apart from its configuration); the connection is the caller's.
 *
 * <p>SEAM (issue 13): owned by the "one target" work; used by provisioning, start-up and the
 * fan-out. Signatures are the contract.
 */
public final class SchemaMigrator {

    /**
     * Inside the caller's open transaction on an administrator connection to the target's database
     * (auto-commit off): creates the schema and its history table ({@code strata_schema_history},
     * Flyway's format) if missing, runs each pending migration with {@code search_path} set to the
     * schema, records each in the history, then makes every tenant table of the schema safe (RLS
     * enabled and forced, the standard policies, app-role grants, and for a tenant schema the
     * placement guard) and refuses anything that weakens isolation. The caller commits, or rolls
     * back on an exception: a target is migrated entirely or not at all.
     *
     * @throws dev.strata.StrataException {@link dev.strata.ErrorCode#MIGRATION_REFUSED} naming the
     *         object and what to change, {@link dev.strata.ErrorCode#MIGRATION_FAILED} with the
     *         failing script and PostgreSQL's message
     */
    public void migrate(Connection admin, AppSchema target, List<TenantMigration> pending) throws SQLException {
        throw new UnsupportedOperationException("issue 13: being built");
    }

    /**
     * The newest applied version of every app schema of the connected database that has a history
     * table, in one query ({@code null} value: a history without a successful migration).
     */
    public static Map<String, String> appliedVersions(Connection admin) throws SQLException {
        throw new UnsupportedOperationException("issue 13: being built");
    }
}

package dev.strata.internal.migration;

import dev.strata.ErrorCode;
import dev.strata.StrataException;
import dev.strata.internal.sql.PhysicalNames;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

import static dev.strata.internal.sql.Identifiers.literal;
import static dev.strata.internal.sql.Identifiers.qualified;
import static dev.strata.internal.sql.Identifiers.quote;

/**
 * Applies tenant migrations to one app schema and makes its tenant tables safe. Thread-safe
 * (stateless apart from its configuration); the connection is the caller's.
 *
 * <p>SEAM (issue 13): owned by the "one target" work; used by provisioning, start-up and the
 * fan-out. Signatures are the contract.
 */
public final class SchemaMigrator {
    /** The history table of every app schema, in Flyway's format. */
    public static final String HISTORY_TABLE = "strata_schema_history";

    private static final Logger LOG = LoggerFactory.getLogger(SchemaMigrator.class);

    private final PhysicalNames names;
    private final MigrationRefusals refusals;
    private final TenantTableSafety safety;
    private final SchemaFingerprint fingerprint;

    /** @param names the installation's physical names (app roles, the T1 context role) */
    public SchemaMigrator(PhysicalNames names) {
        this.names = Objects.requireNonNull(names, "names");
        this.refusals = new MigrationRefusals(names);
        this.safety = new TenantTableSafety(names);
        this.fingerprint = new SchemaFingerprint(names);
    }

    /**
     * Inside the caller's open transaction on an administrator connection to the target's database
     * (auto-commit off): creates the schema and its history table ({@code strata_schema_history},
     * Flyway's format) if missing, runs each pending migration with {@code search_path} set to the
     * schema, records each in the history, then makes every tenant table of the schema safe (RLS
     * enabled and forced, the standard policies, app-role grants, and for a tenant schema the
     * placement guard) and refuses anything that weakens isolation. The caller commits, or rolls
     * back on an exception: a target is migrated entirely or not at all.
     *
     * <p>Concurrent calls for one schema (from several processes) are serialised by a
     * transaction-level advisory lock; a migration already recorded in the history when the lock is
     * taken is skipped, so running the same pending list twice applies it once. The safety work runs
     * even when nothing is pending.
     *
     * @throws dev.strata.StrataException {@link dev.strata.ErrorCode#MIGRATION_REFUSED} naming the
     *         object and what to change, {@link dev.strata.ErrorCode#MIGRATION_FAILED} with the
     *         failing script and PostgreSQL's message
     */
    public void migrate(Connection admin, AppSchema target, List<TenantMigration> pending) throws SQLException {
        if (admin.getAutoCommit()) {
            throw new IllegalStateException("SchemaMigrator.migrate needs an open transaction (auto-commit off)");
        }
        String schema = target.schema();
        try (Statement s = admin.createStatement()) {
            s.execute("SELECT pg_advisory_xact_lock(hashtext(" + literal("strata:migrate:" + schema) + "))");
            s.execute("CREATE SCHEMA IF NOT EXISTS " + quote(schema));
            s.execute(historyDdl(schema));
        }
        String applied = appliedVersion(admin, schema);
        List<String> grantees = safety.grantees(admin, schema);
        String searchPath;
        try (Statement s = admin.createStatement(); ResultSet rs = s.executeQuery("SHOW search_path")) {
            rs.next();
            searchPath = rs.getString(1);
        }
        int rank = nextRank(admin, schema);
        List<TenantMigration> run = new ArrayList<>();
        Set<String> outside = null;
        for (TenantMigration migration : pending) {
            if (applied != null && TenantMigrationSet.compareVersions(migration.version(), applied) <= 0) {
                continue;
            }
            if (outside == null) {
                outside = refusals.outside(admin, schema);
            }
            long started = System.nanoTime();
            run(admin, target, migration);
            int millis = (int) Math.min(Integer.MAX_VALUE, (System.nanoTime() - started) / 1_000_000);
            refusals.requireUnchangedOutside(admin, target, migration, outside);
            record(admin, schema, rank++, migration, millis);
            run.add(migration);
            applied = migration.version();
        }
        try (PreparedStatement ps = admin.prepareStatement("SELECT set_config('search_path', ?, true)")) {
            ps.setString(1, searchPath);
            ps.execute();
        }
        refusals.requireSafe(admin, target, run);
        try (Statement s = admin.createStatement()) {
            s.execute("SAVEPOINT strata_safety");
            try {
                safety.secure(admin, target, grantees);
            } catch (SQLException e) {
                s.execute("ROLLBACK TO SAVEPOINT strata_safety");
                throw new StrataException(ErrorCode.MIGRATION_FAILED, "Making the tenant tables of " + target.name()
                        + " safe failed after " + (run.isEmpty() ? "no migration" : run.get(run.size() - 1).script())
                        + ": " + e.getMessage() + ". Nothing was applied; fix the migration and apply again", e);
            }
            s.execute("RELEASE SAVEPOINT strata_safety");
        }
    }

    /**
     * The fan-out's path for a tenant target whose template was migrated (under every check of
     * {@link #migrate}) to the same migrations: inside the caller's open transaction, runs the
     * pending scripts, records them and makes the tenant tables safe as {@link #migrate} does,
     * but instead of the refusal checks compares the result with the template's
     * ({@link SchemaFingerprint}): the same objects with the same security-relevant properties in
     * the schema, nothing written outside it, nothing outside it removed. Returns {@code false}
     * when it differs in any of them: the caller must then roll back and migrate the target with
     * {@link #migrate}, whose checks refuse it or let the difference pass (a target is never
     * accepted on a comparison that failed).
     *
     * @param template       the template's snapshot after its migration ({@link #snapshot})
     * @param outsideBefore  the outside counts of the target's database before its first target
     *                       ({@link #outside})
     * @throws dev.strata.StrataException as {@link #migrate}, for a script that fails or switches roles
     */
    boolean migrateLikeTemplate(Connection admin, AppSchema target, List<TenantMigration> pending,
                                SchemaFingerprint.Snapshot template, String outsideBefore) throws SQLException {
        if (admin.getAutoCommit()) {
            throw new IllegalStateException("SchemaMigrator.migrateLikeTemplate needs an open transaction (auto-commit off)");
        }
        String schema = target.schema();
        String history = qualified(schema, HISTORY_TABLE);
        String searchPath;
        String user;
        int rank;
        String applied = null;
        List<String> grantees;
        try (Statement s = admin.createStatement()) {
            // one round trip: the lock, then (a statement of its own, so it sees what the lock
            // waited for) where the schema stands
            s.execute("SELECT pg_advisory_xact_lock(hashtext(" + literal("strata:migrate:" + schema) + "));\n"
                    + "SELECT current_setting('search_path'), current_user, "
                    + "(SELECT coalesce(max(installed_rank), 0) + 1 FROM " + history + "), "
                    + "ARRAY(SELECT version FROM " + history + " WHERE success AND version IS NOT NULL)::text[], "
                    + "ARRAY(" + TenantTableSafety.granteesQuery(literal(schema), literal(names.t1ContextRole()),
                            literal(names.namespace() + "_app_")) + ")::text[]");
            if (!s.getMoreResults()) {
                throw new IllegalStateException("no answer to the set-up query");
            }
            try (ResultSet rs = s.getResultSet()) {
                rs.next();
                searchPath = rs.getString(1);
                user = rs.getString(2);
                rank = rs.getInt(3);
                for (String version : (String[]) rs.getArray(4).getArray()) {
                    if (TenantMigrationSet.compareVersions(version, applied) > 0) {
                        applied = version;
                    }
                }
                grantees = List.of((String[]) rs.getArray(5).getArray());
            }
        }
        List<TenantMigration> run = new ArrayList<>();
        for (TenantMigration migration : pending) {
            if (applied != null && TenantMigrationSet.compareVersions(migration.version(), applied) <= 0) {
                continue;
            }
            String sql = forTarget(migration, admin, target);
            // one round trip: the script between a savepoint and its release, its history row
            // (execution_time: the script's own, measured by the server), the search_path restored
            List<String> firstValues = new ArrayList<>();
            try (Statement s = admin.createStatement()) {
                try {
                    boolean isResult = s.execute("SET LOCAL search_path = " + quote(schema) + ", platform;\n"
                            + "SAVEPOINT strata_migration;\n"
                            + "SELECT set_config('strata.migration_started', clock_timestamp()::text, true);\n"
                            + sql + "\n;\n"
                            + "INSERT INTO " + history + " (installed_rank, version, description, type, "
                            + "script, checksum, installed_by, execution_time, success) VALUES (" + rank++ + ", "
                            + literal(migration.version()) + ", " + literal(truncate(migration.description(), 200)) + ", 'SQL', "
                            + literal(truncate(migration.script(), 1000)) + ", " + migration.checksum() + ", current_user, "
                            + "(extract(epoch FROM clock_timestamp() - "
                            + "current_setting('strata.migration_started')::timestamptz) * 1000)::int, true) "
                            + "RETURNING installed_by;\n"
                            + "RELEASE SAVEPOINT strata_migration;\n"
                            + "SELECT set_config('search_path', " + literal(searchPath) + ", true)");
                    while (true) {
                        if (isResult) {
                            try (ResultSet rs = s.getResultSet()) {
                                firstValues.add(rs.next() ? rs.getString(1) : null);
                            }
                        } else if (s.getUpdateCount() == -1) {
                            break;
                        }
                        isResult = s.getMoreResults();
                    }
                } catch (SQLException e) {
                    s.execute("ROLLBACK TO SAVEPOINT strata_migration");
                    throw new StrataException(ErrorCode.MIGRATION_FAILED, "Migration " + migration.script() + " failed on "
                            + target.name() + ": " + e.getMessage() + ". Fix the script (or add a new migration after it) "
                            + "and apply again; " + target.name() + " is unchanged", e);
                }
            }
            // the results: set_config, the script's own, the INSERT's installed_by, set_config
            String installedBy = firstValues.size() >= 3 ? firstValues.get(firstValues.size() - 2) : null;
            if (!user.equals(installedBy)) {
                throw MigrationRefusals.refused(target, List.of(migration), "It switched the role it runs as to "
                        + installedBy + ": migrations run as Strata's administrator. Remove the SET ROLE / SET "
                        + "SESSION AUTHORIZATION (also inside DO blocks)");
            }
            run.add(migration);
        }
        try {
            safety.secure(admin, target, grantees);
        } catch (SQLException e) {
            throw new StrataException(ErrorCode.MIGRATION_FAILED, "Making the tenant tables of " + target.name()
                    + " safe failed after " + (run.isEmpty() ? "no migration" : run.get(run.size() - 1).script())
                    + ": " + e.getMessage() + ". Nothing was applied; fix the migration and apply again", e);
        }
        SchemaFingerprint.Snapshot after = fingerprint.read(admin, schema);
        boolean same = Objects.equals(after.schema(), template.schema()) && !after.touchedOutside()
                && Objects.equals(after.outsideCounts(), outsideBefore);
        if (!same) {
            LOG.info("{} does not match its template after {} ({}): migrating it again under every check", target.name(),
                    run.isEmpty() ? "no migration" : run.get(run.size() - 1).script(),
                    !Objects.equals(after.schema(), template.schema()) ? "its schema differs: " + after.difference(template)
                            : after.touchedOutside() ? "something outside its schema was written"
                            : "something outside its schema was removed or added");
        }
        return same;
    }

    /**
     * The snapshot a tenant target is compared with by {@link #migrateLikeTemplate}: read on the
     * template inside the caller's transaction, after it was migrated.
     */
    SchemaFingerprint.Snapshot snapshot(Connection admin, String schema) throws SQLException {
        return fingerprint.read(admin, schema);
    }

    /** What lies outside {@code schema} in the connected database, counted: the {@code outsideBefore} of {@link #migrateLikeTemplate}. */
    String outside(Connection admin, String schema) throws SQLException {
        return fingerprint.outside(admin, schema).outsideCounts();
    }

    private void run(Connection admin, AppSchema target, TenantMigration migration) throws SQLException {
        String sql = forTarget(migration, admin, target);
        String user = currentUser(admin);
        try (Statement s = admin.createStatement()) {
            s.execute("SET LOCAL search_path = " + quote(target.schema()) + ", platform");
            s.execute("SAVEPOINT strata_migration");
            try {
                s.execute(sql);
            } catch (SQLException e) {
                s.execute("ROLLBACK TO SAVEPOINT strata_migration");
                throw new StrataException(ErrorCode.MIGRATION_FAILED, "Migration " + migration.script() + " failed on "
                        + target.name() + ": " + e.getMessage() + ". Fix the script (or add a new migration after it) "
                        + "and apply again; " + target.name() + " is unchanged", e);
            }
            s.execute("RELEASE SAVEPOINT strata_migration");
        }
        if (!user.equals(currentUser(admin))) {
            throw MigrationRefusals.refused(target, List.of(migration), "It switched the role it runs as to "
                    + currentUser(admin) + ": migrations run as Strata's administrator. Remove the SET ROLE / SET SESSION "
                    + "AUTHORIZATION (also inside DO blocks)");
        }
        LOG.debug("Applied {} to {}", migration.script(), target.name());
    }

    private static String currentUser(Connection admin) throws SQLException {
        try (Statement s = admin.createStatement(); ResultSet rs = s.executeQuery("SELECT current_user")) {
            rs.next();
            return rs.getString(1);
        }
    }

    /** The migration's text with Flyway's per-target placeholders ({@code ${flyway:defaultSchema}}...) replaced. */
    private static String forTarget(TenantMigration migration, Connection admin, AppSchema target) throws SQLException {
        String sql = migration.sql();
        if (!sql.contains("${flyway:")) {
            return sql;
        }
        String user;
        try (Statement s = admin.createStatement(); ResultSet rs = s.executeQuery("SELECT current_user")) {
            rs.next();
            user = rs.getString(1);
        }
        Map<String, String> values = new LinkedHashMap<>();
        values.put("flyway:defaultSchema", target.schema());
        values.put("flyway:database", target.database());
        values.put("flyway:user", user);
        values.put("flyway:table", HISTORY_TABLE);
        values.put("flyway:timestamp", new java.text.SimpleDateFormat("yyyy-MM-dd HH:mm:ss").format(java.util.Date.from(Instant.now())));
        values.put("flyway:filename", migration.script());
        values.put("flyway:workingDirectory", System.getProperty("user.dir"));
        values.put("flyway:environment", "default");
        for (Map.Entry<String, String> e : values.entrySet()) {
            sql = sql.replace("${" + e.getKey() + "}", e.getValue());
        }
        return sql;
    }

    private static void record(Connection admin, String schema, int rank, TenantMigration migration, int millis)
            throws SQLException {
        try (PreparedStatement ps = admin.prepareStatement("INSERT INTO " + qualified(schema, HISTORY_TABLE)
                + " (installed_rank, version, description, type, script, checksum, installed_by, execution_time, success)"
                + " VALUES (?, ?, ?, 'SQL', ?, ?, current_user, ?, true)")) {
            ps.setInt(1, rank);
            ps.setString(2, migration.version());
            ps.setString(3, truncate(migration.description(), 200));
            ps.setString(4, truncate(migration.script(), 1000));
            ps.setInt(5, migration.checksum());
            ps.setInt(6, millis);
            ps.executeUpdate();
        }
    }

    private static String truncate(String text, int max) {
        return text.length() <= max ? text : text.substring(0, max);
    }

    private static int nextRank(Connection admin, String schema) throws SQLException {
        try (Statement s = admin.createStatement();
             ResultSet rs = s.executeQuery("SELECT coalesce(max(installed_rank), 0) + 1 FROM "
                     + qualified(schema, HISTORY_TABLE))) {
            rs.next();
            return rs.getInt(1);
        }
    }

    /**
     * The newest successfully applied version recorded in one schema's history, {@code null} if
     * none (or if the schema has no history yet).
     */
    public static String appliedVersion(Connection admin, String schema) throws SQLException {
        try (PreparedStatement ps = admin.prepareStatement("SELECT to_regclass(?) IS NOT NULL")) {
            ps.setString(1, qualified(schema, HISTORY_TABLE));
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                if (!rs.getBoolean(1)) {
                    return null;
                }
            }
        }
        String newest = null;
        try (Statement s = admin.createStatement();
             ResultSet rs = s.executeQuery("SELECT version FROM " + qualified(schema, HISTORY_TABLE)
                     + " WHERE success AND version IS NOT NULL")) {
            while (rs.next()) {
                if (TenantMigrationSet.compareVersions(rs.getString(1), newest) > 0) {
                    newest = rs.getString(1);
                }
            }
        }
        return newest;
    }

    /** Flyway's history table for PostgreSQL, created if missing (the same columns, key and index). */
    static String historyDdl(String schema) {
        String table = qualified(schema, HISTORY_TABLE);
        return "CREATE TABLE IF NOT EXISTS " + table + " (\n"
                + "    installed_rank INT NOT NULL,\n"
                + "    version VARCHAR(50),\n"
                + "    description VARCHAR(200) NOT NULL,\n"
                + "    type VARCHAR(20) NOT NULL,\n"
                + "    script VARCHAR(1000) NOT NULL,\n"
                + "    checksum INTEGER,\n"
                + "    installed_by VARCHAR(100) NOT NULL,\n"
                + "    installed_on TIMESTAMP NOT NULL DEFAULT now(),\n"
                + "    execution_time INTEGER NOT NULL,\n"
                + "    success BOOLEAN NOT NULL,\n"
                + "    CONSTRAINT " + quote(HISTORY_TABLE + "_pk") + " PRIMARY KEY (installed_rank)\n"
                + ");\n"
                + "CREATE INDEX IF NOT EXISTS " + quote(HISTORY_TABLE + "_s_idx") + " ON " + table + " (success)";
    }

    /**
     * The newest applied version of every app schema of the connected database that has a history
     * table, in one query ({@code null} value: a history without a successful migration). Strata's
     * own {@code platform} schema is not an app schema and is left out.
     */
    public static Map<String, String> appliedVersions(Connection admin) throws SQLException {
        List<String> schemas = new ArrayList<>();
        try (PreparedStatement ps = admin.prepareStatement("""
                SELECT n.nspname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                 WHERE c.relname = ? AND c.relkind IN ('r', 'p') AND n.nspname <> ?
                 ORDER BY n.nspname""")) {
            ps.setString(1, HISTORY_TABLE);
            ps.setString(2, PhysicalNames.PLATFORM_SCHEMA);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    schemas.add(rs.getString(1));
                }
            }
        }
        Map<String, String> versions = new LinkedHashMap<>();
        if (schemas.isEmpty()) {
            return versions;
        }
        StringBuilder sql = new StringBuilder();
        for (String schema : schemas) {
            versions.put(schema, null);
            if (!sql.isEmpty()) {
                sql.append("\nUNION ALL\n");
            }
            sql.append("SELECT ").append(literal(schema)).append(", version FROM ").append(qualified(schema, HISTORY_TABLE))
                    .append(" WHERE success AND version IS NOT NULL");
        }
        try (Statement s = admin.createStatement(); ResultSet rs = s.executeQuery(sql.toString())) {
            while (rs.next()) {
                String schema = rs.getString(1);
                String version = rs.getString(2);
                if (TenantMigrationSet.compareVersions(version, versions.get(schema)) > 0) {
                    versions.put(schema, version);
                }
            }
        }
        return versions;
    }
}

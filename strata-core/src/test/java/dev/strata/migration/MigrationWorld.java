package dev.strata.migration;

import dev.strata.IsolationMode;
import dev.strata.NewTenant;
import dev.strata.Strata;
import dev.strata.Tenant;
import dev.strata.testing.Documents;
import dev.strata.testing.TestStrata;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static dev.strata.internal.sql.Identifiers.quote;

/**
 * A namespace with the tenant migrations of a test directory ({@link MigrationFiles}) and a tenant
 * in every mode and tier: T1s in rls, schema and database mode, each with an RLS-mode T2, and a
 * schema-mode T2. Lets a test add a migration and start Strata again (start-up migrates the
 * template first, then everything behind), and compare what every app schema holds.
 */
final class MigrationWorld implements AutoCloseable {
    final String namespace = TestStrata.newNamespace();
    final MigrationFiles files;
    final Map<String, Tenant> tenants = new LinkedHashMap<>();
    Strata strata;

    private MigrationWorld(MigrationFiles files) {
        this.files = files;
    }

    /** Starts with {@code V1__documents.sql}, creates the tenants and one document each. */
    static MigrationWorld create(Path dir) throws SQLException {
        MigrationWorld world = new MigrationWorld(MigrationFiles.withDocuments(dir));
        world.start();
        world.add(NewTenant.t1("rls-t1").withMode(IsolationMode.RLS));
        world.add(NewTenant.t2("rls-t2", "rls-t1"));
        world.add(NewTenant.t1("schema-t1").withMode(IsolationMode.SCHEMA));
        world.add(NewTenant.t2("schema-t2", "schema-t1"));
        world.add(NewTenant.t2("schema-own-t2", "schema-t1").withMode(IsolationMode.SCHEMA));
        world.add(NewTenant.t1("db-t1").withMode(IsolationMode.DATABASE));
        world.add(NewTenant.t2("db-t2", "db-t1"));
        for (Tenant tenant : world.tenants.values()) {
            Documents.insert(world.strata, tenant.id(), "doc of " + tenant.slug());
        }
        return world;
    }

    private void add(NewTenant request) {
        Tenant tenant = strata.tenants().create(request);
        tenants.put(tenant.slug(), tenant);
    }

    Tenant tenant(String slug) {
        return tenants.get(slug);
    }

    /** Starts Strata on the namespace with the directory's migrations (stopping a running one first). */
    Strata start() {
        stop();
        strata = dev.strata.StrataConfig.builder().server(dev.strata.testing.SharedPostgres.server()).namespace(namespace)
                .statsFlushInterval(java.time.Duration.ZERO).tenantMigrations(files.location()).start();
        return strata;
    }

    /**
     * What the newest migration run reported beyond done/total ({@link dev.strata.OperationInfo#report()}):
     * failed, matched_template, fully_checked, differed.
     */
    Map<String, Object> lastRunReport() {
        List<dev.strata.OperationInfo> runs = strata.operations().list(
                new dev.strata.OperationFilter(null, dev.strata.OperationKind.MIGRATE, null, 1));
        if (runs.isEmpty()) {
            throw new IllegalStateException("no migration run was journalled");
        }
        return runs.get(0).report();
    }

    void stop() {
        if (strata != null) {
            strata.close();
            strata = null;
        }
    }

    /** Every database of the namespace holding app schemas: the template first. */
    List<String> databases() throws SQLException {
        List<String> out = new ArrayList<>();
        out.add(namespace + "_template");
        try (Connection c = TestStrata.admin("postgres");
             PreparedStatement ps = c.prepareStatement(
                     "SELECT datname FROM pg_database WHERE datname LIKE ? || '\\_%' AND datname <> ? ORDER BY 1")) {
            ps.setString(1, namespace);
            ps.setString(2, namespace + "_template");
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getString(1));
                }
            }
        }
        return out;
    }

    /** Work on an administrator connection to a database (the template is opened for it, then closed again). */
    <T> T inDatabase(String database, SqlWork<T> work) throws SQLException {
        boolean template = database.equals(namespace + "_template");
        if (template) {
            try (Connection c = TestStrata.admin("postgres"); Statement s = c.createStatement()) {
                s.execute("ALTER DATABASE " + quote(database) + " WITH ALLOW_CONNECTIONS true");
            }
        }
        try (Connection c = TestStrata.admin(database)) {
            return work.run(c);
        } finally {
            if (template) {
                try (Connection c = TestStrata.admin("postgres"); Statement s = c.createStatement()) {
                    s.execute("ALTER DATABASE " + quote(database) + " WITH ALLOW_CONNECTIONS false");
                }
            }
        }
    }

    @FunctionalInterface
    interface SqlWork<T> {
        T run(Connection c) throws SQLException;
    }

    /** {@code <database>/<schema>} of every app schema (with a history), with the newest version applied. */
    Map<String, String> versions() throws SQLException {
        Map<String, String> out = new TreeMap<>();
        for (String db : databases()) {
            inDatabase(db, c -> {
                dev.strata.internal.migration.SchemaMigrator.appliedVersions(c).forEach((schema, v) -> out.put(db + "/" + schema, v));
                return null;
            });
        }
        return out;
    }

    /**
     * What every database of the namespace holds that a migration could change: relations with
     * their kind, owner, privileges, row level security and comment; policies; functions; rules;
     * triggers; the histories; default privileges; extensions; the namespace's roles with their
     * attributes and memberships.
     */
    Map<String, String> catalog() throws SQLException {
        Map<String, String> out = new TreeMap<>();
        for (String db : databases()) {
            out.put(db, inDatabase(db, MigrationWorld::describe));
        }
        try (Connection c = TestStrata.admin("postgres");
             PreparedStatement ps = c.prepareStatement("""
                     SELECT string_agg(concat_ws(' ', r.rolname, r.rolsuper, r.rolbypassrls, r.rolcreaterole, r.rolcreatedb,
                                                 r.rolreplication, r.rolcanlogin,
                                                 (SELECT string_agg(pg_get_userbyid(m.roleid), ',' ORDER BY 1)
                                                    FROM pg_auth_members m WHERE m.member = r.oid)), E'\\n' ORDER BY r.rolname)
                       FROM pg_roles r WHERE r.rolname LIKE ? || '\\_%'""")) {
            ps.setString(1, namespace);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                out.put("roles", rs.getString(1));
            }
        }
        return out;
    }

    private static String describe(Connection c) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("""
                WITH ns AS (SELECT oid, nspname FROM pg_namespace
                             WHERE nspname NOT IN ('pg_catalog', 'information_schema') AND nspname NOT LIKE 'pg\\_%')
                SELECT string_agg(line, E'\\n' ORDER BY line) FROM (
                    SELECT concat_ws(' ', 'schema', n.nspname, pg_get_userbyid(x.nspowner), x.nspacl::text) AS line
                      FROM ns n JOIN pg_namespace x ON x.oid = n.oid
                    UNION ALL
                    SELECT concat_ws(' ', 'relation', n.nspname, c.relname, c.relkind, pg_get_userbyid(c.relowner),
                                     c.relacl::text, c.relrowsecurity, c.relforcerowsecurity, c.reloptions::text,
                                     obj_description(c.oid, 'pg_class'))
                      FROM pg_class c JOIN ns n ON n.oid = c.relnamespace WHERE c.relkind IN ('r', 'p', 'v', 'm', 'f', 'S', 'i')
                    UNION ALL
                    SELECT concat_ws(' ', 'column', c.oid::regclass::text, a.attname, format_type(a.atttypid, a.atttypmod),
                                     a.attacl::text)
                      FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN ns n ON n.oid = c.relnamespace
                     WHERE a.attnum > 0 AND NOT a.attisdropped AND c.relkind IN ('r', 'p', 'v', 'm', 'f')
                    UNION ALL
                    SELECT concat_ws(' ', 'policy', p.polrelid::regclass::text, p.polname, p.polcmd, p.polpermissive,
                                     p.polroles::text, pg_get_expr(p.polqual, p.polrelid), pg_get_expr(p.polwithcheck, p.polrelid))
                      FROM pg_policy p
                    UNION ALL
                    SELECT concat_ws(' ', 'constraint', k.conrelid::regclass::text, k.conname, pg_get_constraintdef(k.oid))
                      FROM pg_constraint k JOIN ns n ON n.oid = k.connamespace
                    UNION ALL
                    SELECT concat_ws(' ', 'function', p.oid::regprocedure::text, p.prosecdef, p.proacl::text, md5(p.prosrc))
                      FROM pg_proc p JOIN ns n ON n.oid = p.pronamespace
                    UNION ALL
                    SELECT concat_ws(' ', 'rule', w.ev_class::regclass::text, w.rulename) FROM pg_rewrite w
                      JOIN pg_class c ON c.oid = w.ev_class JOIN ns n ON n.oid = c.relnamespace WHERE w.rulename <> '_RETURN'
                    UNION ALL
                    SELECT concat_ws(' ', 'trigger', t.tgrelid::regclass::text, t.tgname) FROM pg_trigger t WHERE NOT t.tgisinternal
                    UNION ALL
                    SELECT concat_ws(' ', 'default acl', d.defaclrole, d.defaclnamespace, d.defaclacl::text) FROM pg_default_acl d
                    UNION ALL
                    SELECT concat_ws(' ', 'extension', x.extname) FROM pg_extension x
                    UNION ALL
                    SELECT concat_ws(' ', 'database', d.datname, d.datacl::text) FROM pg_database d WHERE d.datname = current_database()
                ) lines""")) {
            rs.next();
            String catalog = rs.getString(1);
            StringBuilder histories = new StringBuilder();
            for (Map.Entry<String, String> e : dev.strata.internal.migration.SchemaMigrator.appliedVersions(c).entrySet()) {
                histories.append("\nhistory ").append(e.getKey()).append(' ').append(e.getValue());
            }
            return catalog + histories;
        }
    }

    @Override
    public void close() {
        stop();
        TestStrata.dropNamespace(namespace);
    }
}

package dev.strata.server.demo;

import dev.strata.IsolationMode;
import dev.strata.Strata;
import dev.strata.Tenant;
import dev.strata.TenantScope;
import dev.strata.TenantWork;
import dev.strata.audit.AuditFinding;
import dev.strata.audit.AuditReport;
import dev.strata.audit.AuditSeverity;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;

import static dev.strata.server.demo.DemoConnections.quote;

/**
 * The demo's isolation checks on the example topology. Each is an attack or an observation made
 * through Strata's public API (tenant transactions) or, where the attack needs it, a raw
 * connection with a database's app role, compared against the ground truth the administrator
 * reads with explicit {@code tenant_id} filters. Attacks that write are always rolled back, so
 * a failing check never damages data. The checks compare sets, never fixed counts, so they hold
 * however many times the demo has run.
 */
public final class IsolationChecks {
    /** SQLSTATE of "new row violates row-level security policy" and "permission denied for database". */
    private static final String INSUFFICIENT_PRIVILEGE = "42501";

    private final Strata strata;
    private final DemoTopology topology;
    private final DemoConnections db;
    private Map<UUID, Map<UUID, String>> truth;

    IsolationChecks(Strata strata, DemoTopology topology, DemoConnections db) {
        this.strata = strata;
        this.topology = topology;
        this.db = db;
    }

    @FunctionalInterface
    private interface Check {
        CheckResult run(String name) throws Exception;
    }

    /** Runs every check; a check that cannot run counts as failed, and the others still run. */
    public List<CheckResult> run() throws SQLException {
        truth = groundTruth();
        List<CheckResult> results = new ArrayList<>();
        results.add(check("t2_reads_exactly_its_own_rows", this::t2ReadsExactlyItsOwnRows));
        results.add(check("t2_cannot_read_sibling_row_by_id", this::t2CannotReadSiblingRowById));
        results.add(check("t2_cannot_update_sibling_rows", this::t2CannotUpdateSiblingRows));
        results.add(check("t2_cannot_delete_sibling_rows", this::t2CannotDeleteSiblingRows));
        results.add(check("t2_cannot_insert_row_with_sibling_tenant_id", this::t2CannotInsertForSibling));
        results.add(check("t2_cannot_see_cousin_under_other_t1", this::t2CannotSeeCousin));
        results.add(check("t1_reads_own_and_its_t2s_rows", this::t1ReadsOwnAndItsT2sRows));
        results.add(check("t1_reads_none_of_other_t1s_rows", this::t1ReadsNoneOfOtherT1sRows));
        results.add(check("every_tenant_relation_shows_only_rows_the_hierarchy_allows", this::everyTenantRelation));
        results.add(check("no_context_returns_no_rows", this::noContextReturnsNoRows));
        results.add(check("no_context_after_committed_tenant_transaction_returns_no_rows", this::noContextAfterCommit));
        results.add(check("explicit_empty_context_returns_no_rows", this::explicitEmptyContext));
        results.add(check("pool_of_one_never_hands_context_to_next_transaction", this::poolOfOneNeverLeaks));
        results.add(check("t1_databases_are_physically_separate", this::t1DatabasesArePhysicallySeparate));
        results.add(check("t1_app_role_cannot_connect_to_other_t1_database", this::appRoleCannotConnectToOtherT1));
        results.add(check("t1_app_role_cannot_connect_to_management_database", this::appRoleCannotConnectToManagement));
        results.add(check("audit_passes", this::auditPasses));
        return results;
    }

    private static CheckResult check(String name, Check check) {
        try {
            return check.run(name);
        } catch (Exception e) {
            return CheckResult.fail(name, "the check could not run: " + e);
        }
    }

    // ---------------------------------------------------------------- T2 isolation

    private CheckResult t2ReadsExactlyItsOwnRows(String name) throws SQLException {
        List<String> observed = new ArrayList<>();
        boolean ok = true;
        for (Tenant t2 : topology.customers()) {
            Map<UUID, UUID> seen = rowsSeenBy(t2);
            Set<UUID> expected = truth.get(t2.id()).keySet();
            boolean exact = !expected.isEmpty() && seen.keySet().equals(expected)
                    && seen.values().stream().allMatch(t2.id()::equals);
            ok &= exact;
            observed.add(t2.slug() + " read " + seen.size() + " rows, ground truth " + expected.size()
                    + (exact ? "" : " (MISMATCH)"));
        }
        return new CheckResult(name, ok, String.join("; ", observed));
    }

    private CheckResult t2CannotReadSiblingRowById(String name) throws SQLException {
        List<String> observed = new ArrayList<>();
        boolean ok = true;
        for (Tenant[] pair : siblingPairs()) {
            Tenant reader = pair[0];
            Tenant victim = pair[1];
            Collection<UUID> ids = truth.get(victim.id()).keySet();
            long byId = strata.inTenant(reader.id(), s -> count(s, "SELECT count(*) FROM documents WHERE id = ANY (?::uuid[])",
                    uuidArray(ids)));
            long byTenant = strata.inTenant(reader.id(), s -> count(s,
                    "SELECT count(*) FROM documents WHERE tenant_id = ? AND id = ANY (?::uuid[])", victim.id(), uuidArray(ids)));
            ok &= !ids.isEmpty() && byId == 0 && byTenant == 0;
            observed.add(reader.slug() + " asked for " + ids.size() + " rows of " + victim.slug() + " by id: got " + (byId + byTenant));
        }
        return new CheckResult(name, ok, String.join("; ", observed));
    }

    private CheckResult t2CannotUpdateSiblingRows(String name) throws SQLException {
        return siblingWriteAttack(name, "updated",
                "UPDATE documents SET title = 'hijacked' WHERE tenant_id = ?",
                "UPDATE documents SET title = 'hijacked' WHERE id = ANY (?::uuid[])");
    }

    private CheckResult t2CannotDeleteSiblingRows(String name) throws SQLException {
        return siblingWriteAttack(name, "deleted",
                "DELETE FROM documents WHERE tenant_id = ?",
                "DELETE FROM documents WHERE id = ANY (?::uuid[])");
    }

    /** Runs an update or delete of a sibling's rows (by tenant id, then by row ids), always rolled back. */
    private CheckResult siblingWriteAttack(String name, String verb, String byTenantSql, String byIdSql) throws SQLException {
        List<String> observed = new ArrayList<>();
        boolean ok = true;
        for (Tenant[] pair : siblingPairs()) {
            Tenant attacker = pair[0];
            Tenant victim = pair[1];
            Map<UUID, String> before = truth.get(victim.id());
            long affected = rolledBack(attacker, s -> update(s, byTenantSql, victim.id())
                    + update(s, byIdSql, uuidArray(before.keySet())));
            boolean unchanged = db.documentsOf(victim).equals(before);
            ok &= !before.isEmpty() && affected == 0 && unchanged;
            observed.add(attacker.slug() + " " + verb + " " + affected + " of " + before.size() + " rows of " + victim.slug()
                    + (unchanged ? "" : " (ROWS CHANGED)"));
        }
        return new CheckResult(name, ok, String.join("; ", observed));
    }

    private CheckResult t2CannotInsertForSibling(String name) throws SQLException {
        List<String> observed = new ArrayList<>();
        boolean ok = true;
        for (Tenant[] pair : siblingPairs()) {
            Tenant attacker = pair[0];
            Tenant victim = pair[1];
            try {
                rolledBack(attacker, s -> update(s, "INSERT INTO documents (tenant_id, title) VALUES (?, 'planted')", victim.id()));
                ok = false;
                observed.add(attacker.slug() + " inserted a row as " + victim.slug() + " (ACCEPTED; rolled back by the demo)");
            } catch (SQLException e) {
                boolean refused = INSUFFICIENT_PRIVILEGE.equals(e.getSQLState());
                ok &= refused;
                observed.add(attacker.slug() + " inserting as " + victim.slug() + ": " + (refused ? "refused" : "failed otherwise")
                        + " (SQLSTATE " + e.getSQLState() + ")");
            }
        }
        return new CheckResult(name, ok, String.join("; ", observed));
    }

    private CheckResult t2CannotSeeCousin(String name) throws SQLException {
        List<String> observed = new ArrayList<>();
        boolean ok = true;
        for (Tenant reader : topology.customers()) {
            for (Tenant cousin : topology.customers()) {
                if (topology.partnerOf(reader).id().equals(topology.partnerOf(cousin).id())) {
                    continue;
                }
                Collection<UUID> ids = truth.get(cousin.id()).keySet();
                long seen = strata.inTenant(reader.id(), s -> count(s,
                        "SELECT count(*) FROM documents WHERE tenant_id = ? OR id = ANY (?::uuid[])", cousin.id(), uuidArray(ids)));
                ok &= !ids.isEmpty() && seen == 0;
                observed.add(reader.slug() + " sees " + seen + " of " + ids.size() + " rows of " + cousin.slug());
            }
        }
        return new CheckResult(name, ok, String.join("; ", observed));
    }

    // ---------------------------------------------------------------- T1 visibility

    private CheckResult t1ReadsOwnAndItsT2sRows(String name) throws SQLException {
        List<String> observed = new ArrayList<>();
        boolean ok = true;
        for (Tenant t1 : List.of(topology.alpha(), topology.beta())) {
            Set<UUID> family = family(t1);
            Set<UUID> expected = new HashSet<>();
            family.forEach(id -> expected.addAll(truth.get(id).keySet()));
            Map<UUID, UUID> seen = rowsSeenBy(t1);
            boolean exact = seen.keySet().equals(expected) && family.containsAll(seen.values())
                    && family.equals(new HashSet<>(seen.values()));
            ok &= exact;
            observed.add(t1.slug() + " read " + seen.size() + " rows of " + new HashSet<>(seen.values()).size()
                    + " tenants, ground truth " + expected.size() + " rows of " + family.size() + (exact ? "" : " (MISMATCH)"));
        }
        return new CheckResult(name, ok, String.join("; ", observed));
    }

    private CheckResult t1ReadsNoneOfOtherT1sRows(String name) throws SQLException {
        List<String> observed = new ArrayList<>();
        boolean ok = true;
        for (Tenant[] pair : new Tenant[][] {{topology.alpha(), topology.beta()}, {topology.beta(), topology.alpha()}}) {
            Tenant reader = pair[0];
            Set<UUID> otherFamily = family(pair[1]);
            Set<UUID> otherIds = new HashSet<>();
            otherFamily.forEach(id -> otherIds.addAll(truth.get(id).keySet()));
            long seen = strata.inTenant(reader.id(), s -> count(s,
                    "SELECT count(*) FROM documents WHERE tenant_id = ANY (?::uuid[]) OR id = ANY (?::uuid[])",
                    uuidArray(otherFamily), uuidArray(otherIds)));
            ok &= !otherIds.isEmpty() && seen == 0;
            observed.add(reader.slug() + " sees " + seen + " of " + otherIds.size() + " rows of " + pair[1].slug() + " and its T2s");
        }
        return new CheckResult(name, ok, String.join("; ", observed));
    }

    // ---------------------------------------------------------------- no context

    private CheckResult noContextReturnsNoRows(String name) throws SQLException {
        Tenant alpha = topology.alpha();
        long stored = familyRows(alpha);
        try (Connection c = db.asRole(alpha.placement().database(), db.appRoleOf(alpha.placement().database()))) {
            long seen = count(c, "SELECT count(*) FROM " + documentsTable(alpha));
            boolean ok = stored > 0 && seen == 0;
            return new CheckResult(name, ok, "a fresh connection as " + alpha.slug() + "'s app role sees " + seen + " of "
                    + stored + " rows stored in " + alpha.placement().database());
        }
    }

    private CheckResult noContextAfterCommit(String name) throws SQLException {
        Tenant alpha = topology.alpha();
        Tenant a1 = topology.a1();
        try (Connection c = db.asRole(alpha.placement().database(), db.appRoleOf(alpha.placement().database()))) {
            c.setAutoCommit(false);
            try (PreparedStatement ps = c.prepareStatement("SELECT platform.set_tenant_context(?, 2)")) {
                ps.setObject(1, a1.id());
                ps.execute();
            }
            long inside = count(c, "SELECT count(*) FROM " + documentsTable(alpha));
            c.commit();
            c.setAutoCommit(true);
            String leftover = string(c, "SELECT current_setting('app.tenant_id', true)");
            long after = count(c, "SELECT count(*) FROM " + documentsTable(alpha));
            boolean ok = inside == truth.get(a1.id()).size() && inside > 0 && after == 0;
            return new CheckResult(name, ok, "in a1's transaction " + inside + " rows; after its commit app.tenant_id is '"
                    + (leftover == null ? "NULL" : leftover) + "' and the same query sees " + after);
        }
    }

    private CheckResult explicitEmptyContext(String name) throws SQLException {
        Tenant alpha = topology.alpha();
        try (Connection c = db.asRole(alpha.placement().database(), db.appRoleOf(alpha.placement().database()))) {
            string(c, "SELECT set_config('app.tenant_id', '', false) || set_config('app.tenant_tier', '', false)");
            long seen = count(c, "SELECT count(*) FROM " + documentsTable(alpha));
            return new CheckResult(name, seen == 0 && familyRows(alpha) > 0,
                    "with app.tenant_id and app.tenant_tier set to '' the query sees " + seen + " rows (and raises no error)");
        }
    }

    // ---------------------------------------------------------------- pooling

    /** What one tenant transaction observed of its connection. */
    private record Observation(Tenant tenant, int backendPid, String setting, Set<UUID> tenantsSeen) {
        boolean clean() {
            return tenant.id().toString().equals(setting) && Set.of(tenant.id()).equals(tenantsSeen);
        }
    }

    /**
     * With one connection per database, tenant transactions alternate on the same physical
     * connection: after a commit, after a rollback, and after a commit in the middle of a
     * transaction, the next transaction sees only its own context and rows.
     */
    private CheckResult poolOfOneNeverLeaks(String name) throws SQLException {
        if (strata.config().poolSizePerDatabase() != 1) {
            return CheckResult.fail(name, "the demo must run with one connection per database pool, not "
                    + strata.config().poolSizePerDatabase());
        }
        Tenant a1 = topology.a1();
        Tenant a2 = topology.a2();
        List<Observation> observations = new ArrayList<>();
        observations.add(strata.inTenant(a1.id(), s -> observe(s, a1)));
        observations.add(strata.inTenant(a2.id(), s -> observe(s, a2)));
        try {
            strata.inTenant(a1.id(), s -> {
                observations.add(observe(s, a1));
                throw new RolledBack(null);
            });
        } catch (RolledBack expected) {
            // the failed transaction of a1 was rolled back
        }
        observations.add(strata.inTenant(a2.id(), s -> observe(s, a2)));
        observations.add(strata.inTenant(a1.id(), s -> {
            observe(s, a1);
            s.connection().commit();
            return observe(s, a1);
        }));
        observations.add(strata.inTenant(a2.id(), s -> observe(s, a2)));
        Set<Integer> pids = observations.stream().map(Observation::backendPid).collect(Collectors.toSet());
        List<String> leaks = observations.stream().filter(o -> !o.clean())
                .map(o -> o.tenant().slug() + " saw context '" + o.setting() + "' and rows of " + o.tenantsSeen().size() + " tenants")
                .toList();
        boolean ok = pids.size() == 1 && leaks.isEmpty();
        return new CheckResult(name, ok, observations.size() + " transactions alternating a1/a2 (after commit, rollback and "
                + "mid-transaction commit) on " + pids.size() + " connection(s); "
                + (leaks.isEmpty() ? "each saw only its own context and rows" : String.join(", ", leaks)));
    }

    private static Observation observe(TenantScope s, Tenant tenant) throws SQLException {
        int pid;
        String setting;
        try (PreparedStatement ps = s.connection().prepareStatement(
                "SELECT pg_backend_pid(), current_setting('app.tenant_id', true)");
             ResultSet rs = ps.executeQuery()) {
            rs.next();
            pid = rs.getInt(1);
            setting = rs.getString(2);
        }
        Set<UUID> seen = new LinkedHashSet<>();
        try (PreparedStatement ps = s.connection().prepareStatement("SELECT DISTINCT tenant_id FROM documents");
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                seen.add(rs.getObject(1, UUID.class));
            }
        }
        return new Observation(tenant, pid, setting, seen);
    }

    // ---------------------------------------------------------------- physical separation

    private CheckResult t1DatabasesArePhysicallySeparate(String name) throws SQLException {
        Tenant alpha = topology.alpha();
        Tenant beta = topology.beta();
        String alphaDb = alpha.placement().database();
        String betaDb = beta.placement().database();
        List<String> problems = new ArrayList<>();
        if (alpha.mode() != IsolationMode.DATABASE || beta.mode() != IsolationMode.DATABASE) {
            problems.add("alpha is in " + alpha.mode().wireName() + " mode and beta in " + beta.mode().wireName() + " mode");
        }
        if (alphaDb.equals(betaDb)) {
            problems.add("both are in database " + alphaDb);
        }
        for (String database : List.of(alphaDb, betaDb)) {
            if (!db.databaseExists(database)) {
                problems.add("database " + database + " does not exist");
            }
        }
        for (Tenant t1 : List.of(alpha, beta)) {
            for (Tenant t2 : topology.customersOf(t1)) {
                if (!t2.placement().database().equals(t1.placement().database())) {
                    problems.add(t2.slug() + " is not in its T1's database");
                }
            }
        }
        long strays = 0;
        for (Tenant[] pair : new Tenant[][] {{alpha, beta}, {beta, alpha}}) {
            for (UUID id : family(pair[0])) {
                strays += db.documentsIn(pair[1].placement().database(), pair[1].placement().schema(), id).size();
            }
        }
        if (strays > 0) {
            problems.add(strays + " rows of one T1's family found in the other's database");
        }
        String detail = "alpha in " + alphaDb + ", beta in " + betaDb + "; no rows of either family in the other's database";
        return problems.isEmpty() ? CheckResult.pass(name, detail) : CheckResult.fail(name, String.join("; ", problems));
    }

    private CheckResult appRoleCannotConnectToOtherT1(String name) throws SQLException {
        List<String> observed = new ArrayList<>();
        boolean ok = true;
        for (Tenant[] pair : new Tenant[][] {{topology.alpha(), topology.beta()}, {topology.beta(), topology.alpha()}}) {
            String own = pair[0].placement().database();
            DemoConnections.AppRole role = db.appRoleOf(own);
            try (Connection c = db.asRole(own, role)) {
                count(c, "SELECT 1");
            }
            String verdict = connectAs(role, pair[1].placement().database());
            ok &= verdict.startsWith("refused");
            observed.add(pair[0].slug() + "'s app role connecting to " + pair[1].slug() + "'s database: " + verdict);
        }
        return new CheckResult(name, ok, String.join("; ", observed));
    }

    private CheckResult appRoleCannotConnectToManagement(String name) throws SQLException {
        String management = strata.config().namespace();
        List<String> observed = new ArrayList<>();
        boolean ok = true;
        for (Tenant t1 : List.of(topology.alpha(), topology.beta())) {
            String verdict = connectAs(db.appRoleOf(t1.placement().database()), management);
            ok &= verdict.startsWith("refused");
            observed.add(t1.slug() + "'s app role connecting to " + management + ": " + verdict);
        }
        return new CheckResult(name, ok, String.join("; ", observed));
    }

    private String connectAs(DemoConnections.AppRole role, String database) {
        try (Connection c = db.asRole(database, role)) {
            return "CONNECTED as " + c.getMetaData().getUserName();
        } catch (SQLException e) {
            return INSUFFICIENT_PRIVILEGE.equals(e.getSQLState()) ? "refused (permission denied)"
                    : "failed for another reason (SQLSTATE " + e.getSQLState() + ")";
        }
    }

    // ---------------------------------------------------------------- audit

    private CheckResult auditPasses(String name) {
        AuditReport report;
        try {
            report = strata.audit();
        } catch (RuntimeException e) {
            return CheckResult.fail(name, "the audit could not run: " + e);
        }
        long warnings = report.findings().size() - report.violations();
        if (report.passed()) {
            return CheckResult.pass(name, report.databases().size() + " databases, " + report.checks().size()
                    + " rules, no violations, " + warnings + " warnings");
        }
        String first = report.findings().stream().filter(f -> f.severity() == AuditSeverity.VIOLATION).limit(3)
                .map(AuditFinding::message).collect(Collectors.joining("; "));
        return CheckResult.fail(name, report.violations() + " violations, e.g. " + first);
    }

    /**
     * Not only documents: every table, partition and view with a tenant_id in each tenant's schema
     * (whatever the configured migrations created), read without a filter, shows the tenant only
     * its own rows, and a T1 also its T2s' rows.
     */
    private CheckResult everyTenantRelation(String name) throws SQLException {
        List<String> problems = new ArrayList<>();
        Set<String> relations = new java.util.TreeSet<>();
        for (Tenant tenant : topology.all()) {
            Set<UUID> allowed = tenant.tier() == dev.strata.Tier.T1 ? family(tenant) : Set.of(tenant.id());
            List<String> names = db.tenantRelationsIn(tenant.placement().database(), tenant.placement().schema());
            if (names.isEmpty()) {
                problems.add(tenant.slug() + "'s schema has no tenant table");
            }
            for (String relation : names) {
                relations.add(relation);
                String table = quote(tenant.placement().schema()) + "." + quote(relation);
                Set<UUID> seen = strata.inTenant(tenant.id(), s -> {
                    Set<UUID> ids = new LinkedHashSet<>();
                    try (PreparedStatement ps = s.connection().prepareStatement("SELECT DISTINCT tenant_id FROM " + table);
                         ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            ids.add(rs.getObject(1, UUID.class));
                        }
                    }
                    return ids;
                });
                seen.removeAll(allowed);
                if (!seen.isEmpty()) {
                    problems.add(tenant.slug() + " read rows of " + seen.size() + " other tenant(s) in " + relation);
                }
            }
        }
        String scope = topology.all().size() + " tenants x " + relations.size() + " relations " + relations;
        return problems.isEmpty() ? CheckResult.pass(name, scope + ": each saw only rows it may read")
                : CheckResult.fail(name, scope + ": " + String.join("; ", problems));
    }

    // ---------------------------------------------------------------- helpers

    private Map<UUID, Map<UUID, String>> groundTruth() throws SQLException {
        Map<UUID, Map<UUID, String>> out = new HashMap<>();
        for (Tenant t : topology.all()) {
            out.put(t.id(), db.documentsOf(t));
        }
        return out;
    }

    /** Ordered pairs of T2s under the same T1. */
    private List<Tenant[]> siblingPairs() {
        return List.of(new Tenant[] {topology.a1(), topology.a2()}, new Tenant[] {topology.a2(), topology.a1()});
    }

    private Set<UUID> family(Tenant t1) {
        Set<UUID> ids = new LinkedHashSet<>();
        ids.add(t1.id());
        topology.customersOf(t1).forEach(t -> ids.add(t.id()));
        return ids;
    }

    private long familyRows(Tenant t1) {
        return family(t1).stream().mapToLong(id -> truth.get(id).size()).sum();
    }

    private static String documentsTable(Tenant t) {
        return quote(t.placement().schema()) + ".documents";
    }

    /** Every (id → tenant_id) row a tenant's transaction sees without any filter: row level security alone decides. */
    private Map<UUID, UUID> rowsSeenBy(Tenant tenant) throws SQLException {
        return strata.inTenant(tenant.id(), s -> {
            Map<UUID, UUID> rows = new HashMap<>();
            try (PreparedStatement ps = s.connection().prepareStatement("SELECT id, tenant_id FROM documents");
                 ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    rows.put(rs.getObject(1, UUID.class), rs.getObject(2, UUID.class));
                }
            }
            return rows;
        });
    }

    /** Carries a result out of a tenant transaction while forcing it to roll back. */
    private static final class RolledBack extends RuntimeException {
        private static final long serialVersionUID = 1L;
        private final transient Object result;

        RolledBack(Object result) {
            super(null, null, false, false);
            this.result = result;
        }
    }

    /** Runs work as a tenant and always rolls it back, returning what it returned. */
    @SuppressWarnings("unchecked")
    private <R> R rolledBack(Tenant tenant, TenantWork<R, SQLException> work) throws SQLException {
        try {
            strata.inTenant(tenant.id(), s -> {
                throw new RolledBack(work.run(s));
            });
        } catch (RolledBack done) {
            return (R) done.result;
        }
        throw new IllegalStateException("unreachable");
    }

    private static String uuidArray(Collection<UUID> ids) {
        return ids.stream().map(UUID::toString).collect(Collectors.joining(",", "{", "}"));
    }

    private static long count(TenantScope s, String sql, Object... params) throws SQLException {
        return count(s.connection(), sql, params);
    }

    private static long count(Connection c, String sql, Object... params) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            bind(ps, params);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    private static long update(TenantScope s, String sql, Object... params) throws SQLException {
        try (PreparedStatement ps = s.connection().prepareStatement(sql)) {
            bind(ps, params);
            return ps.executeUpdate();
        }
    }

    private static String string(Connection c, String sql) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql); ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getString(1);
        }
    }

    private static void bind(PreparedStatement ps, Object... params) throws SQLException {
        for (int i = 0; i < params.length; i++) {
            ps.setObject(i + 1, params[i]);
        }
    }
}

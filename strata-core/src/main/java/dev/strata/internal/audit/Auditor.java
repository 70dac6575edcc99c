package dev.strata.internal.audit;

import dev.strata.audit.AuditFinding;
import dev.strata.audit.AuditReport;
import dev.strata.audit.AuditSeverity;
import dev.strata.internal.StrataEngine;
import dev.strata.internal.provisioning.DatabaseRecord;
import dev.strata.internal.provisioning.DatabaseStore;
import dev.strata.internal.provisioning.SchemaOwners;
import dev.strata.internal.sql.DataPlane;
import dev.strata.internal.sql.Jdbc;
import dev.strata.internal.sql.PhysicalNames;
import dev.strata.internal.sql.SqlStates;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;

/**
 * Checks the catalogs of every database Strata manages against the isolation rules of
 * {@link AuditCheck}: per server, the shared catalogs once (roles, memberships, database
 * privileges, role settings, the template); then each database from inside, as the administrator,
 * in a read-only transaction, one query per rule. Changes nothing. One instance per run.
 */
public final class Auditor {
    private static final Logger LOG = LoggerFactory.getLogger(Auditor.class);
    private static final String EXISTING_DATABASES = "SELECT datname FROM pg_database WHERE datname = ANY (?)";

    private final StrataEngine engine;

    public Auditor(StrataEngine engine) {
        this.engine = engine;
    }

    /**
     * Runs every rule on every database.
     *
     * A database whose server (or Neon compute) does not answer is an {@code audit_coverage}
     * violation, so the report fails instead of passing without having looked, and every other
     * database is still audited.
     *
     * @throws dev.strata.StrataException {@link dev.strata.ErrorCode#DATABASE_ERROR} if a database
     *         that answers cannot be read
     */
    public AuditReport run() {
        Instant checkedAt = Instant.now();
        long started = System.nanoTime();
        List<DatabaseRecord> live = Jdbc.withConnection(engine.management(), "list the databases to audit", DatabaseStore::live);
        Map<SchemaOwners.Database, Map<String, Set<UUID>>> owners =
                Jdbc.withConnection(engine.management(), "list the tenant schemas to audit", SchemaOwners::all);
        List<AuditFinding> findings = new ArrayList<>();
        List<String> checked = new ArrayList<>();
        List<AuditedDatabase> onNeon = new ArrayList<>();
        Map<String, List<AuditedDatabase>> byPlane = targets(live, onNeon, findings);
        for (Map.Entry<String, List<AuditedDatabase>> plane : byPlane.entrySet()) {
            auditPlane(engine.plane(plane.getKey()), plane.getValue(), owners, findings, checked);
        }
        for (AuditedDatabase db : onNeon) {
            auditNeonDatabase(db, owners, findings, checked);
        }
        findings.addAll(auditRegistry());
        findings.sort(Comparator.comparing(AuditFinding::severity)
                .thenComparing(f -> AuditCheck.valueOf(f.check().toUpperCase(Locale.ROOT)))
                .thenComparing(AuditFinding::database, Comparator.nullsLast(Comparator.naturalOrder()))
                .thenComparing(AuditFinding::object, Comparator.nullsLast(Comparator.naturalOrder())));
        AuditReport report = new AuditReport(checkedAt, checked, AuditCheck.names(), findings);
        LOG.info("Audit checked {} databases in {} ms: {} violations, {} warnings", checked.size(),
                (System.nanoTime() - started) / 1_000_000, report.violations(), findings.size() - report.violations());
        return report;
    }

    /**
     * The management database, each data plane's template and every live database, by data plane;
     * the databases of Neon planes (each at a compute of its own) go to {@code onNeon}.
     */
    private Map<String, List<AuditedDatabase>> targets(List<DatabaseRecord> live, List<AuditedDatabase> onNeon,
                                                       List<AuditFinding> findings) {
        PhysicalNames names = engine.names();
        Map<String, List<AuditedDatabase>> byPlane = new TreeMap<>();
        byPlane.computeIfAbsent(DataPlane.DEFAULT_KEY, k -> new ArrayList<>()).add(
                new AuditedDatabase(DataPlane.DEFAULT_KEY, names.managementDatabase(), AuditedDatabase.Kind.MANAGEMENT, null));
        // one snapshot of the planes: one added while the audit runs is audited next time, never half
        Set<String> planes = new TreeSet<>(engine.planes().keySet());
        for (String plane : planes) {
            byPlane.computeIfAbsent(plane, k -> new ArrayList<>()).add(
                    new AuditedDatabase(plane, names.templateDatabase(), AuditedDatabase.Kind.TEMPLATE, null));
        }
        // Neon planes are no servers (no template, not among the planes above): each database is at its own compute
        Map<String, Boolean> neon = new HashMap<>();
        for (DatabaseRecord db : live) {
            if (neon.computeIfAbsent(db.dataPlane(), engine.neonPlane()::isNeon)) {
                onNeon.add(new AuditedDatabase(db.dataPlane(), db.name(), AuditedDatabase.Kind.TENANT, db.appRole()));
                continue;
            }
            if (!planes.contains(db.dataPlane())) {
                findings.add(coverage(db.name(), "Database " + db.name() + " is registered on data plane '" + db.dataPlane()
                        + "', which this Strata process is not configured with, so it was not audited. Run the audit "
                        + "where every data plane is configured."));
                continue;
            }
            byPlane.get(db.dataPlane()).add(
                    new AuditedDatabase(db.dataPlane(), db.name(), AuditedDatabase.Kind.TENANT, db.appRole()));
        }
        return byPlane;
    }

    /**
     * A T1's database on a Neon plane: its compute is a server of its own, so its shared catalogs and
     * the database itself are checked there, as Neon's owner role (waking the compute if suspended).
     */
    private void auditNeonDatabase(AuditedDatabase db, Map<SchemaOwners.Database, Map<String, Set<UUID>>> owners,
                                   List<AuditFinding> findings, List<String> checked) {
        DataPlane compute;
        try {
            compute = engine.neonPlane().of(db.dataPlane(), db.name());
        } catch (dev.strata.StrataException e) {
            findings.add(coverage(db.name(), "Database " + db.name() + " is registered on Neon plane '" + db.dataPlane()
                    + "' but no Neon placement holds it, so it was not audited: " + e.getMessage()));
            return;
        }
        String t1Role = engine.names().t1ContextRole();
        String[] appRoles = {db.appRole(), t1Role};
        try {
            findings.addAll(readOnly(compute, db.name(), "audit database " + db.name() + " on Neon plane '" + db.dataPlane() + "'",
                    c -> {
                        // the compute may name the database otherwise inside (a stand-in's backing database)
                        String inside = currentDatabase(c);
                        Map<String, Object> cluster = new HashMap<>();
                        cluster.put("app_roles", appRoles);
                        cluster.put("app_role_databases", new String[] {inside, null});
                        cluster.put("databases", new String[] {inside});
                        cluster.put("template", null);
                        cluster.put("t1_role", t1Role);
                        cluster.put("t0_role", engine.names().t0ReaderRole());
                        List<AuditFinding> out = new ArrayList<>();
                        for (CatalogQuery query : Queries.CLUSTER) {
                            out.addAll(query.run(c, cluster));
                        }
                        Map<String, Object> arguments = databaseArguments(db.dataPlane(), db, appRoles, owners);
                        for (CatalogQuery query : Queries.DATABASE.get(db.kind())) {
                            out.addAll(query.run(c, arguments));
                        }
                        return out.stream().map(f -> inside.equals(f.database()) ? new AuditFinding(f.severity(), f.check(),
                                db.name(), inside.equals(f.object()) ? db.name() : f.object(), f.message()) : f).toList();
                    }));
            checked.add(db.name());
        } catch (DatabaseVanished e) {
            findings.add(coverage(db.name(), "Database " + db.name() + " is registered but does not exist at its Neon compute "
                    + "on plane '" + db.dataPlane() + "', so it was not audited."));
        } catch (Unreachable e) {
            findings.add(unreachable(db.name(), "Database " + db.name() + " on Neon plane '" + db.dataPlane() + "' could not "
                    + "be reached (" + e.getMessage() + "), so it was not audited: audit again when its compute answers."));
        }
    }

    private static String currentDatabase(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT current_database()"); ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getString(1);
        }
    }

    private void auditPlane(DataPlane plane, List<AuditedDatabase> targets, Map<SchemaOwners.Database, Map<String, Set<UUID>>> owners,
                            List<AuditFinding> findings, List<String> checked) {
        List<String> roles = new ArrayList<>();
        List<String> roleDatabases = new ArrayList<>();
        for (AuditedDatabase db : targets) {
            if (db.appRole() != null) {
                roles.add(db.appRole());
                roleDatabases.add(db.name());
            }
        }
        String t1Role = engine.names().t1ContextRole();
        roles.add(t1Role);
        roleDatabases.add(null);
        String[] appRoles = roles.toArray(String[]::new);
        Set<String> existing;
        try {
            existing = serverChecks(plane, targets, appRoles, roleDatabases, t1Role, findings);
        } catch (Unreachable e) {
            for (AuditedDatabase db : targets) {
                findings.add(unreachable(db.name(), "Database " + db.name() + " could not be audited: the server of data "
                        + "plane '" + plane.key() + "' could not be reached (" + e.getMessage() + "). Audit again when it "
                        + "answers."));
            }
            return;
        }
        auditDatabases(plane, targets, existing, appRoles, owners, findings, checked);
    }

    /** The server-wide rules of a plane, run in its maintenance database; returns which of {@code targets} exist. */
    private Set<String> serverChecks(DataPlane plane, List<AuditedDatabase> targets, String[] appRoles,
                                     List<String> roleDatabases, String t1Role, List<AuditFinding> findings) {
        return readOnly(plane, plane.server().database(), "audit the server of data plane " + plane.key(), c -> {
            Set<String> present = existingDatabases(c, targets);
            Map<String, Object> arguments = new HashMap<>();
            arguments.put("app_roles", appRoles);
            arguments.put("app_role_databases", roleDatabases.toArray(String[]::new));
            arguments.put("databases", present.toArray(String[]::new));
            arguments.put("template", engine.names().templateDatabase());
            arguments.put("t1_role", t1Role);
            arguments.put("t0_role", engine.names().t0ReaderRole());
            for (CatalogQuery query : Queries.CLUSTER) {
                findings.addAll(query.run(c, arguments));
            }
            return present;
        });
    }

    private void auditDatabases(DataPlane plane, List<AuditedDatabase> targets, Set<String> existing, String[] appRoles,
                                Map<SchemaOwners.Database, Map<String, Set<UUID>>> owners, List<AuditFinding> findings,
                                List<String> checked) {
        for (AuditedDatabase db : targets) {
            if (!existing.contains(db.name())) {
                findings.add(coverage(db.name(), "Database " + db.name() + " is registered but does not exist on data plane '"
                        + plane.key() + "', so it was not audited. If a tenant is being provisioned into it, audit again "
                        + "when that has finished; otherwise repair or decommission the tenants placed there."));
                continue;
            }
            checked.add(db.name());
            if (db.kind() == AuditedDatabase.Kind.TEMPLATE) {
                continue;
            }
            Map<String, Object> arguments = databaseArguments(plane.key(), db, appRoles, owners);
            try {
                readOnly(plane, db.name(), "audit database " + db.name(), c -> {
                    for (CatalogQuery query : Queries.DATABASE.get(db.kind())) {
                        findings.addAll(query.run(c, arguments));
                    }
                    return null;
                });
            } catch (DatabaseVanished e) {
                checked.remove(db.name());
                findings.add(coverage(db.name(), "Database " + db.name() + " was dropped while the audit ran; nothing left to check."));
            } catch (Unreachable e) {
                checked.remove(db.name());
                findings.add(unreachable(db.name(), "Database " + db.name() + " on data plane '" + plane.key() + "' could "
                        + "not be reached (" + e.getMessage() + "), so it was not audited: audit again when it answers."));
            }
        }
    }

    /** The parameters of the per-database rules for one database. */
    private Map<String, Object> databaseArguments(String planeKey, AuditedDatabase db, String[] appRoles,
                                                  Map<SchemaOwners.Database, Map<String, Set<UUID>>> owners) {
        Map<String, Object> arguments = new HashMap<>();
        arguments.put("kind", db.kind() == AuditedDatabase.Kind.TENANT ? "tenant" : "management");
        arguments.put("schema", null);
        arguments.put("own_role", db.appRole());
        arguments.put("t1_role", engine.names().t1ContextRole());
        arguments.put("t0_role", engine.names().t0ReaderRole());
        arguments.put("app_roles", appRoles);
        List<String> ownerSchemas = new ArrayList<>();
        List<String> ownerIds = new ArrayList<>();
        owners.getOrDefault(new SchemaOwners.Database(planeKey, db.name()), Map.of()).forEach((schema, ids) -> ids.forEach(id -> {
            ownerSchemas.add(schema);
            ownerIds.add(id.toString());
        }));
        arguments.put("owner_schemas", ownerSchemas.toArray(String[]::new));
        arguments.put("owner_ids", ownerIds.toArray(String[]::new));
        return arguments;
    }

    /** The rules over the registry (data residency), in a read-only transaction of the management database. */
    private List<AuditFinding> auditRegistry() {
        return Jdbc.withConnection(engine.management(), "audit the registry", c -> {
            boolean autoCommit = c.getAutoCommit();
            c.setAutoCommit(false);
            c.setReadOnly(true);
            try {
                List<AuditFinding> out = new ArrayList<>();
                for (CatalogQuery query : Queries.REGISTRY) {
                    out.addAll(query.run(c, Map.of()));
                }
                return out;
            } finally {
                c.rollback();
                c.setReadOnly(false);
                c.setAutoCommit(autoCommit);
            }
        });
    }

    private static Set<String> existingDatabases(Connection c, List<AuditedDatabase> targets) throws SQLException {
        Set<String> present = new HashSet<>();
        try (PreparedStatement ps = c.prepareStatement(EXISTING_DATABASES)) {
            ps.setArray(1, c.createArrayOf("text", targets.stream().map(AuditedDatabase::name).toArray(String[]::new)));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    present.add(rs.getString(1));
                }
            }
        }
        return present;
    }

    /** Runs work on a new administrator connection in a read-only transaction, rolled back at the end. */
    private static <R> R readOnly(DataPlane plane, String database, String what, Jdbc.SqlWork<R> work) {
        Connection c;
        try {
            c = plane.openAdmin(database);
        } catch (SQLException e) {
            if (SqlStates.is(e, SqlStates.INVALID_CATALOG_NAME)) {
                throw new DatabaseVanished();
            }
            if (SqlStates.isUnavailableAtConnect(e)) {
                throw new Unreachable(SqlStates.rootMessage(e));
            }
            throw Jdbc.databaseError(what, e);
        }
        try (c) {
            c.setAutoCommit(false);
            c.setReadOnly(true);
            try {
                return work.run(c);
            } finally {
                c.rollback();
            }
        } catch (SQLException e) {
            throw Jdbc.databaseError(what, e);
        }
    }

    private static AuditFinding coverage(String database, String message) {
        return new AuditFinding(AuditSeverity.WARNING, AuditCheck.AUDIT_COVERAGE.checkName(), database, database, message);
    }

    /**
     * A database that could not be inspected because its server (or Neon compute) did not answer: a
     * violation, so that the audit fails rather than passes without having looked, while every
     * other database is still audited.
     */
    private static AuditFinding unreachable(String database, String message) {
        return new AuditFinding(AuditSeverity.VIOLATION, AuditCheck.AUDIT_COVERAGE.checkName(), database, database, message);
    }

    /** The server of a database to audit did not answer the connection. */
    private static final class Unreachable extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Unreachable(String message) {
            super(message, null, false, false);
        }
    }

    /** A database listed for the audit no longer exists when it is opened. */
    private static final class DatabaseVanished extends RuntimeException {
        private static final long serialVersionUID = 1L;

        DatabaseVanished() {
            super(null, null, false, false);
        }
    }

    /** The catalog queries, read from the class path once. */
    private static final class Queries {
        static final List<CatalogQuery> CLUSTER = AuditCheck.clusterQueries();
        static final List<CatalogQuery> REGISTRY = AuditCheck.registryQueries();
        static final Map<AuditedDatabase.Kind, List<CatalogQuery>> DATABASE = new EnumMap<>(AuditedDatabase.Kind.class);

        static {
            for (AuditedDatabase.Kind kind : AuditedDatabase.Kind.values()) {
                DATABASE.put(kind, AuditCheck.databaseQueries(kind));
            }
        }
    }
}

package dev.strata.internal.move;

import dev.strata.ErrorCode;
import dev.strata.StrataException;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/**
 * Whether a source can be captured, checked before anything is created: the server's
 * {@code wal_level}, the administrator's right to replicate, room for two more replication slots
 * (the capture's and the copy's temporary one) and a WAL sender, and for every table of the scope
 * (and every partition of a partitioned one) a replica identity that contains {@code tenant_id}.
 * Each refusal is {@link ErrorCode#MOVE_REFUSED} naming what to change. Read-only; stateless.
 */
final class CapturabilityCheck {
    private CapturabilityCheck() {
    }

    static void require(Connection source, CopyEndpoint endpoint, CopyScope scope) throws SQLException {
        String plane = endpoint.plane().key();
        String walLevel = CaptureConnections.queryString(source, "SELECT current_setting('wal_level')");
        if (!"logical".equals(walLevel)) {
            throw refused("Data plane " + plane + " runs with wal_level=" + walLevel
                    + "; online moves need wal_level=logical: set it in postgresql.conf (ALTER SYSTEM SET wal_level = logical) and restart the server");
        }
        if (!CaptureConnections.exists(source, "SELECT 1 FROM pg_roles WHERE rolname = current_user AND (rolsuper OR rolreplication)")) {
            throw refused("The administrator of data plane " + plane + " may not use replication: "
                    + "ALTER ROLE ... REPLICATION (or use a superuser)");
        }
        if (!CaptureConnections.exists(source, "SELECT 1 FROM pg_roles WHERE rolname = current_user AND (rolsuper OR rolbypassrls)")) {
            throw refused("The administrator of data plane " + plane + " is subject to row level security, so it would "
                    + "copy and compare only the rows its policies admit: ALTER ROLE ... BYPASSRLS (or use a superuser)");
        }
        long freeSlots = Long.parseLong(CaptureConnections.queryString(source,
                "SELECT current_setting('max_replication_slots')::bigint - (SELECT count(*) FROM pg_replication_slots)"));
        if (freeSlots < 2) {
            throw refused("Data plane " + plane + " has " + Math.max(freeSlots, 0) + " free replication slots and a move needs 2: "
                    + "raise max_replication_slots (restart needed) or finish other moves first");
        }
        long freeSenders = Long.parseLong(CaptureConnections.queryString(source,
                "SELECT current_setting('max_wal_senders')::bigint - (SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'walsender')"));
        if (freeSenders < 1) {
            throw refused("Data plane " + plane + " has no free WAL sender for a move: raise max_wal_senders (restart needed)"
                    + " or finish other moves first");
        }
        if (!CaptureConnections.exists(source, "SELECT 1 FROM pg_namespace WHERE nspname = ?", endpoint.schema())) {
            throw refused("Schema " + endpoint.schema() + " does not exist in " + endpoint.name());
        }
        for (String table : scope.tables()) {
            requireTable(source, endpoint, table);
        }
    }

    /**
     * Whether the target can take the scope's rows on its apply connection: its administrator must
     * see and write every row (superuser or {@code BYPASSRLS}), and where it applies with triggers in
     * force (it may not set {@code session_replication_role}, as on Neon) no tenant table of the
     * target may have a user trigger, which would run a second time for what the source's already did.
     */
    static void requireApplicable(Connection apply, CopyEndpoint target, CopyScope scope) throws SQLException {
        String plane = target.plane().key();
        if (!CaptureConnections.exists(apply, "SELECT 1 FROM pg_roles WHERE rolname = current_user AND (rolsuper OR rolbypassrls)")) {
            throw refused("The administrator of data plane " + plane + " is subject to row level security at the target "
                    + target.name() + ", so it could not write every row of the tenant: ALTER ROLE ... BYPASSRLS (or use a superuser)");
        }
        if (CaptureConnections.appliesAsReplica(apply)) {
            return;
        }
        try (PreparedStatement ps = apply.prepareStatement("""
                SELECT c.relname, t.tgname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid
                  JOIN pg_namespace n ON n.oid = c.relnamespace
                 WHERE n.nspname = ? AND c.relname = ANY (?) AND NOT t.tgisinternal AND t.tgenabled <> 'D'
                 ORDER BY 1, 2 LIMIT 1""")) {
            ps.setString(1, target.schema());
            ps.setArray(2, apply.createArrayOf("text", scope.tables().toArray()));
            try (ResultSet rs = ps.executeQuery()) {
                if (rs.next()) {
                    throw refused("Table " + target.schema() + "." + rs.getString(1) + " at the target " + target.name()
                            + " has trigger " + rs.getString(2) + ", and the administrator of data plane " + plane
                            + " cannot turn triggers off while it applies the tenant's rows (it may not set "
                            + "session_replication_role): the trigger would run again for what it did at the source."
                            + " Move the tenant where the administrator is a superuser, or drop the trigger");
                }
            }
        }
    }

    private static void requireTable(Connection source, CopyEndpoint endpoint, String table) throws SQLException {
        String qualified = endpoint.schema() + "." + table;
        try (PreparedStatement ps = source.prepareStatement("""
                SELECT t.oid, t.relkind,
                       EXISTS (SELECT 1 FROM pg_attribute a WHERE a.attrelid = t.oid AND a.attname = 'tenant_id'
                               AND a.attnum > 0 AND NOT a.attisdropped)
                  FROM pg_class t JOIN pg_namespace n ON n.oid = t.relnamespace
                 WHERE n.nspname = ? AND t.relname = ?""")) {
            ps.setString(1, endpoint.schema());
            ps.setString(2, table);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    throw refused("Table " + qualified + " does not exist in " + endpoint.name());
                }
                String kind = rs.getString(2);
                if (!"r".equals(kind) && !"p".equals(kind)) {
                    throw refused(qualified + " is not a table (relkind " + kind + "): only tables are moved");
                }
                if (!rs.getBoolean(3)) {
                    throw refused("Table " + qualified + " has no tenant_id column: a tenant table needs one"
                            + " (declare shared data as reference data)");
                }
            }
        }
        // the table itself and, for a partitioned table, every partition (changes are decoded per partition)
        try (PreparedStatement ps = source.prepareStatement("""
                SELECT p.relid::regclass::text, c.relkind, c.relreplident,
                       (SELECT i.indexrelid::regclass::text FROM pg_index i
                         WHERE i.indrelid = c.oid AND ((c.relreplident = 'd' AND i.indisprimary)
                                                    OR (c.relreplident = 'i' AND i.indisreplident))),
                       EXISTS (SELECT 1 FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY (i.indkey)
                                WHERE i.indrelid = c.oid AND a.attname = 'tenant_id'
                                  AND ((c.relreplident = 'd' AND i.indisprimary) OR (c.relreplident = 'i' AND i.indisreplident)))
                  FROM (SELECT format('%I.%I', ?::text, ?::text)::regclass AS root) r
                  CROSS JOIN LATERAL (SELECT r.root AS relid, 0 AS level
                                      UNION SELECT t.relid, t.level FROM pg_partition_tree(r.root) t) p
                  JOIN pg_class c ON c.oid = p.relid
                 WHERE c.relkind IN ('r', 'p')
                 ORDER BY p.level, p.relid::regclass::text""")) {
            ps.setString(1, endpoint.schema());
            ps.setString(2, table);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    String relation = rs.getString(1);
                    String identity = rs.getString(3);
                    String index = rs.getString(4);
                    boolean withTenant = rs.getBoolean(5);
                    String fix = "make tenant_id part of its replica identity: a primary key containing tenant_id, or "
                            + "ALTER TABLE " + relation + " REPLICA IDENTITY USING INDEX <a unique index on (tenant_id, ...)>";
                    switch (identity) {
                        case "f" -> throw refused("Table " + relation + " has REPLICA IDENTITY FULL, which a move cannot"
                                + " capture by key: " + fix);
                        case "n" -> throw refused("Table " + relation + " has REPLICA IDENTITY NOTHING, so its updates"
                                + " and deletes cannot be captured: " + fix);
                        default -> {
                            if (index == null) {
                                throw refused("Table " + relation + " has no primary key (nor replica identity index),"
                                        + " so its updates and deletes cannot be captured: " + fix);
                            }
                            if (!withTenant) {
                                throw refused("The replica identity of table " + relation + " (index " + index
                                        + ") does not contain tenant_id: " + fix);
                            }
                        }
                    }
                }
            }
        }
    }

    private static StrataException refused(String message) {
        return new StrataException(ErrorCode.MOVE_REFUSED, message);
    }
}

package dev.strata.internal.move;

import java.math.BigInteger;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One table's count and checksum on one side at a snapshot F, from those at an earlier snapshot
 * P of the same side: the sums at P, plus those of the tuples F sees and P does not ("appeared"),
 * minus those of the tuples P sees and F does not ("went"). The sums are over tuples, so this is
 * exactly the full pass at F, found by the side itself whatever wrote it.
 *
 * <p>Why the two sets are found exactly, with P's transaction still open (it holds the horizon: no
 * tuple P sees can be pruned, frozen past P, or moved, and its slot not reused; and its lock keeps
 * the table from being rewritten): a tuple F sees whose inserting transaction ended before P's
 * {@code xmin} is one P sees too, so the tuples of F whose raw {@code xmin} is not older than P's
 * {@code xmin} ({@code age()} at most that of P's {@code xmin}, both read in the same statement;
 * an {@code xmin} so old that its age wrapped negative counts as not older: a superset still) hold
 * every appeared one; of those, the ones P's snapshot sees at the
 * same {@code (tableoid, ctid)} did not appear. A tuple P sees that F does not was deleted or
 * updated, which sets its {@code xmax}, so P's tuples with an {@code xmax} hold every one that
 * went (lockers too); of those, the ones F sees at the same place did not go. Only the two sets'
 * rows are hashed. Stateless.
 */
final class SnapshotDelta {
    private SnapshotDelta() {
    }

    static TenantVerifier.Sum sumAtF(Connection p, Connection f, TableShape shape, List<String> columns, String tenants,
                                     long pXmin, TenantVerifier.Sum atP) throws SQLException {
        String table = shape.qualified();
        Map<Long, List<String>> appeared = notSeenBy(p, tuples(f, "SELECT tableoid::oid::bigint, ctid::text FROM " + table
                + " WHERE tenant_id = ANY (?::uuid[]) AND age(xmin) <= age('" + pXmin + "'::xid)", tenants), tenants);
        Map<Long, List<String>> went = notSeenBy(f, tuples(p, "SELECT tableoid::oid::bigint, ctid::text FROM " + table
                + " WHERE tenant_id = ANY (?::uuid[]) AND NOT xmax = '0'::xid", tenants), tenants);
        TenantVerifier.Sum plus = sumOf(f, appeared, columns, tenants);
        TenantVerifier.Sum minus = sumOf(p, went, columns, tenants);
        BigInteger checksum = new BigInteger(atP.checksum()).add(new BigInteger(plus.checksum()))
                .subtract(new BigInteger(minus.checksum()));
        return new TenantVerifier.Sum(atP.rows() + plus.rows() - minus.rows(), checksum.toString());
    }

    /** The relations (oids) holding a table's rows: itself, or its leaf partitions. */
    static List<Long> leaves(Connection c, TableShape shape) throws SQLException {
        List<Long> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT relid::oid::bigint FROM pg_partition_tree(?::regclass) WHERE isleaf ORDER BY 1")) {
            ps.setString(1, shape.qualified());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getLong(1));
                }
            }
        }
        return out;
    }

    /** The tuples a query returns as {@code (tableoid, ctid)}, by relation. */
    private static Map<Long, List<String>> tuples(Connection c, String sql, String tenants) throws SQLException {
        Map<Long, List<String>> out = new LinkedHashMap<>();
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, tenants);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.computeIfAbsent(rs.getLong(1), k -> new ArrayList<>()).add(rs.getString(2));
                }
            }
        }
        return out;
    }

    /** Of the given tuples, those the connection's snapshot does not see at their place. */
    private static Map<Long, List<String>> notSeenBy(Connection c, Map<Long, List<String>> tuples, String tenants)
            throws SQLException {
        Map<Long, List<String>> out = new LinkedHashMap<>();
        for (Map.Entry<Long, List<String>> e : tuples.entrySet()) {
            Set<String> seen = new HashSet<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT ctid::text FROM " + relation(c, e.getKey())
                    + " WHERE ctid = ANY (?::tid[]) AND tenant_id = ANY (?::uuid[])")) {
                ps.setString(1, tidArray(e.getValue()));
                ps.setString(2, tenants);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        seen.add(rs.getString(1));
                    }
                }
            }
            List<String> unseen = e.getValue().stream().filter(t -> !seen.contains(t)).toList();
            if (!unseen.isEmpty()) {
                out.put(e.getKey(), unseen);
            }
        }
        return out;
    }

    /** Count and checksum of the given tuples as the connection's snapshot sees them. */
    private static TenantVerifier.Sum sumOf(Connection c, Map<Long, List<String>> tuples, List<String> columns,
                                            String tenants) throws SQLException {
        long rows = 0;
        BigInteger checksum = BigInteger.ZERO;
        for (Map.Entry<Long, List<String>> e : tuples.entrySet()) {
            try (PreparedStatement ps = c.prepareStatement("SELECT count(*), " + TenantVerifier.checksumExpression(columns)
                    + " FROM " + relation(c, e.getKey()) + " WHERE ctid = ANY (?::tid[]) AND tenant_id = ANY (?::uuid[])")) {
                ps.setString(1, tidArray(e.getValue()));
                ps.setString(2, tenants);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    rows += rs.getLong(1);
                    checksum = checksum.add(new BigInteger(rs.getString(2)));
                }
            }
        }
        return new TenantVerifier.Sum(rows, checksum.toString());
    }

    /** The relation of an oid as SQL ({@code regclass} output: qualified and quoted as needed). */
    private static String relation(Connection c, long oid) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT ?::oid::regclass::text")) {
            ps.setLong(1, oid);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                String name = rs.getString(1);
                if (name == null || name.chars().allMatch(Character::isDigit)) {
                    throw new SQLException("relation " + oid + " is gone");
                }
                return name;
            }
        }
    }

    private static String tidArray(List<String> tids) {
        return "{" + String.join(",", tids.stream().map(t -> "\"" + t + "\"").toList()) + "}";
    }
}

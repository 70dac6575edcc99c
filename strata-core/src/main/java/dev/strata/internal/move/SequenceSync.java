package dev.strata.internal.move;

import dev.strata.internal.sql.Identifiers;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * Brings the target's sequences of identity and serial columns at least to the source's: each is
 * set to the greatest of its own position, the source sequence's last value and the column's
 * maximum at the target, so the next value drawn at the target collides with no moved row.
 * Stateless; thread-safe.
 */
final class SequenceSync {
    private SequenceSync() {
    }

    private record SequenceColumn(String column, String sequence) {
    }

    static void sync(Connection source, Connection target, CopyEndpoint from, CopyEndpoint to, CopyScope scope)
            throws SQLException {
        for (String table : scope.tables()) {
            List<SequenceColumn> targetSequences = sequences(target, to.schema(), table);
            if (targetSequences.isEmpty()) {
                continue;
            }
            List<SequenceColumn> sourceSequences = sequences(source, from.schema(), table);
            TableShape shape = TableShape.read(target, to.schema(), table);
            for (SequenceColumn seq : targetSequences) {
                long wanted = 0;
                for (SequenceColumn there : sourceSequences) {
                    if (there.column().equals(seq.column())) {
                        wanted = Math.max(wanted, lastValue(source, there.sequence()));
                    }
                }
                wanted = Math.max(wanted, maxOf(target, shape, seq.column()));
                wanted = Math.max(wanted, lastValue(target, seq.sequence()));
                if (wanted > 0) {
                    try (PreparedStatement ps = target.prepareStatement("SELECT setval(?::regclass, ?, true)")) {
                        ps.setString(1, seq.sequence());
                        ps.setLong(2, wanted);
                        ps.execute();
                    }
                }
            }
        }
    }

    /** The sequences owned by the table's identity and serial columns. */
    private static List<SequenceColumn> sequences(Connection c, String schema, String table) throws SQLException {
        List<SequenceColumn> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("""
                SELECT a.attname, pg_get_serial_sequence(format('%I.%I', n.nspname, t.relname), a.attname)
                  FROM pg_attribute a
                  JOIN pg_class t ON t.oid = a.attrelid
                  JOIN pg_namespace n ON n.oid = t.relnamespace
                 WHERE n.nspname = ? AND t.relname = ? AND a.attnum > 0 AND NOT a.attisdropped
                   AND pg_get_serial_sequence(format('%I.%I', n.nspname, t.relname), a.attname) IS NOT NULL""")) {
            ps.setString(1, schema);
            ps.setString(2, table);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new SequenceColumn(rs.getString(1), rs.getString(2)));
                }
            }
        }
        return out;
    }

    private static long lastValue(Connection c, String sequence) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT pg_sequence_last_value(?::regclass)")) {
            ps.setString(1, sequence);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                long value = rs.getLong(1);
                return rs.wasNull() ? 0 : value;
            }
        }
    }

    private static long maxOf(Connection c, TableShape shape, String column) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT max(" + Identifiers.quote(column) + ")::bigint FROM " + shape.qualified())) {
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                long value = rs.getLong(1);
                return rs.wasNull() ? 0 : value;
            }
        }
    }
}

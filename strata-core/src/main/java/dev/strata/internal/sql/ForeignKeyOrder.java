package dev.strata.internal.sql;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Orders tables of one schema by the foreign keys between them: {@link #referencedFirst} is the
 * order in which rows can be inserted, {@link #referencingFirst} the order in which they can be
 * deleted, without violating a key. Stateless and thread-safe.
 */
public final class ForeignKeyOrder {
    private static final String FOREIGN_KEYS = """
            SELECT child.relname, parent.relname FROM pg_constraint k
              JOIN pg_class child ON child.oid = k.conrelid
              JOIN pg_class parent ON parent.oid = k.confrelid
              JOIN pg_namespace n ON n.oid = child.relnamespace AND n.oid = parent.relnamespace
             WHERE k.contype = 'f' AND n.nspname = ? AND child.oid <> parent.oid""";

    private ForeignKeyOrder() {
    }

    /** The tables with every table after those it references (ties, and the members of a cycle, by name). */
    public static List<String> referencedFirst(Connection c, String schema, Collection<String> tables) throws SQLException {
        Set<String> wanted = new HashSet<>(tables);
        Map<String, Set<String>> references = new HashMap<>();
        try (PreparedStatement ps = c.prepareStatement(FOREIGN_KEYS)) {
            ps.setString(1, schema);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    if (wanted.contains(rs.getString(1)) && wanted.contains(rs.getString(2))) {
                        references.computeIfAbsent(rs.getString(1), k -> new HashSet<>()).add(rs.getString(2));
                    }
                }
            }
        }
        List<String> order = new ArrayList<>();
        TreeSet<String> remaining = new TreeSet<>(wanted);
        while (!remaining.isEmpty()) {
            String next = remaining.stream()
                    .filter(t -> references.getOrDefault(t, Set.of()).stream().noneMatch(remaining::contains))
                    .findFirst()
                    .orElse(remaining.first());
            order.add(next);
            remaining.remove(next);
        }
        return order;
    }

    /** The tables with every table before those it references: the order to delete rows in. */
    public static List<String> referencingFirst(Connection c, String schema, Collection<String> tables) throws SQLException {
        List<String> order = referencedFirst(c, schema, tables);
        Collections.reverse(order);
        return order;
    }
}

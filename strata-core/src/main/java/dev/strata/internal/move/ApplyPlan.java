package dev.strata.internal.move;

import dev.strata.ErrorCode;
import dev.strata.StrataException;
import dev.strata.internal.move.PgOutputMessage.Relation;
import dev.strata.internal.move.PgOutputMessage.RelationColumn;
import dev.strata.internal.move.PgOutputMessage.Value;
import dev.strata.internal.sql.Identifiers;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

/**
 * The SQL that applies the changes of one captured relation to its target table: idempotent
 * upserts keyed on the replica identity, updates that leave unchanged TOASTed values in place,
 * key moves and deletes. Every value is a bind parameter cast with the target column's type.
 * Immutable apart from its statement cache; thread-safe.
 */
final class ApplyPlan {
    final Relation relation;
    final TableShape target;
    /** Relation column index to target column. */
    private final List<TableShape.Column> columns;
    private final List<Integer> keyIndexes;
    private final int tenantIdIndex;
    private final Map<String, String> cache = new ConcurrentHashMap<>();

    ApplyPlan(Relation relation, TableShape target) {
        this.relation = relation;
        this.target = target;
        List<TableShape.Column> cols = new ArrayList<>();
        List<Integer> keys = new ArrayList<>();
        int tenant = -1;
        for (int i = 0; i < relation.columns().size(); i++) {
            RelationColumn rc = relation.columns().get(i);
            TableShape.Column column = target.column(rc.name());
            if (column == null || column.generated()) {
                throw new StrataException(ErrorCode.MOVE_REFUSED, "Captured column " + rc.name() + " of "
                        + relation.namespace() + "." + relation.name() + " has no stored counterpart in "
                        + target.schema() + "." + target.table() + ": source and target must be at the same schema version");
            }
            cols.add(column);
            if (rc.key()) {
                keys.add(i);
            }
            if (rc.name().equals("tenant_id")) {
                tenant = i;
            }
        }
        if (keys.isEmpty() || tenant < 0 || !keys.contains(tenant)) {
            throw new StrataException(ErrorCode.MOVE_REFUSED, "Table " + relation.namespace() + "." + relation.name()
                    + " was captured without tenant_id in its replica identity: give it a primary key or "
                    + "REPLICA IDENTITY USING INDEX with tenant_id");
        }
        this.columns = List.copyOf(cols);
        this.keyIndexes = List.copyOf(keys);
        this.tenantIdIndex = tenant;
    }

    int tenantIdIndex() {
        return tenantIdIndex;
    }

    List<Integer> keyIndexes() {
        return keyIndexes;
    }

    int width() {
        return columns.size();
    }

    /** Whether the key values of two tuples are equal. */
    boolean sameKey(List<Value> a, List<Value> b) {
        for (int i : keyIndexes) {
            if (!java.util.Objects.equals(a.get(i).text(), b.get(i).text())) {
                return false;
            }
        }
        return true;
    }

    private String cast(int i) {
        return "?::" + columns.get(i).type();
    }

    private String name(int i) {
        return Identifiers.quote(columns.get(i).name());
    }

    private boolean isKey(int i) {
        return keyIndexes.contains(i);
    }

    private String overriding() {
        return target.hasIdentityAlways() ? " OVERRIDING SYSTEM VALUE" : "";
    }

    private String keyCondition(String alias) {
        return keyIndexes.stream().map(i -> alias + name(i) + " = " + cast(i)).collect(Collectors.joining(" AND "));
    }

    private String conflictClause() {
        List<String> set = new ArrayList<>();
        for (int i = 0; i < columns.size(); i++) {
            if (!isKey(i) && !columns.get(i).identityAlways()) {
                set.add(name(i) + " = EXCLUDED." + name(i));
            }
        }
        String keys = keyIndexes.stream().map(this::name).collect(Collectors.joining(", "));
        return " ON CONFLICT (" + keys + ")" + (set.isEmpty() ? " DO NOTHING" : " DO UPDATE SET " + String.join(", ", set));
    }

    /** Insert of a whole row, or update of every column when the key exists: parameters = every column. */
    String upsert() {
        return cache.computeIfAbsent("upsert", k -> {
            String values = java.util.stream.IntStream.range(0, columns.size()).mapToObj(this::cast)
                    .collect(Collectors.joining(", "));
            String names = java.util.stream.IntStream.range(0, columns.size()).mapToObj(this::name)
                    .collect(Collectors.joining(", "));
            return "INSERT INTO " + target.qualified() + " (" + names + ")" + overriding() + " VALUES (" + values + ")"
                    + conflictClause();
        });
    }

    /**
     * Update of the given (not unchanged, not key, not always-identity) columns of the row with the
     * given key: parameters = those columns in order, then the key columns. Null when nothing is to set.
     */
    String update(BitSet given) {
        List<Integer> set = settable(given);
        if (set.isEmpty()) {
            return null;
        }
        return cache.computeIfAbsent("update" + given, k -> "UPDATE " + target.qualified() + " SET "
                + set.stream().map(i -> name(i) + " = " + cast(i)).collect(Collectors.joining(", "))
                + " WHERE " + keyCondition(""));
    }

    /** The columns {@link #update} sets. */
    List<Integer> settable(BitSet given) {
        List<Integer> set = new ArrayList<>();
        for (int i = 0; i < columns.size(); i++) {
            if (given.get(i) && !isKey(i) && !columns.get(i).identityAlways()) {
                set.add(i);
            }
        }
        return set;
    }

    /**
     * Moves the row of the old key to its new key in one statement (unchanged TOASTed values taken
     * from the old row): parameters = the old key columns, then every given column in order.
     */
    String move(BitSet given) {
        return cache.computeIfAbsent("move" + given, k -> {
            List<String> names = new ArrayList<>();
            List<String> values = new ArrayList<>();
            for (int i = 0; i < columns.size(); i++) {
                names.add(name(i));
                values.add(given.get(i) ? cast(i) : "old." + name(i));
            }
            return "WITH old AS (DELETE FROM " + target.qualified() + " WHERE " + keyCondition("") + " RETURNING *) "
                    + "INSERT INTO " + target.qualified() + " (" + String.join(", ", names) + ")" + overriding()
                    + " SELECT " + String.join(", ", values) + " FROM old" + conflictClause();
        });
    }

    /** Delete by key: parameters = the key columns. */
    String delete() {
        return cache.computeIfAbsent("delete", k -> "DELETE FROM " + target.qualified() + " WHERE " + keyCondition(""));
    }

    /** Delete of the scope's rows (a captured TRUNCATE): one parameter, the tenant ids as uuid[]. */
    String deleteScope() {
        return cache.computeIfAbsent("truncate", k -> "DELETE FROM " + target.qualified() + " WHERE tenant_id = ANY (?::uuid[])");
    }
}

package dev.strata.internal.move;

import dev.strata.ErrorCode;
import dev.strata.StrataException;
import dev.strata.internal.move.PgOutputMessage.Delete;
import dev.strata.internal.move.PgOutputMessage.Insert;
import dev.strata.internal.move.PgOutputMessage.Relation;
import dev.strata.internal.move.PgOutputMessage.Truncate;
import dev.strata.internal.move.PgOutputMessage.Update;
import dev.strata.internal.move.PgOutputMessage.Value;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;
import java.util.BitSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * Applies decoded changes to the target schema on one apply connection, in the order given, inside
 * the caller's transaction. Convergent: an insert is an upsert on the replica-identity key, an
 * update of a missing row inserts it (when the change carries every value), a delete of a missing
 * row does nothing, so applying a change twice leaves the target as applying it once. A change of a
 * tenant outside the scope is refused (the publication's row filter never sends one; fail closed).
 * Not thread-safe: one per catch-up call.
 */
final class ChangeApplier {
    private final Connection target;
    private final CopyEndpoint targetEndpoint;
    private final CopyEndpoint sourceEndpoint;
    private final Set<String> scopeTables;
    private final Set<String> scopeTenants = new HashSet<>();
    private final String tenantArray;
    private final Map<Integer, ApplyPlan> plans = new HashMap<>();
    private final Map<Integer, String> outside = new HashMap<>();
    private final Map<String, TableShape> shapes = new HashMap<>();
    private final Map<String, PreparedStatement> statements = new HashMap<>();
    private long applied;

    ChangeApplier(Connection target, CopyEndpoint sourceEndpoint, CopyEndpoint targetEndpoint, CopyScope scope) {
        this.target = target;
        this.sourceEndpoint = sourceEndpoint;
        this.targetEndpoint = targetEndpoint;
        this.scopeTables = new HashSet<>(scope.tables());
        scope.tenantIds().forEach(id -> scopeTenants.add(id.toString()));
        this.tenantArray = scope.tenantIds().stream().map(UUID::toString)
                .collect(java.util.stream.Collectors.joining(",", "{", "}"));
    }

    /** Number of row changes applied so far. */
    long applied() {
        return applied;
    }

    void relation(Relation relation) throws SQLException {
        if (!relation.namespace().equals(sourceEndpoint.schema()) || !scopeTables.contains(relation.name())) {
            // pgoutput describes a partition as well as the root its changes are published as; a change
            // that refers to a relation outside the scope is refused by plan()
            plans.remove(relation.id());
            outside.put(relation.id(), relation.namespace() + "." + relation.name());
            return;
        }
        ApplyPlan existing = plans.get(relation.id());
        if (existing != null && existing.relation.equals(relation)) {
            return;
        }
        TableShape shape = shapes.get(relation.name());
        if (shape == null) {
            shape = TableShape.read(target, targetEndpoint.schema(), relation.name());
            shapes.put(relation.name(), shape);
        }
        plans.put(relation.id(), new ApplyPlan(relation, shape));
    }

    void insert(Insert insert) throws SQLException {
        ApplyPlan plan = plan(insert.relationId());
        requireInScope(plan, insert.row());
        upsert(plan, insert.row());
    }

    void update(Update update) throws SQLException {
        ApplyPlan plan = plan(update.relationId());
        List<Value> row = update.row();
        requireInScope(plan, row);
        BitSet given = given(row);
        boolean complete = given.cardinality() == plan.width();
        List<Value> oldKey = update.oldKey();
        if (oldKey != null && !plan.sameKey(oldKey, row)) {
            requireInScope(plan, oldKey);
            PreparedStatement move = statement(plan.move(given));
            int p = bindKey(move, plan, oldKey, 1);
            for (int i = 0; i < plan.width(); i++) {
                if (given.get(i)) {
                    bind(move, p++, row.get(i));
                }
            }
            if (move.executeUpdate() > 0) {
                applied++;
                return;
            }
            // the old row is not at the target (it is already past this change): fall through to the new key
        }
        if (complete) {
            upsert(plan, row);
            return;
        }
        String sql = plan.update(given);
        if (sql != null) {
            PreparedStatement ps = statement(sql);
            int p = 1;
            for (int i : plan.settable(given)) {
                bind(ps, p++, row.get(i));
            }
            bindKey(ps, plan, row, p);
            ps.executeUpdate();
        }
        // A row missing at the target with unchanged TOASTed values cannot be rebuilt from this change;
        // it is missing because a later change (already in the target) removed it, which follows.
        applied++;
    }

    void delete(Delete delete) throws SQLException {
        ApplyPlan plan = plan(delete.relationId());
        requireInScope(plan, delete.oldKey());
        PreparedStatement ps = statement(plan.delete());
        bindKey(ps, plan, delete.oldKey(), 1);
        ps.executeUpdate();
        applied++;
    }

    void truncate(Truncate truncate) throws SQLException {
        for (int id : truncate.relationIds()) {
            ApplyPlan plan = plan(id);
            PreparedStatement ps = statement(plan.deleteScope());
            ps.setString(1, tenantArray);
            ps.executeUpdate();
            applied++;
        }
    }

    /** Closes the prepared statements. */
    void close() {
        for (PreparedStatement ps : statements.values()) {
            try {
                ps.close();
            } catch (SQLException ignored) {
                // closed with the connection anyway
            }
        }
        statements.clear();
    }

    private void upsert(ApplyPlan plan, List<Value> row) throws SQLException {
        PreparedStatement ps = statement(plan.upsert());
        for (int i = 0; i < plan.width(); i++) {
            bind(ps, i + 1, row.get(i));
        }
        ps.executeUpdate();
        applied++;
    }

    private ApplyPlan plan(int relationId) {
        ApplyPlan plan = plans.get(relationId);
        if (plan == null && outside.containsKey(relationId)) {
            throw new StrataException(ErrorCode.INTERNAL, "The capture received changes of " + outside.get(relationId)
                    + ", which is not a table of the move's scope in " + sourceEndpoint.name() + "; nothing of them was applied");
        }
        if (plan == null) {
            throw new StrataException(ErrorCode.INTERNAL, "A captured change refers to relation " + relationId
                    + ", which the stream did not describe first");
        }
        return plan;
    }

    private void requireInScope(ApplyPlan plan, List<Value> row) {
        if (row.size() != plan.width()) {
            throw new StrataException(ErrorCode.INTERNAL, "A captured row of " + plan.target.table() + " has "
                    + row.size() + " columns, its relation " + plan.width());
        }
        String tenant = row.get(plan.tenantIdIndex()).text();
        if (tenant == null || !scopeTenants.contains(tenant)) {
            throw new StrataException(ErrorCode.INTERNAL, "The capture received a row of " + plan.target.table()
                    + " of a tenant outside the move; nothing of it was applied");
        }
    }

    private static BitSet given(List<Value> row) {
        BitSet given = new BitSet(row.size());
        for (int i = 0; i < row.size(); i++) {
            if (!row.get(i).unchanged()) {
                given.set(i);
            }
        }
        return given;
    }

    private int bindKey(PreparedStatement ps, ApplyPlan plan, List<Value> row, int first) throws SQLException {
        int p = first;
        for (int i : plan.keyIndexes()) {
            bind(ps, p++, row.get(i));
        }
        return p;
    }

    private static void bind(PreparedStatement ps, int index, Value value) throws SQLException {
        if (value.text() == null) {
            ps.setNull(index, Types.VARCHAR);
        } else {
            ps.setString(index, value.text());
        }
    }

    private PreparedStatement statement(String sql) throws SQLException {
        PreparedStatement ps = statements.get(sql);
        if (ps == null) {
            ps = target.prepareStatement(sql);
            statements.put(sql, ps);
        }
        return ps;
    }
}

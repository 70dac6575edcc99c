package dev.strata.internal.move;

import java.util.List;

/**
 * The messages of PostgreSQL's {@code pgoutput} logical replication protocol (version 1) that a
 * capture uses; {@link PgOutputDecoder} reads them. Immutable.
 */
sealed interface PgOutputMessage {

    /** A transaction starts. */
    record Begin(long finalLsn, long commitTime, int xid) implements PgOutputMessage {
    }

    /** A transaction committed; {@code endLsn} is where the slot may be advanced to after it. */
    record Commit(long commitLsn, long endLsn, long commitTime) implements PgOutputMessage {
    }

    /** A table's description, sent before its first change in a decoding session. */
    record Relation(int id, String namespace, String name, char replicaIdentity, List<RelationColumn> columns)
            implements PgOutputMessage {
    }

    /** A column of a {@link Relation}; {@code key}: part of the replica identity. */
    record RelationColumn(String name, boolean key, int typeOid, int typeModifier) {
    }

    /**
     * One column of a tuple: {@code kind} 'n' (null), 'u' (unchanged TOASTed value, not sent) or
     * 't' (text, in {@code text}).
     */
    record Value(char kind, String text) {
        static final Value NULL = new Value('n', null);
        static final Value UNCHANGED = new Value('u', null);

        boolean unchanged() {
            return kind == 'u';
        }
    }

    /** A row was inserted. */
    record Insert(int relationId, List<Value> row) implements PgOutputMessage {
    }

    /**
     * A row was updated; {@code oldKey} holds the old replica-identity values when they changed
     * ('K'; other columns null) or the whole old row with REPLICA IDENTITY FULL ('O'), else null.
     */
    record Update(int relationId, List<Value> oldKey, List<Value> row) implements PgOutputMessage {
    }

    /** A row was deleted; {@code oldKey} as for {@link Update}. */
    record Delete(int relationId, List<Value> oldKey) implements PgOutputMessage {
    }

    /** Tables were truncated. */
    record Truncate(List<Integer> relationIds) implements PgOutputMessage {
    }

    /** A message the capture does not need (Type, Origin, logical decoding messages). */
    record Ignored(char type) implements PgOutputMessage {
    }
}

package dev.strata.internal.sql;

/**
 * The relations of one schema found through indexes, as SQL text to use as a table
 * ({@code FROM <fragment> c}, the columns of {@code pg_class} plus {@code nspname}).
 *
 * <p>{@code pg_class} has no index on the schema ({@code pg_class_relname_nsp_index} leads with the
 * name), so {@code WHERE relnamespace = ...} scans every relation of the database: with a
 * thousand tenant schemas in one database that is tens of thousands of rows, for each query that
 * asks about one schema. This fragment starts instead from the schema's row in
 * {@code pg_namespace} (by name, indexed), then the dependencies on it in {@code pg_depend}
 * (its reference index), then {@code pg_class} by oid.
 *
 * <p>What it finds: every table, partitioned table, partition, view, materialized view, sequence
 * and foreign table of the schema: PostgreSQL records each one's dependency on its schema when it
 * creates it. What it does not: indexes and TOAST tables (they depend on their table, and TOAST
 * tables live in {@code pg_toast}), and a relation whose dependency row was deleted by hand
 * (catalog surgery as a superuser). So it serves the work that puts things right (row level
 * security, policies, grants, the placement guard), never a check: the refusal checks and the
 * fan-out's comparison with the template read {@code pg_class} itself and see every relation,
 * including one this fragment would miss (and refuse it, since nothing put it right).
 * Stateless.
 */
public final class SchemaRelations {
    private SchemaRelations() {
    }

    /** The relations of the schemas whose names the SQL expression {@code schemas} ({@code text[]}) holds. */
    public static String ofAny(String schemas) {
        return select("sr_n.nspname = ANY (" + schemas + ")");
    }

    /** The relations of one schema, given its name as an SQL literal or parameter. */
    public static String of(String schema) {
        return select("sr_n.nspname = " + schema);
    }

    private static String select(String condition) {
        return """
                (SELECT sr_n.nspname, sr_c.*
                   FROM pg_namespace sr_n
                   JOIN pg_depend sr_d ON sr_d.refclassid = 'pg_namespace'::regclass AND sr_d.refobjid = sr_n.oid
                                      AND sr_d.refobjsubid = 0 AND sr_d.classid = 'pg_class'::regclass
                   JOIN pg_class sr_c ON sr_c.oid = sr_d.objid AND sr_c.relnamespace = sr_n.oid
                  WHERE \s""" + condition + ")";
    }
}

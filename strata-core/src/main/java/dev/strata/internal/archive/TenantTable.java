package dev.strata.internal.archive;

import java.util.List;
import java.util.UUID;
import java.util.stream.Collectors;

import static dev.strata.internal.sql.Identifiers.literal;
import static dev.strata.internal.sql.Identifiers.qualified;
import static dev.strata.internal.sql.Identifiers.quote;

/**
 * One tenant table of a schema as the catalog describes it, and the statements archive work runs
 * on it. Names come from the catalog or from a verified manifest and are always quoted.
 *
 * @param schema  the schema holding it
 * @param name    the table name
 * @param columns its columns except {@code tenant_id} and generated ones, in table order
 * @param orderBy the columns of its primary key except {@code tenant_id}; empty if it has none
 * @param sequences the sequences feeding its columns (identity and {@code serial} columns)
 */
record TenantTable(String schema, String name, List<String> columns, List<SortKey> orderBy, List<Sequence> sequences) {
    static final String TENANT_ID = "tenant_id";

    TenantTable {
        columns = List.copyOf(columns);
        orderBy = List.copyOf(orderBy);
        sequences = List.copyOf(sequences);
    }

    /**
     * A sequence feeding a column.
     *
     * @param column    the column
     * @param sequence  the sequence's quoted, schema-qualified name, from the catalog
     * @param ascending whether it counts up (its increment is positive)
     */
    record Sequence(String column, String sequence, boolean ascending) {
        /**
         * Moves the sequence past the restored rows' values, never back: restored rows keep their
         * values ({@code OVERRIDING SYSTEM VALUE}), and the sequence must not hand them out again.
         * Sees the rows the transaction may see (the tenant's own under its context); the values
         * of other tenants' rows are the sequence's own and already behind it.
         */
        String advanceSql(TenantTable table) {
            String extreme = ascending ? "max" : "min";
            String pick = ascending ? "greatest" : "least";
            return "SELECT setval(" + literal(sequence) + "::regclass, " + pick + "(x.v, s.last_value), true)"
                    + " FROM (SELECT " + extreme + "(" + quote(column) + ")::bigint AS v FROM "
                    + qualified(table.schema(), table.name()) + ") x, " + sequence + " s"
                    + " WHERE x.v IS NOT NULL AND (NOT s.is_called OR x.v " + (ascending ? ">" : "<") + " s.last_value)";
        }
    }

    /** A primary-key column; text-like ones sort by bytes ({@code COLLATE "C"}) so the order is the same on every server. */
    record SortKey(String column, boolean collatable) {
        String sql() {
            return quote(column) + (collatable ? " COLLATE \"C\"" : "");
        }
    }

    /**
     * {@code COPY (SELECT <columns> ... WHERE tenant_id = <id> ORDER BY <key>) TO STDOUT}: one
     * tenant's rows in a deterministic order, without {@code tenant_id}. The id is a {@link UUID},
     * never user text. Without a primary key the rows sort by the text of their archived columns.
     */
    String copyOutSql(List<String> selected, UUID tenantId) {
        String order = orderBy.isEmpty() ? "(ROW(" + columnList(selected) + "))::text COLLATE \"C\""
                : orderBy.stream().map(SortKey::sql).collect(Collectors.joining(", "));
        return "COPY (SELECT " + columnList(selected) + " FROM " + qualified(schema, name) + " WHERE "
                + quote(TENANT_ID) + " = " + literal(tenantId.toString()) + "::uuid ORDER BY " + order + ") TO STDOUT";
    }

    /** An empty temporary table with exactly the given columns of this table, dropped at commit. */
    String createStagingSql(String staging, List<String> selected) {
        return "CREATE TEMPORARY TABLE " + quote(staging) + " ON COMMIT DROP AS SELECT " + columnList(selected)
                + " FROM " + qualified(schema, name) + " WITH NO DATA";
    }

    String copyIntoStagingSql(String staging, List<String> selected) {
        return "COPY " + qualified("pg_temp", staging) + " (" + columnList(selected) + ") FROM STDIN";
    }

    /** Moves the staged rows in under the tenant id bound as parameter 1 (checked by the insert policy). */
    String insertFromStagingSql(String staging, List<String> selected) {
        String columns = columnList(selected);
        return "INSERT INTO " + qualified(schema, name) + " (" + quote(TENANT_ID) + ", " + columns
                + ") OVERRIDING SYSTEM VALUE SELECT ?::uuid, " + columns + " FROM " + qualified("pg_temp", staging);
    }

    /** Deletes the tenant's rows, the tenant id bound as parameter 1 (its own rows only: a neighbour's never match). */
    String deleteTenantRowsSql() {
        return "DELETE FROM " + qualified(schema, name) + " WHERE " + quote(TENANT_ID) + " = ?::uuid";
    }

    static String columnList(List<String> columns) {
        return columns.stream().map(dev.strata.internal.sql.Identifiers::quote).collect(Collectors.joining(", "));
    }
}

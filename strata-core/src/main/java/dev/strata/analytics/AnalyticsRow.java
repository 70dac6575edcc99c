package dev.strata.analytics;

import java.util.List;
import java.util.UUID;

/**
 * One row of a T0 analytics query, with where it came from. Values are {@link String},
 * {@link Boolean}, {@link Number} ({@code Integer}, {@code Long}, {@code Short}, {@code Double},
 * {@code Float}, {@link java.math.BigDecimal}), {@link UUID}, or {@code null}; every other type comes
 * as PostgreSQL's text form. Immutable.
 *
 * @param tenantId   the tenant the row belongs to: its {@code tenant_id} column when the query returns
 *                   one, otherwise the target's tenant (a tenant schema's tenant, the T1 whose database
 *                   it is); {@code null} where neither says (a shared database, an aggregate over it)
 * @param tenantSlug that tenant's slug, or {@code null}
 * @param target     where it ran: {@code <data plane>/<database>/<schema>}
 * @param columns    the query's column names, in order
 * @param values     the values, in column order
 */
public record AnalyticsRow(UUID tenantId, String tenantSlug, String target, List<String> columns, List<Object> values) {
    public AnalyticsRow {
        columns = List.copyOf(columns);
        values = java.util.Collections.unmodifiableList(new java.util.ArrayList<>(values));
    }

    /**
     * The value of a column by name (the first of that name).
     *
     * @throws IllegalArgumentException if the query returned no such column
     */
    public Object value(String column) {
        int i = columns.indexOf(column);
        if (i < 0) {
            throw new IllegalArgumentException("The query returned no column '" + column + "': its columns are " + columns);
        }
        return values.get(i);
    }
}

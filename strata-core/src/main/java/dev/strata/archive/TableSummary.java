package dev.strata.archive;

import java.util.List;
import java.util.Objects;

/**
 * One tenant table in an export archive. Immutable and thread-safe.
 *
 * @param name    the table's name (unqualified: the same in every mode)
 * @param columns the columns stored, in the order of the archived rows ({@code tenant_id} is never
 *                stored: an import writes the restored tenant's id)
 * @param rows    how many rows of the tenant it holds
 * @param sha256  hex SHA-256 of the table's entry as written in the archive (COPY text format,
 *                canonical session settings such as time zone UTC, rows in primary-key order),
 *                so the same rows give the same checksum in every mode and under every tenant id
 */
public record TableSummary(String name, List<String> columns, long rows, String sha256) {
    public TableSummary {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(sha256, "sha256");
        columns = List.copyOf(columns);
    }
}

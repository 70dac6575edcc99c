package dev.strata.archive;

/**
 * One tenant table in an export archive.
 *
 * @param name   the table's name (unqualified: the same in every mode)
 * @param rows   how many rows of the tenant it holds
 * @param sha256 hex SHA-256 of the table's data as written in the archive (COPY text format,
 *               rows in primary-key order), so the same rows give the same checksum in every mode
 */
public record TableSummary(String name, long rows, String sha256) {
}

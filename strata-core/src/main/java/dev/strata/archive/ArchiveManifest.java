package dev.strata.archive;

import dev.strata.IsolationMode;
import dev.strata.Tier;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * What an export archive holds: the tenant, the mode it was exported from, the schema version of
 * its tables, and per table the row count and checksum that an import verifies.
 *
 * @param formatVersion version of the archive layout
 * @param tenantId      the exported tenant's id
 * @param slug          its slug
 * @param displayName   its display name
 * @param tier          T1 or T2
 * @param parentId      its parent's id
 * @param parentSlug    its parent's slug
 * @param mode          the mode it was exported from
 * @param schemaVersion the tenant schema version of its tables
 * @param exportedAt    when the export ran
 * @param tables        every tenant table
 */
public record ArchiveManifest(int formatVersion, UUID tenantId, String slug, String displayName, Tier tier,
                              UUID parentId, String parentSlug, IsolationMode mode, int schemaVersion,
                              Instant exportedAt, List<TableSummary> tables) {
    public ArchiveManifest {
        tables = List.copyOf(tables);
    }

    /** Rows over all tables. */
    public long totalRows() {
        return tables.stream().mapToLong(TableSummary::rows).sum();
    }
}

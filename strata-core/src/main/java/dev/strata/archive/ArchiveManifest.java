package dev.strata.archive;

import dev.strata.IsolationMode;
import dev.strata.Tier;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.UUID;

/**
 * What an export archive holds: the tenant, the mode it was exported from, the schema version of
 * its tables, and per table the columns, row count and checksum that an import verifies. Written
 * as {@code manifest.json}, the archive's last entry. Immutable and thread-safe.
 *
 * <p>The archive is a ZIP file (inspect it with {@code unzip -l}): one entry
 * {@code tables/<name>.copy} per tenant table, holding the tenant's rows of that table in
 * PostgreSQL's COPY text format, without the {@code tenant_id} column and in primary-key order.
 * Because {@code tenant_id} is left out, the same rows have the same checksum whatever tenant id
 * they belong to, so an import can verify them after restoring them under a new id.
 *
 * @param formatVersion version of the archive layout (this Strata writes and reads version 1)
 * @param tenantId      the exported tenant's id
 * @param slug          its slug
 * @param displayName   its display name
 * @param tier          T1 or T2
 * @param parentId      its parent's id (the T0 for a T1)
 * @param parentSlug    its parent's slug
 * @param region        its data-residency label, or {@code null}
 * @param mode          the mode it was exported from
 * @param schemaVersion the version of the application's tenant migrations its tables were exported
 *                      at (Flyway's version text, {@code null} if none was applied); an import
 *                      refuses archives newer than the newest configured migration
 * @param exportedAt    when the export's snapshot was taken
 * @param tables        every tenant table, in foreign-key order (referenced tables first)
 */
public record ArchiveManifest(int formatVersion, UUID tenantId, String slug, String displayName, Tier tier,
                              UUID parentId, String parentSlug, String region, IsolationMode mode, String schemaVersion,
                              Instant exportedAt, List<TableSummary> tables) {
    public ArchiveManifest {
        Objects.requireNonNull(tenantId, "tenantId");
        Objects.requireNonNull(slug, "slug");
        Objects.requireNonNull(tier, "tier");
        Objects.requireNonNull(mode, "mode");
        Objects.requireNonNull(exportedAt, "exportedAt");
        tables = List.copyOf(tables);
    }

    /** Rows over all tables. */
    public long totalRows() {
        return tables.stream().mapToLong(TableSummary::rows).sum();
    }
}

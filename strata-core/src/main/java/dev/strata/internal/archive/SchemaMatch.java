package dev.strata.internal.archive;

import dev.strata.ErrorCode;
import dev.strata.StrataException;
import dev.strata.archive.ArchiveManifest;
import dev.strata.archive.TableSummary;

import java.util.Map;

/** Whether an archive's tables and columns all exist in a schema of this Strata's tenant schema version. */
final class SchemaMatch {
    private SchemaMatch() {
    }

    /**
     * Refuses an archive with a table or column the schema lacks. Tables and columns the archive
     * lacks are fine (a newer schema added them): they keep their defaults.
     *
     * @param where the schema compared against, for the message
     * @throws StrataException {@link ErrorCode#ARCHIVE_VERSION_UNSUPPORTED}
     */
    static void require(ArchiveManifest manifest, Map<String, TenantTable> tables, String where) {
        for (TableSummary archived : manifest.tables()) {
            TenantTable table = tables.get(archived.name());
            if (table == null) {
                throw mismatch(manifest, "table '" + archived.name() + "'", where);
            }
            for (String column : archived.columns()) {
                if (!table.columns().contains(column)) {
                    throw mismatch(manifest, "column '" + archived.name() + "." + column + "'", where);
                }
            }
        }
    }

    private static StrataException mismatch(ArchiveManifest manifest, String what, String where) {
        return new StrataException(ErrorCode.ARCHIVE_VERSION_UNSUPPORTED, "The archive's " + what
                + " does not exist in this Strata's tenant schema (checked in " + where + "), although the archive claims schema version " + manifest.schemaVersion()
                + ": it was written by a Strata with a different schema. Nothing was imported");
    }
}

package dev.strata.archive;

import dev.strata.IsolationMode;

/**
 * How to restore an archive.
 *
 * @param mode      the isolation mode of the restored tenant; {@code null} for the hybrid default
 * @param parent    id or slug of the parent (a T1, for a T2 archive); {@code null} for the archive's
 *                  own parent if it still exists (a T1 archive always goes under the T0)
 * @param newSlug   the slug of the restored tenant; {@code null} to keep the archived slug
 */
public record ImportOptions(IsolationMode mode, String parent, String newSlug) {

    /** Restore in the given mode, under the archive's own parent, with the archived slug. */
    public static ImportOptions inMode(IsolationMode mode) {
        return new ImportOptions(mode, null, null);
    }

    public ImportOptions withParent(String newParent) {
        return new ImportOptions(mode, newParent, newSlug);
    }

    public ImportOptions withSlug(String slug) {
        return new ImportOptions(mode, parent, slug);
    }
}

package dev.strata.archive;

import dev.strata.IsolationMode;

/**
 * How to restore an archive. Immutable and thread-safe; {@code new ImportOptions(null, null, null)}
 * restores in the hybrid default mode, under the archive's own parent, with the archived slug.
 *
 * <p>The restored tenant keeps the archived id when no tenant here has it (a restore into another
 * installation, or after the tenant's registry row is gone) and gets a new id otherwise (for
 * instance while the exported tenant still exists).
 *
 * @param mode      the isolation mode of the restored tenant; {@code null} for the hybrid default
 *                  (a T1 gets a database of its own, a T2 shares its T1's tables under RLS)
 * @param parent    id or slug of the parent (a T1, for a T2 archive); {@code null} for the archive's
 *                  own parent, which must still exist and be active (a T1 archive always goes under
 *                  the T0)
 * @param newSlug   the slug of the restored tenant; {@code null} to keep the archived slug, which
 *                  must then not belong to a live tenant
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

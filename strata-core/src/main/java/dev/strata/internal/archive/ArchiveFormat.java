package dev.strata.internal.archive;

/**
 * The layout of a tenant archive: a ZIP file with one {@code tables/<name>.copy} entry per tenant
 * table (COPY text format) and {@code manifest.json} last.
 */
final class ArchiveFormat {
    /** Marks a manifest as Strata's, so an unrelated ZIP is refused with a clear message. */
    static final String FORMAT_NAME = "strata-tenant-archive";
    /** The layout version this Strata writes, and the newest it reads. */
    static final int FORMAT_VERSION = 1;
    static final String MANIFEST_ENTRY = "manifest.json";
    static final String TABLE_PREFIX = "tables/";
    private static final String TABLE_SUFFIX = ".copy";
    /** A manifest lists tables, not rows: anything this large is not one. */
    static final int MAX_MANIFEST_BYTES = 4 * 1024 * 1024;

    private ArchiveFormat() {
    }

    /** Whether an entry name is a table's data ({@code tables/<name>.copy}, nothing nested). */
    static boolean isTableEntry(String name) {
        return name.startsWith(TABLE_PREFIX) && name.endsWith(TABLE_SUFFIX)
                && name.length() > TABLE_PREFIX.length() + TABLE_SUFFIX.length()
                && name.indexOf('/', TABLE_PREFIX.length()) < 0;
    }

    static String tableEntry(String table) {
        return TABLE_PREFIX + table + TABLE_SUFFIX;
    }
}

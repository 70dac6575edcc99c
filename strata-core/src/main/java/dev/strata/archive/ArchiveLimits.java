package dev.strata.archive;

import dev.strata.ErrorCode;
import dev.strata.StrataException;

/**
 * Bounds on an archive being imported, checked while it is read, before anything is written: an
 * archive over any of them is refused with {@link ErrorCode#ARCHIVE_TOO_LARGE} naming the bound,
 * and leaves no tenant, no database and no temporary file behind. Immutable and thread-safe.
 *
 * @param maxArchiveBytes  most bytes of the archive as uploaded (the ZIP file itself); the REST API
 *                         also refuses a larger {@code Content-Length} before reading the body
 * @param maxInflatedBytes most bytes of all its entries together once inflated
 * @param maxEntryBytes    most bytes of any one entry once inflated
 * @param maxEntries       most entries (a manifest and one per tenant table)
 */
public record ArchiveLimits(long maxArchiveBytes, long maxInflatedBytes, long maxEntryBytes, int maxEntries) {
    /** 256 MiB uploaded, 512 MiB inflated in total and per entry, 1,000 entries. */
    public static final ArchiveLimits DEFAULT = new ArchiveLimits(256L << 20, 512L << 20, 512L << 20, 1000);

    /**
     * @throws StrataException {@link ErrorCode#INVALID_CONFIGURATION} if a bound is not positive
     */
    public ArchiveLimits {
        if (maxArchiveBytes < 1 || maxInflatedBytes < 1 || maxEntryBytes < 1 || maxEntries < 2) {
            throw new StrataException(ErrorCode.INVALID_CONFIGURATION, "Archive limits must be positive (and allow at "
                    + "least 2 entries), were " + maxArchiveBytes + " bytes uploaded, " + maxInflatedBytes
                    + " bytes inflated, " + maxEntryBytes + " bytes per entry, " + maxEntries + " entries");
        }
    }

    public ArchiveLimits withMaxArchiveBytes(long value) {
        return new ArchiveLimits(value, maxInflatedBytes, maxEntryBytes, maxEntries);
    }

    public ArchiveLimits withMaxInflatedBytes(long value) {
        return new ArchiveLimits(maxArchiveBytes, value, maxEntryBytes, maxEntries);
    }

    public ArchiveLimits withMaxEntryBytes(long value) {
        return new ArchiveLimits(maxArchiveBytes, maxInflatedBytes, value, maxEntries);
    }

    public ArchiveLimits withMaxEntries(int value) {
        return new ArchiveLimits(maxArchiveBytes, maxInflatedBytes, maxEntryBytes, value);
    }

    /** A byte count as people read it: {@code 256 MiB}, {@code 1 GiB}, {@code 1500 bytes}. */
    public static String bytes(long n) {
        String[] units = {"GiB", "MiB", "KiB"};
        int[] shifts = {30, 20, 10};
        for (int i = 0; i < units.length; i++) {
            if (n >= 1L << shifts[i] && n % (1L << shifts[i]) == 0) {
                return (n >> shifts[i]) + " " + units[i];
            }
        }
        return n + " bytes";
    }
}

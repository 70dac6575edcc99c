package dev.strata.internal.move;

/**
 * Source and target of one table compared after the catch-up: row counts and an
 * order-independent checksum of the tenant's rows. Immutable.
 */
public record TableCheck(String table, long sourceRows, long targetRows, String sourceChecksum, String targetChecksum) {

    /** Whether the target holds exactly the source's rows. */
    public boolean matches() {
        return sourceRows == targetRows && sourceChecksum.equals(targetChecksum);
    }
}

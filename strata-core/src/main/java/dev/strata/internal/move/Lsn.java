package dev.strata.internal.move;

/** PostgreSQL WAL positions ({@code pg_lsn}) as unsigned 64-bit numbers. */
final class Lsn {
    private Lsn() {
    }

    /** Parses {@code X/Y}; null stays 0 (no position). */
    static long parse(String text) {
        if (text == null) {
            return 0;
        }
        int slash = text.indexOf('/');
        if (slash < 0) {
            throw new IllegalArgumentException("Not a WAL position: " + text);
        }
        long hi = Long.parseUnsignedLong(text.substring(0, slash), 16);
        long lo = Long.parseUnsignedLong(text.substring(slash + 1), 16);
        return (hi << 32) | lo;
    }

    static String format(long lsn) {
        return Long.toHexString(lsn >>> 32).toUpperCase() + "/" + Long.toHexString(lsn & 0xFFFFFFFFL).toUpperCase();
    }

    /** Whether {@code a} comes after {@code b} in the WAL. */
    static boolean after(long a, long b) {
        return Long.compareUnsigned(a, b) > 0;
    }
}

package dev.strata.internal.archive;

import java.io.IOException;
import java.io.OutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Passes COPY text through to a target while counting its rows and computing its SHA-256. In COPY
 * text format every row ends with a newline and newlines inside values are escaped, so the row
 * count is the newline count. Constant memory; not thread-safe.
 */
final class RowDigest extends OutputStream {
    private final OutputStream target;
    private final MessageDigest sha256;
    private long rows;
    private long bytes;

    RowDigest(OutputStream target) {
        this.target = target;
        try {
            this.sha256 = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("Every Java runtime has SHA-256", e);
        }
    }

    /** A digest that keeps nothing but the count and checksum. */
    static RowDigest discarding() {
        return new RowDigest(OutputStream.nullOutputStream());
    }

    @Override
    public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        sha256.update(b, off, len);
        for (int i = off; i < off + len; i++) {
            if (b[i] == '\n') {
                rows++;
            }
        }
        bytes += len;
        target.write(b, off, len);
    }

    @Override
    public void flush() throws IOException {
        target.flush();
    }

    /** The count and checksum of everything written so far; call once, at the end. */
    Result result() {
        return new Result(rows, bytes, HexFormat.of().formatHex(sha256.digest()));
    }

    /** Rows, bytes and hex SHA-256 of a table's COPY text. */
    record Result(long rows, long bytes, String sha256) {
    }
}

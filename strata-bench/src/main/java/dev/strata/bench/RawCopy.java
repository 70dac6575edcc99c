package dev.strata.bench;

import org.postgresql.PGConnection;
import org.postgresql.copy.CopyIn;

import java.io.IOException;
import java.io.OutputStream;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Benchmark 9's baseline: the tenant's rows copied by hand between the same two servers, the way
 * an operator would pipe {@code psql -c "COPY (SELECT * FROM t WHERE tenant_id = ...) TO STDOUT" |
 * psql -c "COPY t FROM STDIN"}: a producer thread streams {@code COPY ... TO STDOUT} into a bounded
 * pipe of 64 kB chunks, the calling thread feeds them to {@code COPY ... FROM STDIN}. The target
 * writes like the move's (one transaction, {@code session_replication_role = replica}: no
 * foreign-key triggers), into the same tables with the same indexes.
 */
final class RawCopy {
    private static final int CHUNK = 64 * 1024;
    private static final byte[] END = new byte[0];

    /** What one copy moved and how long it took. */
    record Outcome(long rows, long bytes, long nanos) {
        double seconds() {
            return nanos / 1e9;
        }
    }

    private RawCopy() {
    }

    /**
     * Copies the tenant's rows of every table from {@code sourceSchema} to the target's {@code
     * public} tables (emptied first, outside the timing), text or binary format.
     */
    static Outcome copy(Connection source, String sourceSchema, Connection target, List<String> tables, UUID tenant,
                        boolean binary) throws Exception {
        String format = binary ? " (FORMAT binary)" : "";
        try (Statement s = target.createStatement()) {
            s.execute("TRUNCATE " + String.join(", ", tables.stream().map(t -> "public." + t).toList()));
        }
        boolean autoCommit = target.getAutoCommit();
        ExecutorService producer = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "raw-copy-out");
            t.setDaemon(true);
            return t;
        });
        try {
            long started = System.nanoTime();
            target.setAutoCommit(false);
            try (Statement s = target.createStatement()) {
                s.execute("SET LOCAL session_replication_role = replica");
            }
            long rows = 0;
            long bytes = 0;
            for (String table : tables) {
                String out = "COPY (SELECT * FROM \"" + sourceSchema + "\"." + table + " WHERE tenant_id = '" + tenant
                        + "') TO STDOUT" + format;
                String in = "COPY public." + table + " FROM STDIN" + format;
                BlockingQueue<byte[]> pipe = new ArrayBlockingQueue<>(16);
                ChunkingStream sink = new ChunkingStream(pipe);
                Future<Long> read = producer.submit(() -> {
                    try {
                        return source.unwrap(PGConnection.class).getCopyAPI().copyOut(out, sink);
                    } finally {
                        sink.close();
                    }
                });
                CopyIn copyIn = target.unwrap(PGConnection.class).getCopyAPI().copyIn(in);
                try {
                    for (byte[] chunk; (chunk = pipe.take()) != END; ) {
                        copyIn.writeToCopy(chunk, 0, chunk.length);
                        bytes += chunk.length;
                    }
                    long written = copyIn.endCopy();
                    long readRows = read.get();
                    if (written != readRows) {
                        throw new IllegalStateException("raw copy of " + table + " read " + readRows + " rows, wrote " + written);
                    }
                    rows += written;
                } finally {
                    if (copyIn.isActive()) {
                        copyIn.cancelCopy();
                    }
                }
            }
            target.commit();
            return new Outcome(rows, bytes, System.nanoTime() - started);
        } catch (Exception e) {
            target.rollback();
            throw e;
        } finally {
            target.setAutoCommit(autoCommit);
            producer.shutdownNow();
        }
    }

    /** An output stream that hands its bytes on in chunks of {@link #CHUNK}, then {@link #END}. */
    private static final class ChunkingStream extends OutputStream {
        private final BlockingQueue<byte[]> pipe;
        private byte[] chunk = new byte[CHUNK];
        private int filled;
        private boolean closed;

        ChunkingStream(BlockingQueue<byte[]> pipe) {
            this.pipe = pipe;
        }

        @Override
        public void write(int b) throws IOException {
            write(new byte[]{(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            while (len > 0) {
                int n = Math.min(len, CHUNK - filled);
                System.arraycopy(b, off, chunk, filled, n);
                filled += n;
                off += n;
                len -= n;
                if (filled == CHUNK) {
                    handOn();
                }
            }
        }

        /** Chunks are handed on when full: a flush per row would turn the pipe into a queue of rows. */
        @Override
        public void flush() {
        }

        private void handOn() throws IOException {
            if (filled > 0) {
                put(filled == CHUNK ? chunk : java.util.Arrays.copyOf(chunk, filled));
                chunk = new byte[CHUNK];
                filled = 0;
            }
        }

        @Override
        public void close() throws IOException {
            if (!closed) {
                closed = true;
                handOn();
                put(END);
            }
        }

        private void put(byte[] b) throws IOException {
            try {
                pipe.put(b);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted", e);
            }
        }
    }
}

package dev.strata.embedded.internal;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Serialises starts on one data directory, across processes (a file lock on
 * {@code <data-dir>/.pg-start.lock}) and across threads of this process: two {@code strata}
 * commands started together on a new directory must not both create the cluster or its password,
 * and the second must see the first's server and attach to it. Held from the decision "create,
 * start or attach" until the server is up.
 */
public final class StartLock implements AutoCloseable {
    private static final ReentrantLock IN_PROCESS = new ReentrantLock();

    private final FileChannel channel;
    private final FileLock lock;

    private StartLock(FileChannel channel, FileLock lock) {
        this.channel = channel;
        this.lock = lock;
    }

    /** Blocks until this thread holds the lock of {@code dataDir} (which must exist). */
    public static StartLock acquire(Path dataDir) throws IOException {
        IN_PROCESS.lock();
        FileChannel channel = null;
        try {
            channel = FileChannel.open(dataDir.resolve(".pg-start.lock"),
                    Set.of(StandardOpenOption.CREATE, StandardOpenOption.WRITE), PrivateFiles.attribute(PrivateFiles.FILE));
            return new StartLock(channel, channel.lock());
        } catch (IOException | RuntimeException e) {
            if (channel != null) {
                channel.close();
            }
            IN_PROCESS.unlock();
            throw e;
        }
    }

    @Override
    public void close() throws IOException {
        try {
            lock.release();
            channel.close();
        } finally {
            IN_PROCESS.unlock();
        }
    }
}

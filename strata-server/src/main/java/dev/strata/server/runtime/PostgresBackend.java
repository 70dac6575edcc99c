package dev.strata.server.runtime;

import dev.strata.ErrorCode;
import dev.strata.PostgresServer;
import dev.strata.StrataException;
import dev.strata.embedded.LocalPostgres;
import dev.strata.embedded.LocalPostgresException;

import java.nio.file.Path;

/**
 * The PostgreSQL server a command works with: the one a database URL names, or else the embedded
 * one of the data directory, started by this process or, if another process runs it, attached to.
 * Closing stops the embedded server only if this process started it. Failures of the embedded
 * server are {@link StrataException}s with the code its {@link LocalPostgresException.Reason} names.
 */
public final class PostgresBackend implements AutoCloseable {
    private final PostgresServer server;
    private final LocalPostgres local;
    private final String description;

    private PostgresBackend(PostgresServer server, LocalPostgres local, String description) {
        this.server = server;
        this.local = local;
        this.description = description;
    }

    /**
     * Opens the server named by {@code databaseUrl}, or, when it is {@code null}, the embedded one
     * in {@code dataDir}, which stops when the JVM exits if this process started it.
     */
    public static PostgresBackend open(String databaseUrl, Path dataDir) {
        return open(databaseUrl, dataDir, true);
    }

    /**
     * {@link #open(String, Path)}; with {@code stopAtExit} false an embedded server this process
     * starts stops only on {@link #close()}, for callers that close it from their own shutdown hook
     * after everything that uses it.
     */
    public static PostgresBackend open(String databaseUrl, Path dataDir, boolean stopAtExit) {
        if (databaseUrl != null && !databaseUrl.isBlank()) {
            PostgresServer server = PostgresServer.parse(databaseUrl);
            return new PostgresBackend(server, null, server.toString());
        }
        LocalPostgres local;
        try {
            local = LocalPostgres.start(dataDir, stopAtExit);
        } catch (LocalPostgresException e) {
            throw translated(e);
        }
        String how = local.attached() ? "embedded PostgreSQL of " + dataDir + " (run by another process)"
                : "embedded PostgreSQL in " + dataDir;
        return new PostgresBackend(PostgresServer.parse(local.databaseUrl()), local, how + ", port " + local.port());
    }

    /** How to reach the server as its administrator. */
    public PostgresServer server() {
        return server;
    }

    /** A printable description, without passwords. */
    public String description() {
        return description;
    }

    @Override
    public void close() {
        if (local != null) {
            try {
                local.close();
            } catch (LocalPostgresException e) {
                throw translated(e);
            }
        }
    }

    private static StrataException translated(LocalPostgresException e) {
        ErrorCode code = switch (e.reason()) {
            case INVALID_CONFIGURATION -> ErrorCode.INVALID_CONFIGURATION;
            case INTERNAL -> ErrorCode.INTERNAL;
        };
        return new StrataException(code, e.getMessage(), e);
    }
}

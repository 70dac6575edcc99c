package dev.strata.embedded.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The {@code pg_hba.conf} of the embedded cluster: SCRAM passwords for every connection, TCP only
 * from 127.0.0.1 and ::1, and nothing else (no {@code trust}, no {@code peer}, no physical
 * replication; a connection no line matches is refused). The {@code local} line only matters if
 * someone starts the cluster with a Unix socket; Strata starts it without one.
 */
public final class HostBasedAuthentication {
    /** The file's exact content. */
    public static final String CONTENT = """
            # Written by Strata, rewritten at every start: a SCRAM password for every connection,
            # TCP from this machine only. Whatever no line matches is refused.
            local   all   all                 scram-sha-256
            host    all   all   127.0.0.1/32  scram-sha-256
            host    all   all   ::1/128       scram-sha-256
            """;

    private HostBasedAuthentication() {
    }

    /**
     * Makes {@code <cluster>/pg_hba.conf} exactly {@link #CONTENT} (mode 0600, replaced atomically)
     * unless it already is; returns whether it was rewritten.
     */
    public static boolean enforce(Path cluster) throws IOException {
        Path file = cluster.resolve("pg_hba.conf");
        if (Files.isRegularFile(file) && Files.readString(file, StandardCharsets.UTF_8).equals(CONTENT)) {
            PrivateFiles.narrow(file, PrivateFiles.FILE);
            return false;
        }
        PrivateFiles.writeSecret(file, CONTENT);
        return true;
    }
}

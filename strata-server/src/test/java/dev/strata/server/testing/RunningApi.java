package dev.strata.server.testing;

import dev.strata.Strata;
import dev.strata.server.api.ApiKeys;
import dev.strata.server.api.ApiServer;
import dev.strata.server.runtime.AdminKeyFile;
import dev.strata.testing.TestStrata;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A test class's control plane: Strata on the shared PostgreSQL under a fresh namespace, its admin
 * API key (also saved in a temporary data directory, as {@code strata serve} does), and the REST
 * API on a free port of 127.0.0.1. {@link #close()} stops it and drops the namespace; for a Strata
 * the caller brought ({@link #serving}), it stops only the API.
 */
public final class RunningApi implements AutoCloseable {
    private final Strata strata;
    private final ApiKeys keys;
    private final ApiServer server;
    private final ApiKeys.Created admin;
    private final Path dataDir;
    private final boolean ownsStrata;

    private RunningApi(Strata strata, ApiKeys keys, ApiServer server, ApiKeys.Created admin, Path dataDir, boolean ownsStrata) {
        this.strata = strata;
        this.keys = keys;
        this.server = server;
        this.admin = admin;
        this.dataDir = dataDir;
        this.ownsStrata = ownsStrata;
    }

    public static RunningApi start() {
        return start(b -> b);
    }

    /** {@link #start()} with the test's own configuration on top of {@link TestStrata#configure()}. */
    public static RunningApi start(java.util.function.UnaryOperator<dev.strata.StrataConfig.Builder> customize) {
        Strata strata = TestStrata.start(customize);
        try {
            return open(strata, true);
        } catch (RuntimeException e) {
            TestStrata.stopAndDrop(strata);
            throw e;
        }
    }

    /** The API of a Strata the caller started and will stop: {@link #close()} stops only the API. */
    public static RunningApi serving(Strata strata) {
        return open(strata, false);
    }

    private static RunningApi open(Strata strata, boolean ownsStrata) {
        try {
            Path dataDir = Files.createTempDirectory("strata-server-test");
            ApiKeys keys = new ApiKeys(strata.internals().management());
            ApiKeys.Created admin = keys.createAdminKeyIfNone(secret -> AdminKeyFile.write(dataDir, secret)).orElseThrow();
            ApiServer server = ApiServer.start(strata, keys, "127.0.0.1", 0, strata.backups(dataDir.resolve("backups")));
            return new RunningApi(strata, keys, server, admin, dataDir, ownsStrata);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public Strata strata() {
        return strata;
    }

    public ApiKeys keys() {
        return keys;
    }

    public ApiServer server() {
        return server;
    }

    public URI baseUri() {
        return server.baseUri();
    }

    public String adminKey() {
        return admin.secret();
    }

    /** The actor recorded for changes made with the admin key: {@code api-key:admin (<id>)}. */
    public String adminActor() {
        return admin.key().actor();
    }

    /** The data directory holding {@code admin-key}. */
    public Path dataDir() {
        return dataDir;
    }

    @Override
    public void close() {
        try {
            server.close();
        } finally {
            if (ownsStrata) {
                TestStrata.stopAndDrop(strata);
            }
        }
    }
}

package dev.strata.server.api;

import dev.strata.ErrorCode;
import dev.strata.StrataException;
import dev.strata.internal.sql.Jdbc;

import javax.sql.DataSource;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Base64;
import java.util.Optional;
import java.util.UUID;

/**
 * The control plane's API keys in {@code platform.api_keys} of the management database. A key is
 * {@code strata_} followed by 32 random bytes in base64url; only its SHA-256 is stored, so the
 * secret is shown once, when it is created, and never again. Thread-safe.
 */
public final class ApiKeys {
    /** Name of the T0 admin key created on the first start. */
    public static final String ADMIN = "admin";

    private static final String PREFIX = "strata_";
    private static final int MAX_PRESENTED_LENGTH = 256;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final DataSource management;

    public ApiKeys(DataSource management) {
        this.management = management;
    }

    /**
     * A newly created key with its secret, which exists nowhere else once this object is gone.
     * {@link #toString()} hides the secret.
     */
    public record Created(ApiKey key, String secret) {
        @Override
        public String toString() {
            return "Created[" + key + ", secret=***]";
        }
    }

    /** What to do with a new admin key's secret before it is committed (e.g. save it to a file). */
    @FunctionalInterface
    public interface SecretSink {
        void accept(String secret) throws Exception;
    }

    /**
     * Creates the T0 admin key if no key exists yet (serialised across processes), handing its
     * secret to {@code sink} before the key is committed: if the sink fails, no key is stored.
     *
     * @return the new key, or empty if keys already existed
     */
    public Optional<Created> createAdminKeyIfNone(SecretSink sink) {
        return Jdbc.inTransaction(management, "create the admin API key", c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT pg_advisory_xact_lock(hashtext('strata:api-keys'))")) {
                ps.execute();
            }
            try (PreparedStatement ps = c.prepareStatement("SELECT EXISTS (SELECT 1 FROM platform.api_keys)");
                 ResultSet rs = ps.executeQuery()) {
                rs.next();
                if (rs.getBoolean(1)) {
                    return Optional.empty();
                }
            }
            Created created = insert(c, ADMIN);
            try {
                sink.accept(created.secret());
            } catch (Exception e) {
                throw new StrataException(ErrorCode.INVALID_CONFIGURATION,
                        "Could not save the new admin API key: " + e.getMessage(), e);
            }
            return Optional.of(created);
        });
    }

    /** Creates a key with the given name (names need not be unique; ids are). */
    public Created create(String name) {
        if (name == null || name.isBlank() || name.length() > 100 || name.chars().anyMatch(ch -> ch < 0x20)) {
            throw new StrataException(ErrorCode.INVALID_ARGUMENT, "An API key name of 1-100 printable characters is required");
        }
        return Jdbc.inTransaction(management, "create an API key", c -> insert(c, name.strip()));
    }

    /** Revokes a key; requests presenting it are refused from then on. */
    public void revoke(UUID id) {
        Jdbc.useTransaction(management, "revoke an API key", c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "UPDATE platform.api_keys SET revoked_at = now() WHERE id = ? AND revoked_at IS NULL")) {
                ps.setObject(1, id);
                ps.executeUpdate();
            }
        });
    }

    /** The live (not revoked) key whose secret this is, if any. */
    public Optional<ApiKey> authenticate(String presented) {
        if (presented == null || presented.isEmpty() || presented.length() > MAX_PRESENTED_LENGTH) {
            return Optional.empty();
        }
        byte[] hash = sha256(presented);
        return Jdbc.withConnection(management, "check an API key", c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT id, name FROM platform.api_keys WHERE key_hash = ? AND revoked_at IS NULL")) {
                ps.setBytes(1, hash);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? Optional.of(new ApiKey(rs.getObject(1, UUID.class), rs.getString(2))) : Optional.empty();
                }
            }
        });
    }

    private static Created insert(Connection c, String name) throws SQLException {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        String secret = PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        UUID id = UUID.randomUUID();
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO platform.api_keys (id, name, key_hash) VALUES (?, ?, ?)")) {
            ps.setObject(1, id);
            ps.setString(2, name);
            ps.setBytes(3, sha256(secret));
            ps.executeUpdate();
        }
        return new Created(new ApiKey(id, name), secret);
    }

    static byte[] sha256(String secret) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(secret.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("Every Java runtime has SHA-256", e);
        }
    }
}

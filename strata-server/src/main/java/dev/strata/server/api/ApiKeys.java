package dev.strata.server.api;

import dev.strata.ErrorCode;
import dev.strata.StrataException;
import dev.strata.Tier;
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
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The control plane's API keys in {@code platform.api_keys} of the management database, each bound
 * to one tenant. A key is {@code strata_<key id, 32 hex digits>_<secret>}: the secret is 32 random
 * bytes in base64url (256 bits), and the key id in front lets a leaked key be recognised and looked
 * up ({@code strata keys list} shows ids) without its secret. Only the SHA-256 of the whole key is
 * stored and compared in constant time, so the key is shown once, when it is created, and never
 * again. Keys made before keys had ids ({@code strata_<secret>}, e.g. an older {@code admin-key}
 * file) are found by their hash and keep working. Thread-safe.
 */
public final class ApiKeys {
    /** Name of the T0 admin key created on the first start and by {@code strata keys reset-admin}. */
    public static final String ADMIN = "admin";
    /** Longest key name. */
    public static final int MAX_NAME_LENGTH = 100;

    private static final String PREFIX = "strata_";
    private static final Pattern WITH_ID = Pattern.compile("strata_([0-9a-f]{32})_[A-Za-z0-9_-]{43}");
    private static final int MAX_PRESENTED_LENGTH = 256;
    /** How stale {@code last_used_at} may get before a request refreshes it (one write per key and minute at most). */
    private static final Duration LAST_USED_RESOLUTION = Duration.ofMinutes(1);
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final String SELECT_INFO = "SELECT k.id, k.name, k.tenant_id, t.slug, t.tier, k.created_at, k.expires_at, "
            + "k.last_used_at, k.revoked_at, k.created_by, k.revoked_by FROM platform.api_keys k "
            + "LEFT JOIN platform.tenants t ON t.id = k.tenant_id";

    private final DataSource management;

    public ApiKeys(DataSource management) {
        this.management = management;
    }

    /**
     * A newly created key with its secret, which exists nowhere else once this object is gone.
     * {@link #toString()} hides the secret.
     */
    public record Created(ApiKey key, String secret, KeyInfo info) {
        @Override
        public String toString() {
            return "Created[" + key + ", secret=***]";
        }
    }

    /** What a key's list entry shows: everything but its secret (which is not stored). */
    public record KeyInfo(UUID id, String name, UUID tenantId, String tenantSlug, Tier tier, Instant createdAt,
                          Instant expiresAt, Instant lastUsedAt, Instant revokedAt, String createdBy, String revokedBy) {

        /** Whether the key admits requests at {@code now}. */
        public boolean live(Instant now) {
            return revokedAt == null && (expiresAt == null || expiresAt.isAfter(now));
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
            lock(c);
            try (PreparedStatement ps = c.prepareStatement("SELECT EXISTS (SELECT 1 FROM platform.api_keys)");
                 ResultSet rs = ps.executeQuery()) {
                rs.next();
                if (rs.getBoolean(1)) {
                    return Optional.empty();
                }
            }
            Created created = insert(c, operator(c), ADMIN, null, "strata serve (first start)");
            save(sink, created);
            return Optional.of(created);
        });
    }

    /**
     * Recovers the operator's access: revokes every live T0 key named {@value #ADMIN} and creates a
     * new one, handing its secret to {@code sink} before anything is committed (if the sink fails,
     * nothing changed). For {@code strata keys reset-admin}, run by whoever can reach the management
     * database directly; there is no HTTP endpoint for it.
     */
    public Created resetAdmin(String actor, SecretSink sink) {
        return Jdbc.inTransaction(management, "reset the admin API key", c -> {
            lock(c);
            UUID operator = operator(c);
            try (PreparedStatement ps = c.prepareStatement("UPDATE platform.api_keys SET revoked_at = now(), revoked_by = ? "
                    + "WHERE name = ? AND tenant_id = ? AND revoked_at IS NULL")) {
                ps.setString(1, actor);
                ps.setString(2, ADMIN);
                ps.setObject(3, operator);
                ps.executeUpdate();
            }
            Created created = insert(c, operator, ADMIN, null, actor);
            save(sink, created);
            return created;
        });
    }

    /** Creates a T0 key with the given name that never expires (names need not be unique; ids are). */
    public Created create(String name) {
        return Jdbc.inTransaction(management, "create an API key", c -> insert(c, operator(c), checkedName(name), null, null));
    }

    /**
     * Creates a key bound to {@code tenantId}, optionally expiring at {@code expiresAt}, recorded as
     * created by {@code createdBy}. The caller checked that the creator may give keys for that tenant.
     */
    public Created create(UUID tenantId, String name, Instant expiresAt, String createdBy) {
        String checked = checkedName(name);
        return Jdbc.inTransaction(management, "create an API key", c -> insert(c, tenantId, checked, expiresAt, createdBy));
    }

    /** Every key, live or not, newest first. */
    public List<KeyInfo> list() {
        return Jdbc.withConnection(management, "list API keys", c -> {
            try (PreparedStatement ps = c.prepareStatement(SELECT_INFO + " ORDER BY k.created_at DESC, k.id")) {
                return infos(ps);
            }
        });
    }

    /** The key with this id, live or not. */
    public Optional<KeyInfo> find(UUID id) {
        return Jdbc.withConnection(management, "look up an API key", c -> {
            try (PreparedStatement ps = c.prepareStatement(SELECT_INFO + " WHERE k.id = ?")) {
                ps.setObject(1, id);
                return infos(ps).stream().findFirst();
            }
        });
    }

    /** Revokes a key; requests presenting it are refused from then on. Idempotent. */
    public void revoke(UUID id) {
        revoke(id, null);
    }

    /** Revokes a key, recording who did; returns the key as it is now (empty if there is none). */
    public Optional<KeyInfo> revoke(UUID id, String actor) {
        Jdbc.useTransaction(management, "revoke an API key", c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "UPDATE platform.api_keys SET revoked_at = now(), revoked_by = ? WHERE id = ? AND revoked_at IS NULL")) {
                ps.setString(1, actor);
                ps.setObject(2, id);
                ps.executeUpdate();
            }
        });
        return find(id);
    }

    /**
     * The live key whose secret this is: not revoked, not expired, and bound to a tenant that is not
     * decommissioned. Anything else (including a key without a tenant) is no key at all.
     */
    public Optional<ApiKey> authenticate(String presented) {
        if (presented == null || presented.isEmpty() || presented.length() > MAX_PRESENTED_LENGTH
                || !presented.startsWith(PREFIX)) {
            return Optional.empty();
        }
        byte[] hash = sha256(presented);
        Matcher withId = WITH_ID.matcher(presented);
        String sql = "SELECT k.id, k.name, k.tenant_id, t.tier, k.key_hash, k.last_used_at FROM platform.api_keys k "
                + "JOIN platform.tenants t ON t.id = k.tenant_id WHERE " + (withId.matches() ? "k.id = ?" : "k.key_hash = ?")
                + " AND k.revoked_at IS NULL AND (k.expires_at IS NULL OR k.expires_at > now())"
                + " AND t.status <> 'decommissioned'";
        Optional<Found> found = Jdbc.withConnection(management, "check an API key", c -> {
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                if (withId.matches()) {
                    ps.setObject(1, idOf(withId.group(1)));
                } else {
                    ps.setBytes(1, hash);
                }
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next() || !MessageDigest.isEqual(hash, rs.getBytes(5))) {
                        return Optional.empty();
                    }
                    ApiKey key = new ApiKey(rs.getObject(1, UUID.class), rs.getString(2), rs.getObject(3, UUID.class),
                            Tier.ofLevel(rs.getInt(4)));
                    Timestamp lastUsed = rs.getTimestamp(6);
                    return Optional.of(new Found(key, lastUsed == null ? null : lastUsed.toInstant()));
                }
            }
        });
        found.filter(f -> f.lastUsed() == null || f.lastUsed().isBefore(Instant.now().minus(LAST_USED_RESOLUTION)))
                .ifPresent(f -> touch(f.key().id()));
        return found.map(Found::key);
    }

    private record Found(ApiKey key, Instant lastUsed) {
    }

    private void touch(UUID id) {
        Jdbc.useTransaction(management, "record an API key's use", c -> {
            try (PreparedStatement ps = c.prepareStatement("UPDATE platform.api_keys SET last_used_at = now() WHERE id = ?")) {
                ps.setObject(1, id);
                ps.executeUpdate();
            }
        });
    }

    /** A key name: 1-100 characters, none of them control or format characters; stripped. */
    static String checkedName(String name) {
        if (name == null || name.isBlank() || name.strip().length() > MAX_NAME_LENGTH
                || name.codePoints().anyMatch(ApiKeys::disguising)) {
            throw new StrataException(ErrorCode.INVALID_ARGUMENT, "An API key name of 1-" + MAX_NAME_LENGTH
                    + " printable characters is required (no control, format or line-separator characters)");
        }
        return name.strip();
    }

    private static boolean disguising(int cp) {
        int type = Character.getType(cp);
        return type == Character.CONTROL || type == Character.FORMAT || type == Character.LINE_SEPARATOR
                || type == Character.PARAGRAPH_SEPARATOR || type == Character.PRIVATE_USE || type == Character.SURROGATE
                || type == Character.UNASSIGNED;
    }

    private static void lock(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT pg_advisory_xact_lock(hashtext('strata:api-keys'))")) {
            ps.execute();
        }
    }

    private static UUID operator(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT id FROM platform.tenants WHERE tier = 0");
             ResultSet rs = ps.executeQuery()) {
            if (!rs.next()) {
                throw new StrataException(ErrorCode.INTERNAL, "No T0 operator registered: start Strata once before creating keys");
            }
            return rs.getObject(1, UUID.class);
        }
    }

    private static void save(SecretSink sink, Created created) {
        try {
            sink.accept(created.secret());
        } catch (Exception e) {
            throw new StrataException(ErrorCode.INVALID_CONFIGURATION,
                    "Could not save the new admin API key: " + e.getMessage(), e);
        }
    }

    private static Created insert(Connection c, UUID tenantId, String name, Instant expiresAt, String createdBy)
            throws SQLException {
        UUID id = UUID.randomUUID();
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        String secret = PREFIX + id.toString().replace("-", "") + "_" + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO platform.api_keys (id, name, key_hash, tenant_id, "
                + "expires_at, created_by) VALUES (?, ?, ?, ?, ?, ?)")) {
            ps.setObject(1, id);
            ps.setString(2, name);
            ps.setBytes(3, sha256(secret));
            ps.setObject(4, tenantId);
            ps.setTimestamp(5, expiresAt == null ? null : Timestamp.from(expiresAt));
            ps.setString(6, createdBy);
            ps.executeUpdate();
        }
        KeyInfo info;
        try (PreparedStatement ps = c.prepareStatement(SELECT_INFO + " WHERE k.id = ?")) {
            ps.setObject(1, id);
            info = infos(ps).get(0);
        }
        return new Created(new ApiKey(id, name, tenantId, info.tier()), secret, info);
    }

    private static List<KeyInfo> infos(PreparedStatement ps) throws SQLException {
        List<KeyInfo> infos = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                Object tier = rs.getObject(5);
                infos.add(new KeyInfo(rs.getObject(1, UUID.class), rs.getString(2), rs.getObject(3, UUID.class), rs.getString(4),
                        tier == null ? null : Tier.ofLevel(((Number) tier).intValue()), instant(rs, 6), instant(rs, 7),
                        instant(rs, 8), instant(rs, 9), rs.getString(10), rs.getString(11)));
            }
        }
        return infos;
    }

    private static Instant instant(ResultSet rs, int column) throws SQLException {
        Timestamp t = rs.getTimestamp(column);
        return t == null ? null : t.toInstant();
    }

    /** A key id from its 32 hex digits. */
    private static UUID idOf(String hex) {
        return UUID.fromString(hex.substring(0, 8) + "-" + hex.substring(8, 12) + "-" + hex.substring(12, 16) + "-"
                + hex.substring(16, 20) + "-" + hex.substring(20));
    }

    static byte[] sha256(String secret) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(secret.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("Every Java runtime has SHA-256", e);
        }
    }
}

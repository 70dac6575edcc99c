package dev.strata.internal.plane;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.strata.DataPlaneInfo;
import dev.strata.ErrorCode;
import dev.strata.NewPlane;
import dev.strata.PlaneStatus;
import dev.strata.PostgresServer;
import dev.strata.StrataException;
import dev.strata.internal.sql.DataPlane;
import dev.strata.internal.sql.Jdbc;
import dev.strata.internal.sql.SqlStates;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The data planes of one management database ({@code platform.data_planes}) and how this process
 * reaches each one. The plane {@code default} is the configured server, with the credentials of
 * this process's configuration; every other plane was added at run time ({@link #add}) and its
 * administrator login is read from the registry.
 *
 * <p>{@link #plane} serves from an in-process cache; a key it does not know is looked up in the
 * registry, so a plane another process added is found on first use. A change of a plane's row is
 * announced on {@code strata_routing} ({@code plane:<key>}), which drops the cached entry
 * ({@link #invalidate}). Thread-safe.
 */
public final class PlaneRegistry {
    private static final Logger LOG = LoggerFactory.getLogger(PlaneRegistry.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String ROW = """
            SELECT key, kind, region, capacity, status, host, port, admin_database, admin_user, admin_password,
                   options::text, wal_level, server_version, embedded, drain_operation, created_at,
                   neon_api_url, neon_api_key, neon_placement, neon_template_project, neon_template_branch, neon_pooled,
                   neon_cold_start_ms
              FROM platform.data_planes""";
    private static final String USAGE = """
            SELECT p.key,
                   (SELECT count(*) FROM platform.placements pl JOIN platform.tenants t ON t.id = pl.tenant_id
                     WHERE pl.data_plane = p.key AND t.status <> 'decommissioned')::int,
                   (SELECT count(*) FROM platform.databases d JOIN platform.tenants t ON t.id = d.owner_tenant_id
                     WHERE d.data_plane = p.key AND d.dropped_at IS NULL AND d.purpose = 'tenant' AND t.tier = 1)::int,
                   (SELECT count(*) FROM platform.databases d WHERE d.data_plane = p.key AND d.dropped_at IS NULL)::int
              FROM platform.data_planes p""";

    private final DataSource management;
    private final DataPlane defaultPlane;
    private final PlanePreparation preparation;
    private final ConcurrentHashMap<String, DataPlane> cache = new ConcurrentHashMap<>();
    private volatile DrainStarter drainStarter;
    private volatile DatabaseAddresses neonAddresses;
    private volatile java.util.function.UnaryOperator<NeonPlaneSettings> neonCheck;

    public PlaneRegistry(DataSource management, DataPlane defaultPlane, PlanePreparation preparation) {
        this.management = management;
        this.defaultPlane = defaultPlane;
        this.preparation = preparation;
    }

    /** The configured plane, where the management database lives. */
    public DataPlane defaultPlane() {
        return defaultPlane;
    }

    /**
     * How to reach a plane.
     *
     * @throws StrataException {@link ErrorCode#PLANE_NOT_FOUND} for a key no plane has
     */
    public DataPlane plane(String key) {
        return find(key).orElseThrow(() -> notFound(key));
    }

    /** How to reach a plane, or empty for a key no plane has. */
    public Optional<DataPlane> find(String key) {
        if (key == null) {
            return Optional.empty();
        }
        if (DataPlane.DEFAULT_KEY.equals(key)) {
            return Optional.of(defaultPlane);
        }
        DataPlane cached = cache.get(key);
        if (cached != null) {
            return Optional.of(cached);
        }
        Optional<PlaneRow> row = Jdbc.withConnection(management, "look up data plane '" + key + "'", c -> read(c, key));
        if (row.isPresent() && row.get().isNeon()) {
            DataPlane routed = routedNeonPlane(key, row.get().neonSettings());
            cache.put(key, routed);
            return Optional.of(routed);
        }
        row.ifPresent(r -> cache.put(key, r.plane(defaultPlane)));
        return row.map(r -> cache.get(key));
    }

    /** A Neon plane as code written for server planes sees it: each database at its own endpoint. */
    private DataPlane routedNeonPlane(String key, NeonPlaneSettings settings) {
        PostgresServer placeholder = new PostgresServer(settings.apiUrl().getHost() == null ? "neon" : settings.apiUrl().getHost(),
                settings.apiUrl().getPort() > 0 ? settings.apiUrl().getPort() : 443, "neon", null,
                "neon-plane-" + key, Map.of());
        return DataPlane.routed(key, placeholder, database -> {
            DatabaseAddresses addresses = neonAddresses;
            if (addresses == null) {
                throw notFound(key);
            }
            return addresses.of(key, database);
        });
    }

    /**
     * How to reach one database of a plane: the plane's server for a {@code postgres} plane; for a
     * {@code neon} plane, the endpoint of the Neon branch holding that database (each T1 database
     * has its own host and port).
     *
     * @throws StrataException {@link ErrorCode#PLANE_NOT_FOUND} for a key no plane has, or a
     *         database no Neon placement holds
     */
    public DataPlane forDatabase(String key, String database) {
        DataPlane plane = plane(key);
        DatabaseAddresses addresses = neonAddresses;
        if (plane.routedPerDatabase() && addresses != null) {
            return addresses.of(key, database);
        }
        return plane;
    }

    /**
     * Registers the checks of a new Neon plane: they reach its API and resolve its template,
     * returning the settings to record, or throw (nothing is registered).
     */
    public void neonCheck(java.util.function.UnaryOperator<NeonPlaneSettings> check) {
        this.neonCheck = check;
    }

    /** Registers how databases on Neon planes are reached (the Neon plane does). */
    public void neonAddresses(DatabaseAddresses addresses) {
        this.neonAddresses = addresses;
    }

    /** A Neon plane's settings (with its API key: internal only), empty for any other key. */
    public Optional<NeonPlaneSettings> neon(String key) {
        if (key == null || DataPlane.DEFAULT_KEY.equals(key)) {
            return Optional.empty();
        }
        return Jdbc.withConnection(management, "look up data plane '" + key + "'", c -> read(c, key))
                .filter(PlaneRow::isNeon).map(PlaneRow::neonSettings);
    }

    /** Every plane of the registry, {@code default} first, then by key (read from the registry). */
    public List<DataPlane> all() {
        List<DataPlane> out = new ArrayList<>();
        out.add(defaultPlane);
        for (PlaneRow row : rows()) {
            if (!row.isDefault() && !row.isNeon()) {
                DataPlane plane = row.plane(defaultPlane);
                cache.put(row.key(), plane);
                out.add(plane);
            }
        }
        return out;
    }

    /**
     * A live read-only view by key for code written against a map: {@code get} resolves like
     * {@link #find} ({@code null} for an unknown key), iteration lists {@link #all()} at that moment.
     */
    public Map<String, DataPlane> asMap() {
        return new AbstractMap<>() {
            @Override
            public DataPlane get(Object key) {
                return key instanceof String k ? find(k).orElse(null) : null;
            }

            @Override
            public boolean containsKey(Object key) {
                return get(key) != null;
            }

            @Override
            public Set<Entry<String, DataPlane>> entrySet() {
                Set<Entry<String, DataPlane>> entries = new LinkedHashSet<>();
                for (DataPlane plane : all()) {
                    entries.add(Map.entry(plane.key(), plane));
                }
                return entries;
            }
        };
    }

    /**
     * A live read-only view by key of something made from each plane (say the DDL helper of its
     * server), made on first use and again when the plane's connection changed; {@code get} of an
     * unknown key is {@code null}.
     */
    public <T> Map<String, T> derived(java.util.function.Function<DataPlane, T> make) {
        Map<DataPlane, T> made = new ConcurrentHashMap<>();
        return new AbstractMap<>() {
            @Override
            public T get(Object key) {
                DataPlane plane = key instanceof String k ? find(k).orElse(null) : null;
                return plane == null ? null : made.computeIfAbsent(plane, make);
            }

            @Override
            public boolean containsKey(Object key) {
                return get(key) != null;
            }

            @Override
            public Set<Entry<String, T>> entrySet() {
                Set<Entry<String, T>> entries = new LinkedHashSet<>();
                for (DataPlane plane : all()) {
                    entries.add(Map.entry(plane.key(), made.computeIfAbsent(plane, make)));
                }
                return entries;
            }
        };
    }

    /** Drops a cached plane (its row changed); {@code null} drops every one. */
    public void invalidate(String key) {
        if (key == null) {
            cache.clear();
        } else {
            cache.remove(key);
        }
    }

    /** Registers what moves tenants off a draining plane (the DRAIN operation). */
    public void drainStarter(DrainStarter starter) {
        this.drainStarter = starter;
    }

    /** The registered planes as {@link dev.strata.Planes#list()} reports them. */
    public List<DataPlaneInfo> list() {
        return Jdbc.withConnection(management, "list the data planes", c -> {
            Map<String, int[]> usage = usage(c, null);
            List<DataPlaneInfo> out = new ArrayList<>();
            for (PlaneRow row : rows(c)) {
                out.add(row.info(defaultPlane, usage.getOrDefault(row.key(), new int[3])));
            }
            return out;
        });
    }

    /**
     * One plane as {@link dev.strata.Planes#get} reports it.
     *
     * @throws StrataException {@link ErrorCode#PLANE_NOT_FOUND}
     */
    public DataPlaneInfo info(String key) {
        PlaneRules.requireKnownShape(key);
        return Jdbc.withConnection(management, "show data plane '" + key + "'", c -> {
            PlaneRow row = read(c, key).orElseThrow(() -> notFound(key));
            return row.info(defaultPlane, usage(c, key).getOrDefault(key, new int[3]));
        });
    }

    /** See {@link dev.strata.Planes#add}. {@code embedded} marks a server Strata runs itself. */
    public DataPlaneInfo add(NewPlane request, boolean embedded) {
        if (request.neon() != null) {
            java.util.function.UnaryOperator<NeonPlaneSettings> check = neonCheck;
            if (check == null) {
                throw new StrataException(ErrorCode.INTERNAL, "This Strata cannot check Neon planes");
            }
            return addNeon(request, check);
        }
        String key = PlaneRules.requireValidKey(request.key());
        String region = PlaneRules.requireValidRegion(request.region());
        Integer capacity = PlaneRules.requireValidCapacity(request.capacity());
        PostgresServer server = request.server();
        Jdbc.withConnection(management, "check data plane '" + key + "'", c -> {
            if (read(c, key).isPresent()) {
                throw duplicateKey(key);
            }
            return null;
        });
        DataPlane plane = new DataPlane(key, server);
        ServerFacts facts = ServerFacts.check(plane);
        Jdbc.withConnection(management, "register data plane '" + key + "'", c -> {
            try (Statement s = c.createStatement()) {
                s.execute("SELECT pg_advisory_lock(hashtext('strata:startup'))");
            }
            try {
                if (read(c, key).isPresent()) {
                    throw duplicateKey(key);
                }
                Optional<String> sameServer = keyOfServer(c, facts.identity());
                if (sameServer.isPresent()) {
                    throw new StrataException(ErrorCode.INVALID_ARGUMENT, "The server at " + address(server)
                            + " is already the data plane '" + sameServer.get() + "': one server is one plane");
                }
                try {
                    preparation.prepare(plane);
                } catch (SQLException e) {
                    throw new StrataException(ErrorCode.DATABASE_ERROR, "Cannot prepare data plane '" + key + "' at "
                            + address(server) + " (the T1 context role and the template database): "
                            + SqlStates.rootMessage(e) + ". Nothing was registered", e);
                }
                try (PreparedStatement ps = c.prepareStatement("""
                        INSERT INTO platform.data_planes (key, kind, region, capacity, host, port, admin_database,
                            admin_user, admin_password, options, status, wal_level, server_version, server_identity, embedded)
                        VALUES (?, 'postgres', ?, ?, ?, ?, ?, ?, ?, ?::jsonb, 'active', ?, ?, ?, ?)""")) {
                    ps.setString(1, key);
                    ps.setString(2, region);
                    ps.setObject(3, capacity);
                    ps.setString(4, server.host());
                    ps.setInt(5, server.port());
                    ps.setString(6, server.database());
                    ps.setString(7, server.user());
                    ps.setString(8, server.password());
                    ps.setString(9, JSON.writeValueAsString(server.options()));
                    ps.setString(10, facts.walLevel());
                    ps.setString(11, facts.version());
                    ps.setString(12, facts.identity());
                    ps.setBoolean(13, embedded);
                    ps.executeUpdate();
                } catch (JsonProcessingException e) {
                    throw new StrataException(ErrorCode.INTERNAL, "Cannot encode the connection options", e);
                } catch (SQLException e) {
                    if ("data_planes_server".equals(SqlStates.constraint(e))) {
                        throw new StrataException(ErrorCode.INVALID_ARGUMENT, "The server at " + address(server)
                                + " is already a data plane: one server is one plane", e);
                    }
                    if ("data_planes_pkey".equals(SqlStates.constraint(e))) {
                        throw duplicateKey(key);
                    }
                    throw e;
                }
            } finally {
                try (Statement s = c.createStatement()) {
                    s.execute("SELECT pg_advisory_unlock(hashtext('strata:startup'))");
                }
            }
            return null;
        });
        cache.put(key, plane);
        if (!"logical".equals(facts.walLevel())) {
            LOG.warn("Data plane '{}' runs with wal_level={}: tenants cannot be moved onto or off it online until its"
                    + " server runs with wal_level=logical (and is restarted)", key, facts.walLevel());
        }
        LOG.info("Added data plane '{}' at {} (PostgreSQL {}, region {}, capacity {})", key, address(server),
                facts.version(), region == null ? "none" : region, capacity == null ? "unlimited" : capacity);
        return info(key);
    }

    /**
     * Registers a Neon plane whose account and template the caller has checked ({@code check} runs
     * after the key was found free and before anything is written; a failure registers nothing).
     */
    public DataPlaneInfo addNeon(NewPlane request, java.util.function.UnaryOperator<NeonPlaneSettings> check) {
        String key = PlaneRules.requireValidKey(request.key());
        String region = PlaneRules.requireValidRegion(request.region());
        Integer capacity = PlaneRules.requireValidCapacity(request.capacity());
        dev.strata.NeonOptions neon = request.neon();
        NeonPlaneSettings requested = new NeonPlaneSettings(key, neon.apiUrl(), neon.apiKey(), region, neon.placement(),
                neon.templateProject(), neon.templateBranch(), neon.pooled(), neon.coldStartTimeout());
        Jdbc.withConnection(management, "check data plane '" + key + "'", c -> {
            if (read(c, key).isPresent()) {
                throw duplicateKey(key);
            }
            return null;
        });
        NeonPlaneSettings settings = check.apply(requested);
        Jdbc.withConnection(management, "register data plane '" + key + "'", c -> {
            try (PreparedStatement ps = c.prepareStatement("""
                    INSERT INTO platform.data_planes (key, kind, region, capacity, status, neon_api_url, neon_api_key,
                        neon_placement, neon_template_project, neon_template_branch, neon_pooled, neon_cold_start_ms)
                    VALUES (?, 'neon', ?, ?, 'active', ?, ?, ?, ?, ?, ?, ?)""")) {
                ps.setString(1, key);
                ps.setString(2, region);
                ps.setObject(3, capacity);
                ps.setString(4, settings.apiUrl().toString());
                ps.setString(5, settings.apiKey());
                ps.setString(6, settings.placement().wireName());
                ps.setString(7, settings.templateProject());
                ps.setString(8, settings.templateBranch());
                ps.setBoolean(9, settings.pooled());
                ps.setInt(10, (int) settings.coldStartTimeout().toMillis());
                ps.executeUpdate();
            } catch (SQLException e) {
                if ("data_planes_pkey".equals(SqlStates.constraint(e))) {
                    throw duplicateKey(key);
                }
                throw e;
            }
            return null;
        });
        LOG.info("Added Neon data plane '{}' at {} ({} placement, region {}, capacity {})", key, settings.apiUrl(),
                settings.placement().wireName(), region == null ? "none" : region, capacity == null ? "unlimited" : capacity);
        return info(key);
    }

    /**
     * Records what the default plane's server reports (version, wal_level, identity): the
     * registry then knows it like any added plane, and refuses adding the same server again.
     */
    public void recordDefault(Connection c, String region) throws SQLException {
        ServerFacts facts = ServerFacts.read(c, address(defaultPlane.server()));
        try (PreparedStatement ps = c.prepareStatement("""
                INSERT INTO platform.data_planes (key, kind, region, wal_level, server_version, server_identity)
                VALUES (?, 'postgres', ?, ?, ?, ?)
                ON CONFLICT (key) DO UPDATE SET wal_level = excluded.wal_level, server_version = excluded.server_version,
                    server_identity = excluded.server_identity
                 WHERE (data_planes.wal_level, data_planes.server_version, data_planes.server_identity)
                       IS DISTINCT FROM (excluded.wal_level, excluded.server_version, excluded.server_identity)""")) {
            ps.setString(1, DataPlane.DEFAULT_KEY);
            ps.setString(2, region);
            ps.setString(3, facts.walLevel());
            ps.setString(4, facts.version());
            ps.setString(5, facts.identity());
            ps.executeUpdate();
        }
    }

    /**
     * Points an embedded plane at where its server listens now (an embedded server gets a new port
     * at every start) and prepares it (its template may be behind). Only for planes added as embedded.
     */
    public void reconnectEmbedded(String key, PostgresServer server) {
        Jdbc.useTransaction(management, "reconnect embedded data plane '" + key + "'", c -> {
            try (PreparedStatement ps = c.prepareStatement("""
                    UPDATE platform.data_planes SET host = ?, port = ?, admin_database = ?, admin_user = ?,
                           admin_password = ?, updated_at = now()
                     WHERE key = ? AND embedded
                       AND (host, port, admin_user, admin_password) IS DISTINCT FROM (?, ?, ?, ?)""")) {
                ps.setString(1, server.host());
                ps.setInt(2, server.port());
                ps.setString(3, server.database());
                ps.setString(4, server.user());
                ps.setString(5, server.password());
                ps.setString(6, key);
                ps.setString(7, server.host());
                ps.setInt(8, server.port());
                ps.setString(9, server.user());
                ps.setString(10, server.password());
                ps.executeUpdate();
            }
        });
        cache.remove(key);
        DataPlane plane = plane(key);
        try {
            preparation.prepare(plane);
        } catch (SQLException e) {
            throw new StrataException(ErrorCode.DATABASE_ERROR, "Cannot prepare embedded data plane '" + key + "': "
                    + SqlStates.rootMessage(e), e);
        }
    }

    /** See {@link dev.strata.Planes#drain}. */
    public DataPlaneInfo drain(String key, String actor) {
        PlaneRules.requireKnownShape(key);
        Jdbc.useTransaction(management, "drain data plane '" + key + "'", c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "UPDATE platform.data_planes SET status = 'draining', updated_at = now() WHERE key = ? AND status <> 'draining'")) {
                ps.setString(1, key);
                if (ps.executeUpdate() == 0 && read(c, key).isEmpty()) {
                    throw notFound(key);
                }
            }
        });
        LOG.info("Data plane '{}' is draining: no new T1 lands there", key);
        DrainStarter starter = drainStarter;
        if (starter != null) {
            UUID operation = starter.startDrain(key, actor);
            if (operation != null) {
                Jdbc.useTransaction(management, "record the drain of data plane '" + key + "'", c -> {
                    try (PreparedStatement ps = c.prepareStatement(
                            "UPDATE platform.data_planes SET drain_operation = ? WHERE key = ? AND drain_operation IS DISTINCT FROM ?")) {
                        ps.setObject(1, operation);
                        ps.setString(2, key);
                        ps.setObject(3, operation);
                        ps.executeUpdate();
                    }
                });
            }
        }
        return info(key);
    }

    /** Planes whose status is {@code draining}: for the DRAIN operation and its recovery. */
    public List<String> draining() {
        return Jdbc.withConnection(management, "list draining data planes", c -> {
            List<String> out = new ArrayList<>();
            try (Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("SELECT key FROM platform.data_planes WHERE status = 'draining' ORDER BY key")) {
                while (rs.next()) {
                    out.add(rs.getString(1));
                }
            }
            return out;
        });
    }

    // --- placement: read inside the registration transaction -------------------------------------

    /**
     * Locks the named planes' rows ({@code FOR UPDATE}, so placements on one plane serialise and
     * capacity holds) and returns what placement needs, in key order; an empty key list locks
     * every plane.
     */
    public static List<PlacementCandidate> lockForPlacement(Connection c, List<String> keys) throws SQLException {
        List<PlacementCandidate> out = new ArrayList<>();
        String where = keys.isEmpty() ? "" : " WHERE p.key = ANY (?)";
        try (PreparedStatement ps = c.prepareStatement("SELECT p.key, p.region, p.capacity, p.status, p.kind, "
                + "(SELECT count(*) FROM platform.databases d JOIN platform.tenants t ON t.id = d.owner_tenant_id"
                + " WHERE d.data_plane = p.key AND d.dropped_at IS NULL AND d.purpose = 'tenant' AND t.tier = 1)::int"
                + " FROM platform.data_planes p" + where + " ORDER BY p.key FOR UPDATE OF p")) {
            if (!keys.isEmpty()) {
                ps.setArray(1, c.createArrayOf("text", keys.toArray()));
            }
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new PlacementCandidate(rs.getString(1), rs.getString(2), (Integer) rs.getObject(3),
                            PlaneStatus.fromWire(rs.getString(4)), rs.getInt(6), "neon".equals(rs.getString(5))));
                }
            }
        }
        return out;
    }

    /**
     * A plane as placement sees it.
     *
     * @param t1Databases live databases of T1s in database mode there
     * @param neon        whether it is a Neon plane (it takes T1s in database mode only)
     */
    public record PlacementCandidate(String key, String region, Integer capacity, PlaneStatus status, int t1Databases,
                                     boolean neon) {
        public boolean hasRoom() {
            return capacity == null || t1Databases < capacity;
        }
    }

    // --- rows --------------------------------------------------------------------------------

    private List<PlaneRow> rows() {
        return Jdbc.withConnection(management, "list the data planes", this::rows);
    }

    private List<PlaneRow> rows(Connection c) throws SQLException {
        List<PlaneRow> out = new ArrayList<>();
        try (Statement s = c.createStatement();
             ResultSet rs = s.executeQuery(ROW + " ORDER BY key <> 'default', key")) {
            while (rs.next()) {
                out.add(PlaneRow.of(rs));
            }
        }
        return out;
    }

    private static Optional<PlaneRow> read(Connection c, String key) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(ROW + " WHERE key = ?")) {
            ps.setString(1, key);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(PlaneRow.of(rs)) : Optional.empty();
            }
        }
    }

    private static Optional<String> keyOfServer(Connection c, String identity) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT key FROM platform.data_planes WHERE server_identity = ?")) {
            ps.setString(1, identity);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(rs.getString(1)) : Optional.empty();
            }
        }
    }

    private static Map<String, int[]> usage(Connection c, String key) throws SQLException {
        Map<String, int[]> out = new LinkedHashMap<>();
        try (PreparedStatement ps = c.prepareStatement(USAGE + (key == null ? "" : " WHERE p.key = ?"))) {
            if (key != null) {
                ps.setString(1, key);
            }
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.put(rs.getString(1), new int[]{rs.getInt(2), rs.getInt(3), rs.getInt(4)});
                }
            }
        }
        return out;
    }

    static String address(PostgresServer server) {
        return (server.host().contains(":") ? "[" + server.host() + "]" : server.host()) + ":" + server.port();
    }

    private static StrataException notFound(String key) {
        return new StrataException(ErrorCode.PLANE_NOT_FOUND, "No data plane '" + key
                + "' is registered: `strata planes list` shows the planes, `strata planes add` adds one");
    }

    private static StrataException duplicateKey(String key) {
        return new StrataException(ErrorCode.INVALID_ARGUMENT, "A data plane '" + key
                + "' is already registered: choose another key");
    }

    /** One row of {@code platform.data_planes}; holds the credentials, so it never leaves this package. */
    private record PlaneRow(String key, String kind, String region, Integer capacity, PlaneStatus status, String host,
                            Integer port, String adminDatabase, String adminUser, String adminPassword,
                            Map<String, String> options, String walLevel, String serverVersion, boolean embedded,
                            UUID drainOperation, Timestamp createdAt, NeonPlaneSettings neonSettings) {
        static PlaneRow of(ResultSet rs) throws SQLException {
            Map<String, String> options;
            try {
                options = JSON.readValue(rs.getString(11), new TypeReference<Map<String, String>>() {
                });
            } catch (JsonProcessingException e) {
                throw new SQLException("Unreadable connection options of data plane " + rs.getString(1), e);
            }
            return new PlaneRow(rs.getString(1), rs.getString(2), rs.getString(3), (Integer) rs.getObject(4),
                    PlaneStatus.fromWire(rs.getString(5)), rs.getString(6), (Integer) rs.getObject(7), rs.getString(8),
                    rs.getString(9), rs.getString(10), options, rs.getString(12), rs.getString(13), rs.getBoolean(14),
                    (UUID) rs.getObject(15), rs.getTimestamp(16), "neon".equals(rs.getString(2))
                            ? new NeonPlaneSettings(rs.getString(1), java.net.URI.create(rs.getString(17)), rs.getString(18),
                            rs.getString(3), dev.strata.NeonOptions.Layout.fromWire(rs.getString(19)), rs.getString(20),
                            rs.getString(21), rs.getBoolean(22), rs.getObject(23) == null ? null
                            : java.time.Duration.ofMillis(rs.getInt(23))) : null);
        }

        boolean isNeon() {
            return neonSettings != null;
        }

        boolean isDefault() {
            return DataPlane.DEFAULT_KEY.equals(key);
        }

        DataPlane plane(DataPlane defaultPlane) {
            if (isDefault()) {
                return defaultPlane;
            }
            return new DataPlane(key, new PostgresServer(host, port, adminUser, adminPassword, adminDatabase, options));
        }

        DataPlaneInfo info(DataPlane defaultPlane, int[] usage) {
            String address = isNeon() ? neonSettings.apiUrl().toString()
                    : isDefault() ? address(defaultPlane.server()) : address(plane(defaultPlane).server());
            return new DataPlaneInfo(key, kind, region, capacity, status, address, serverVersion, walLevel, embedded,
                    usage[0], usage[1], usage[2], drainOperation, createdAt.toInstant(),
                    isNeon() ? neonSettings.placement().wireName() : null);
        }

        @Override
        public String toString() {
            return "PlaneRow[" + key + "]";
        }
    }
}

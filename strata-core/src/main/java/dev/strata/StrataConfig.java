package dev.strata;

import dev.strata.archive.ArchiveLimits;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Strata's configuration: immutable, validated once by {@link Builder#build()}.
 *
 * @param server               the PostgreSQL server holding the management database and, as data
 *                             plane {@code default}, the tenant databases
 * @param namespace            prefix of every database and role Strata creates, so several
 *                             installations can share one server ({@code [a-z][a-z0-9_]{0,19}})
 * @param region               region label of the default data plane, may be {@code null}
 * @param poolSizePerDatabase  most connections one database's pool holds
 * @param connectionBudget     most server connections the tenant pools of one data plane hold
 *                             together; idle pools are evicted, least recently used first, to stay within it
 * @param connectionTimeout    how long a transaction waits for a connection before failing
 * @param poolIdleTimeout      how long an unused pool stays open
 * @param schemaWarnThreshold  tenant schemas per database above which Strata warns
 * @param schemaLimit          tenant schemas per database above which Strata refuses new ones
 * @param tierLimits           concurrency and statement-time limits per tier
 * @param meterRegistry        where per-tenant metrics go
 * @param statsFlushInterval   how often per-tenant activity is written to the management database
 *                             (read by {@code strata tenants top}); {@link Duration#ZERO} disables it
 * @param operationLease       how long a lifecycle operation (provisioning, decommissioning, import)
 *                             stays claimed by its process without a heartbeat; the owner renews it
 *                             every third of this, and another process resumes or rolls back the
 *                             operation only after it has expired (default 30 s)
 * @param decommissionDrainTimeout how long a decommission waits for transactions already in flight
 *                             in the tenant's database to end before it ends the sessions that
 *                             still hold it up (default 5 s)
 * @param archiveLimits        bounds on an archive being imported (upload, inflated sizes, entries)
 * @param tenantMigrations     the application's own tenant migrations: Flyway locations
 *                             ({@code classpath:db/tenant}, {@code filesystem:/srv/app/migrations}) applied
 *                             to every app schema (the template, every tenant database, every tenant
 *                             schema); empty means the application keeps no tables of its own yet
 * @param automaticRecovery    whether this process takes over operations whose owner's lease expired
 *                             by itself, at start-up and every lease period (default); when off they
 *                             wait for {@link Operations#resume} or {@link Operations#abort}
 * @param pooledServer         the pooled endpoint of the default data plane (PgBouncer in transaction
 *                             mode, Neon's {@code -pooler} host), through which tenant work connects as
 *                             each database's app role (its user and password are not used), or
 *                             {@code null}: tenant work connects to {@code server} directly. The
 *                             administrator's work (DDL, migrations, {@code LISTEN}, advisory locks)
 *                             always goes to {@code server} directly
 */
public record StrataConfig(
        PostgresServer server,
        String namespace,
        String region,
        int poolSizePerDatabase,
        int connectionBudget,
        Duration connectionTimeout,
        Duration poolIdleTimeout,
        int schemaWarnThreshold,
        int schemaLimit,
        Map<Tier, TenantLimits> tierLimits,
        MeterRegistry meterRegistry,
        Duration statsFlushInterval,
        Duration operationLease,
        Duration decommissionDrainTimeout,
        ArchiveLimits archiveLimits,
        List<String> tenantMigrations,
        boolean automaticRecovery,
        PostgresServer pooledServer) {

    private static final Pattern NAMESPACE = Pattern.compile("[a-z][a-z0-9_]{0,19}");
    private static final Pattern MIGRATION_LOCATION = Pattern.compile("(classpath|filesystem):\\S.*");

    public StrataConfig {
        Objects.requireNonNull(server, "server");
        Objects.requireNonNull(namespace, "namespace");
        tierLimits = Map.copyOf(tierLimits);
        Objects.requireNonNull(operationLease, "operationLease");
        Objects.requireNonNull(decommissionDrainTimeout, "decommissionDrainTimeout");
        archiveLimits = archiveLimits == null ? ArchiveLimits.DEFAULT : archiveLimits;
        tenantMigrations = tenantMigrations == null ? List.of() : List.copyOf(tenantMigrations);
    }

    /** Limits for a tenant of the given tier. */
    public TenantLimits limitsFor(Tier tier) {
        return tierLimits.getOrDefault(tier, TenantLimits.unlimited());
    }

    /** A builder with the documented defaults. */
    public static Builder builder() {
        return new Builder();
    }

    /** Collects settings; {@link #build()} validates them together. Not thread-safe. */
    public static final class Builder {
        private PostgresServer server;
        private String namespace = "strata";
        private String region;
        private int poolSizePerDatabase = 10;
        private int connectionBudget = 100;
        private Duration connectionTimeout = Duration.ofSeconds(10);
        private Duration poolIdleTimeout = Duration.ofMinutes(2);
        private int schemaWarnThreshold = 200;
        private int schemaLimit = 500;
        private final Map<Tier, TenantLimits> tierLimits = new EnumMap<>(Tier.class);
        private MeterRegistry meterRegistry;
        private Duration statsFlushInterval = Duration.ofSeconds(10);
        private Duration operationLease = Duration.ofSeconds(30);
        private Duration decommissionDrainTimeout = Duration.ofSeconds(5);
        private ArchiveLimits archiveLimits = ArchiveLimits.DEFAULT;
        private final List<String> tenantMigrations = new ArrayList<>();
        private boolean automaticRecovery = true;
        private PostgresServer pooledServer;

        private Builder() {
        }

        public Builder server(PostgresServer value) {
            this.server = value;
            return this;
        }

        /** Same as {@link #server(PostgresServer)} with {@link PostgresServer#parse(String)}. */
        public Builder databaseUrl(String url) {
            return server(PostgresServer.parse(url));
        }

        public Builder namespace(String value) {
            this.namespace = value;
            return this;
        }

        public Builder region(String value) {
            this.region = value;
            return this;
        }

        public Builder poolSizePerDatabase(int value) {
            this.poolSizePerDatabase = value;
            return this;
        }

        public Builder connectionBudget(int value) {
            this.connectionBudget = value;
            return this;
        }

        public Builder connectionTimeout(Duration value) {
            this.connectionTimeout = value;
            return this;
        }

        public Builder poolIdleTimeout(Duration value) {
            this.poolIdleTimeout = value;
            return this;
        }

        public Builder schemaLimits(int warnThreshold, int limit) {
            this.schemaWarnThreshold = warnThreshold;
            this.schemaLimit = limit;
            return this;
        }

        public Builder tierLimits(Tier tier, TenantLimits limits) {
            this.tierLimits.put(Objects.requireNonNull(tier), Objects.requireNonNull(limits));
            return this;
        }

        public Builder meterRegistry(MeterRegistry value) {
            this.meterRegistry = value;
            return this;
        }

        public Builder statsFlushInterval(Duration value) {
            this.statsFlushInterval = value;
            return this;
        }

        /** See {@link StrataConfig#operationLease()}: at least 200 ms. */
        public Builder operationLease(Duration value) {
            this.operationLease = value;
            return this;
        }

        /** See {@link StrataConfig#decommissionDrainTimeout()}: zero (end blockers at once) or positive. */
        public Builder decommissionDrainTimeout(Duration value) {
            this.decommissionDrainTimeout = value;
            return this;
        }

        /** Bounds on imported archives (default {@link ArchiveLimits#DEFAULT}). */
        public Builder archiveLimits(ArchiveLimits value) {
            this.archiveLimits = Objects.requireNonNull(value, "archiveLimits");
            return this;
        }

        /**
         * The default data plane's pooled endpoint for tenant work (see {@link StrataConfig#pooledServer()});
         * {@code null} for none.
         */
        public Builder pooledServer(PostgresServer value) {
            this.pooledServer = value;
            return this;
        }

        /**
         * Same as {@link #pooledServer(PostgresServer)} with {@link PostgresServer#parse(String)}; the
         * URL needs a user (any: the app roles log in), e.g.
         * {@code postgresql://strata@pgbouncer:6432/postgres?pgbouncer=true}.
         */
        public Builder pooledUrl(String url) {
            return pooledServer(url == null ? null : PostgresServer.parse(url));
        }

        /** See {@link StrataConfig#automaticRecovery()} (default {@code true}). */
        public Builder automaticRecovery(boolean value) {
            this.automaticRecovery = value;
            return this;
        }

        /**
         * Adds Flyway locations of the application's tenant migrations ({@code classpath:...} or
         * {@code filesystem:...}); see {@link StrataConfig#tenantMigrations()}. Repeatable.
         */
        public Builder tenantMigrations(String... locations) {
            for (String location : Objects.requireNonNull(locations, "locations")) {
                tenantMigrations.add(location);
            }
            return this;
        }

        /**
         * Validates and seals the configuration.
         *
         * @throws StrataException {@link ErrorCode#INVALID_CONFIGURATION} naming the contradiction
         */
        public StrataConfig build() {
            if (server == null) {
                throw invalid("No server configured: call databaseUrl(...) or server(...)");
            }
            PostgresServer direct = server;
            PostgresServer pooled = pooledServer;
            if (server.pooledEndpoint()) {
                // Administration needs the server itself: DDL, migrations, LISTEN and advisory locks
                // are session state a transaction-mode pooler does not keep.
                String label = server.host().contains(".") ? server.host().substring(0, server.host().indexOf('.'))
                        : server.host();
                if (!label.endsWith("-pooler")) {
                    throw invalid("The database URL " + server + " is a pooled endpoint (pgbouncer=true), but Strata "
                            + "administers its databases (DDL, migrations, LISTEN, advisory locks) over a direct "
                            + "connection: give the server's direct address as the database URL and the pooled one as "
                            + "the pooled URL (--pooled-url, pooledUrl(...))");
                }
                String directHost = label.substring(0, label.length() - "-pooler".length())
                        + server.host().substring(label.length());
                java.util.Map<String, String> options = new java.util.LinkedHashMap<>(server.options());
                options.remove(PostgresServer.POOLED_PARAMETER);
                direct = new PostgresServer(directHost, server.port(), server.user(), server.password(),
                        server.database(), options);
                pooled = pooled == null ? server : pooled;
            }
            if (namespace == null || !NAMESPACE.matcher(namespace).matches()) {
                throw invalid("Namespace '" + namespace + "' must match [a-z][a-z0-9_]{0,19}");
            }
            if (poolSizePerDatabase < 1) {
                throw invalid("poolSizePerDatabase must be at least 1, was " + poolSizePerDatabase);
            }
            if (connectionBudget < poolSizePerDatabase) {
                throw invalid("connectionBudget (" + connectionBudget + ") must be at least poolSizePerDatabase ("
                        + poolSizePerDatabase + ")");
            }
            requirePositive("connectionTimeout", connectionTimeout);
            requirePositive("poolIdleTimeout", poolIdleTimeout);
            if (schemaWarnThreshold < 0 || schemaLimit < 1 || schemaWarnThreshold > schemaLimit) {
                throw invalid("Schema limits must satisfy 0 <= warnThreshold <= limit and limit >= 1, were "
                        + schemaWarnThreshold + " and " + schemaLimit);
            }
            if (statsFlushInterval == null || statsFlushInterval.isNegative()) {
                throw invalid("statsFlushInterval must be zero (off) or positive");
            }
            if (operationLease == null || operationLease.compareTo(Duration.ofMillis(200)) < 0) {
                throw invalid("operationLease must be at least 200 ms, was " + operationLease);
            }
            if (decommissionDrainTimeout == null || decommissionDrainTimeout.isNegative()) {
                throw invalid("decommissionDrainTimeout must be zero or positive, was " + decommissionDrainTimeout);
            }
            for (String location : tenantMigrations) {
                if (location == null || !MIGRATION_LOCATION.matcher(location).matches()) {
                    throw invalid("Tenant migration location '" + location + "' must be classpath:<path> or "
                            + "filesystem:<path>, e.g. classpath:db/tenant");
                }
            }
            if (tenantMigrations.size() != new java.util.HashSet<>(tenantMigrations).size()) {
                throw invalid("Tenant migration locations must not repeat: " + tenantMigrations);
            }
            return new StrataConfig(direct, namespace, region, poolSizePerDatabase, connectionBudget,
                    connectionTimeout, poolIdleTimeout, schemaWarnThreshold, schemaLimit, tierLimits,
                    meterRegistry == null ? new SimpleMeterRegistry() : meterRegistry, statsFlushInterval,
                    operationLease, decommissionDrainTimeout, archiveLimits, tenantMigrations, automaticRecovery,
                    pooled);
        }

        /** Builds the configuration and starts Strata with it. */
        public Strata start() {
            return Strata.start(build());
        }

        private static void requirePositive(String name, Duration value) {
            if (value == null || value.isZero() || value.isNegative()) {
                throw invalid(name + " must be positive, was " + value);
            }
        }

        private static StrataException invalid(String message) {
            return new StrataException(ErrorCode.INVALID_CONFIGURATION, message);
        }
    }
}

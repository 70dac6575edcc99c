package dev.strata.neonlocal;

import java.time.Duration;
import java.util.Objects;

/**
 * How a {@link NeonLocal} runs: the PostgreSQL server backing it (as a role with CREATEDB and
 * CREATEROLE, or a superuser), the HTTP address of its API, the API key it accepts, and how real it
 * plays Neon's timing. Immutable; validated when built.
 *
 * @param backingHost       host of the backing PostgreSQL server
 * @param backingPort       its port
 * @param backingUser       its administrator
 * @param backingPassword   the administrator's password ({@code null} for none)
 * @param httpHost          address the API listens on (loopback by default)
 * @param httpPort          port of the API, 0 for a free one
 * @param apiKey            the bearer key every API request must carry
 * @param regionId          the region every project is created in
 * @param operationDelay    how long an asynchronous operation stays {@code running} before it finishes
 * @param coldStart         how long the first connection to a suspended compute waits while it starts
 * @param suspendAfter      how long a compute without connections stays active before it suspends
 * @param requestsPerMinute Neon's sustained rate limit (700); 429 beyond it
 * @param burstPerSecond    Neon's burst limit (40 per second)
 * @param branchesPerProject most branches a project may hold (Neon's plan limit)
 */
public record NeonLocalOptions(String backingHost, int backingPort, String backingUser, String backingPassword,
                               String httpHost, int httpPort, String apiKey, String regionId,
                               Duration operationDelay, Duration coldStart, Duration suspendAfter,
                               int requestsPerMinute, int burstPerSecond, int branchesPerProject) {

    public NeonLocalOptions {
        Objects.requireNonNull(backingHost, "backingHost");
        Objects.requireNonNull(backingUser, "backingUser");
        Objects.requireNonNull(httpHost, "httpHost");
        Objects.requireNonNull(regionId, "regionId");
        Objects.requireNonNull(operationDelay, "operationDelay");
        Objects.requireNonNull(coldStart, "coldStart");
        Objects.requireNonNull(suspendAfter, "suspendAfter");
        if (apiKey == null || apiKey.length() < 16) {
            throw new IllegalArgumentException("neon-local needs an API key of at least 16 characters");
        }
        if (backingPort <= 0 || backingPort > 65535 || httpPort < 0 || httpPort > 65535) {
            throw new IllegalArgumentException("a port is out of range");
        }
        if (operationDelay.isNegative() || coldStart.isNegative() || suspendAfter.isNegative() || suspendAfter.isZero()) {
            throw new IllegalArgumentException("delays must not be negative, and suspendAfter must be positive");
        }
        if (requestsPerMinute < 1 || burstPerSecond < 1 || branchesPerProject < 1) {
            throw new IllegalArgumentException("rate limits and the branch limit must be positive");
        }
    }

    /** Options with Neon's published limits and realistic delays, for the given backing server. */
    public static NeonLocalOptions defaults(String backingHost, int backingPort, String backingUser,
                                            String backingPassword, String apiKey) {
        return new NeonLocalOptions(backingHost, backingPort, backingUser, backingPassword, "127.0.0.1", 0, apiKey,
                "local-1", Duration.ofMillis(300), Duration.ofMillis(400), Duration.ofMinutes(5), 700, 40, 500);
    }

    public NeonLocalOptions withHttpPort(int port) {
        return new NeonLocalOptions(backingHost, backingPort, backingUser, backingPassword, httpHost, port, apiKey,
                regionId, operationDelay, coldStart, suspendAfter, requestsPerMinute, burstPerSecond, branchesPerProject);
    }

    public NeonLocalOptions withTiming(Duration operationDelay, Duration coldStart, Duration suspendAfter) {
        return new NeonLocalOptions(backingHost, backingPort, backingUser, backingPassword, httpHost, httpPort, apiKey,
                regionId, operationDelay, coldStart, suspendAfter, requestsPerMinute, burstPerSecond, branchesPerProject);
    }

    public NeonLocalOptions withLimits(int requestsPerMinute, int burstPerSecond, int branchesPerProject) {
        return new NeonLocalOptions(backingHost, backingPort, backingUser, backingPassword, httpHost, httpPort, apiKey,
                regionId, operationDelay, coldStart, suspendAfter, requestsPerMinute, burstPerSecond, branchesPerProject);
    }

    public NeonLocalOptions withRegion(String regionId) {
        return new NeonLocalOptions(backingHost, backingPort, backingUser, backingPassword, httpHost, httpPort, apiKey,
                regionId, operationDelay, coldStart, suspendAfter, requestsPerMinute, burstPerSecond, branchesPerProject);
    }

    @Override
    public String toString() {
        return "NeonLocalOptions[backing=" + backingUser + "@" + backingHost + ":" + backingPort + ", http=" + httpHost
                + ":" + httpPort + ", region=" + regionId + ", apiKey=***]";
    }
}

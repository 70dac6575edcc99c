package dev.strata.neonlocal;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.sql.SQLException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * A local stand-in of the part of Neon's API v2 that Strata uses, backed by a real PostgreSQL
 * server. What it is and is not:
 * <ul>
 *   <li>projects, branches, endpoints, roles, databases and operations have the shapes of Neon's
 *       published API definition; every mutating call answers at once with {@code running}
 *       operations that finish after {@link NeonLocalOptions#operationDelay()}, one project at a
 *       time, and a call while a project's operation runs is refused with 423 as on Neon;</li>
 *   <li>a branch's databases are copies ({@code CREATE DATABASE ... TEMPLATE}) of its parent's:
 *       copying ends the parent's sessions for a moment (Neon's copy-on-write branching does not);</li>
 *   <li>an endpoint is a TCP proxy on a loopback port that maps Neon database and role names to the
 *       backing server's and scales to zero: idle after {@link NeonLocalOptions#suspendAfter()}, the
 *       next connection waits {@link NeonLocalOptions#coldStart()}; no TLS ({@code sslmode=disable});
 *       the pooled connection URI reaches the same proxy (no PgBouncer behind it);</li>
 *   <li>point in time means a history point: the branch's databases are copied when the branch is
 *       created and each time its compute suspends after use; a timestamp selects the newest point at
 *       or before it (Neon restores to any LSN in its history window);</li>
 *   <li>the rate limits (700 a minute, 40 a second) answer 429 with {@code Retry-After};
 *       {@link #faults()} injects 423s, 429s, failed operations and refused connections.</li>
 * </ul>
 * Its records survive a restart (kept in the backing server's {@code neon_local} database).
 * Thread-safe; close it to stop the API and every compute.
 */
public final class NeonLocal implements AutoCloseable {
    private final HttpServer http;
    private final ExecutorService httpThreads;
    private final ScheduledExecutorService janitor;
    private final Store store;
    private final Operations operations;
    private final Projects projects;
    private final Faults faults;
    private final NeonLocalOptions options;
    private final Api api;

    private NeonLocal(NeonLocalOptions options) throws IOException, SQLException {
        this.options = options;
        ObjectMapper json = new ObjectMapper();
        Backing backing = new Backing(options);
        this.store = new Store(backing, json);
        this.faults = new Faults();
        this.operations = new Operations(store, faults, options.operationDelay());
        this.projects = new Projects(store, backing, new Shapes(json, options.regionId()), operations, faults, options);
        this.api = new Api(json, projects, operations, new RateLimit(options.requestsPerMinute(), options.burstPerSecond()),
                faults, options.apiKey());
        this.http = HttpServer.create(new InetSocketAddress(options.httpHost(), options.httpPort()), 64);
        this.httpThreads = Executors.newFixedThreadPool(8, r -> {
            Thread t = new Thread(r, "neon-local-http");
            t.setDaemon(true);
            return t;
        });
        http.setExecutor(httpThreads);
        http.createContext(Api.PREFIX, api::handle);
        this.janitor = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "neon-local-suspender");
            t.setDaemon(true);
            return t;
        });
        janitor.scheduleWithFixedDelay(projects::suspendIdle, 1, 1, TimeUnit.SECONDS);
        http.start();
    }

    /**
     * Starts the stand-in.
     *
     * @throws IOException  if the HTTP address cannot be bound
     * @throws SQLException if the backing server cannot be reached as its administrator
     */
    public static NeonLocal start(NeonLocalOptions options) throws IOException, SQLException {
        return new NeonLocal(options);
    }

    /** The API's base URL, e.g. {@code http://127.0.0.1:4444/api/v2}: what Strata's {@code --api-url} takes. */
    public URI apiUrl() {
        return URI.create("http://" + options.httpHost() + ":" + http.getAddress().getPort() + Api.PREFIX);
    }

    /** The port the API listens on. */
    public int port() {
        return http.getAddress().getPort();
    }

    /** The last 10,000 API calls it answered, oldest first (for checking them against Neon's definition). */
    public java.util.List<Exchange> exchanges() {
        return api.exchanges();
    }

    /** The faults to inject into the next requests, operations and connections. */
    public Faults faults() {
        return faults;
    }

    @Override
    public void close() {
        http.stop(0);
        httpThreads.shutdownNow();
        janitor.shutdownNow();
        operations.close();
        projects.close();
        try {
            store.close();
        } catch (SQLException ignored) {
            // closing anyway
        }
    }
}

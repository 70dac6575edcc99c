package dev.strata.internal.routing;

import dev.strata.internal.sql.Availability;
import dev.strata.internal.sql.DataPlane;
import dev.strata.internal.sql.SqlStates;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;

/**
 * Listens on the management database's {@code strata_routing} channel and drops the routes of
 * tenants whose status or placement changed in any process. If the connection breaks, routing
 * stops caching until it listens again. One daemon thread.
 */
public final class RoutingListener implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(RoutingListener.class);
    private static final int POLL_MILLIS = 500;
    /** The payload prefix of a data plane's change (see V7__data_planes.sql). */
    private static final String PLANE_PREFIX = "plane:";

    private final DataPlane plane;
    private final String database;
    private final Router router;
    private final Thread thread;
    private final java.util.concurrent.CountDownLatch firstListen = new java.util.concurrent.CountDownLatch(1);
    private volatile boolean running = true;
    private volatile Connection connection;
    private volatile RouterPresence presence;

    private final Availability availability;
    private final String description;
    private final java.util.function.Consumer<String> planeChanged;
    /** Whether this listener logged a loss of its own (not an outage of the database) not yet followed by recovery. */
    private boolean lossLogged;

    /**
     * @param availability where an unreachable management database is reported (it logs the outage
     *                     once); other losses of the connection are logged here, once until it listens again
     * @param description  how logs name the management database
     */
    public RoutingListener(DataPlane plane, String database, Router router, Availability availability, String description) {
        this(plane, database, router, availability, description, key -> { });
    }

    /**
     * @param planeChanged told the key of a data plane whose registry row changed
     *                     ({@code plane:<key>} notifications), or {@code null} when the listening
     *                     connection was (re)established and any change may have been missed
     */
    public RoutingListener(DataPlane plane, String database, Router router, Availability availability, String description,
                           java.util.function.Consumer<String> planeChanged) {
        this.planeChanged = planeChanged;
        this.plane = plane;
        this.database = database;
        this.router = router;
        this.availability = availability;
        this.description = description;
        this.thread = new Thread(this::run, "strata-routing-listener");
        this.thread.setDaemon(true);
    }

    /** Tells {@code presence} of every change and of every (re)start of listening, from now on. */
    public void watchFreezes(RouterPresence presence) {
        this.presence = presence;
    }

    /** Starts listening; returns once the first LISTEN is in place (or after a few seconds). */
    public void start() {
        thread.start();
        try {
            firstListen.await(5, java.util.concurrent.TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void run() {
        long backoff = 100;
        while (running) {
            try (Connection c = plane.openAdmin(database)) {
                connection = c;
                try (Statement s = c.createStatement()) {
                    s.execute("LISTEN strata_routing");
                }
                router.setCacheEnabled(true);
                planeChanged.accept(null);
                availability.succeeded(description);
                if (lossLogged) {
                    LOG.info("Routing change listener is listening again; routes are cached again");
                    lossLogged = false;
                }
                RouterPresence watcher = presence;
                if (watcher != null) {
                    watcher.listening();
                }
                firstListen.countDown();
                backoff = 100;
                PGConnection pg = c.unwrap(PGConnection.class);
                while (running) {
                    PGNotification[] notifications = pg.getNotifications(POLL_MILLIS);
                    if (notifications == null) {
                        continue;
                    }
                    for (PGNotification n : notifications) {
                        if (n.getParameter().startsWith(PLANE_PREFIX)) {
                            planeChanged.accept(n.getParameter().substring(PLANE_PREFIX.length()));
                        }
                        try {
                            UUID tenant = UUID.fromString(n.getParameter());
                            router.invalidate(tenant);
                            RouterPresence watcher2 = presence;
                            if (watcher2 != null) {
                                watcher2.changed(tenant);
                            }
                        } catch (IllegalArgumentException e) {
                            router.invalidateAll();
                        }
                    }
                }
            } catch (SQLException | RuntimeException e) {
                router.setCacheEnabled(false);
                firstListen.countDown();
                if (running) {
                    if (SqlStates.isUnavailableAtConnect(e)) {
                        availability.failed(description, e);
                    } else if (!lossLogged) {
                        LOG.warn("Routing change listener lost its connection ({}); routes are not cached until it is back",
                                e.getMessage());
                        lossLogged = true;
                    }
                    sleep(backoff);
                    backoff = Math.min(backoff * 2, 5000);
                }
            }
        }
        router.setCacheEnabled(false);
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        running = false;
        Connection c = connection;
        if (c != null) {
            try {
                c.close();
            } catch (SQLException ignored) {
                // closing anyway
            }
        }
        try {
            thread.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

package dev.strata.neonlocal;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiFunction;

/**
 * The compute of one endpoint: a TCP listener speaking to clients as PostgreSQL does, which maps the
 * Neon database and role names of the startup message to the backing server's and then relays the
 * connection. It scales to zero: with no connection for {@code suspendAfter} it goes {@code idle},
 * and the next connection waits {@code coldStart} while it "starts" (Neon's proxy holds the
 * connection the same way). Thread-safe.
 */
final class Compute implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Compute.class);
    private static final int SSL_REQUEST = 80877103;
    private static final int GSS_REQUEST = 80877104;
    private static final int CANCEL_REQUEST = 80877102;
    private static final int PROTOCOL_3 = 196608;

    /** Resolves (Neon database, Neon role) to (backing database, backing role), empty if either is unknown. */
    interface Names extends BiFunction<String, String, Optional<String[]>> {
    }

    /** Told when the compute goes idle or becomes active, to update the endpoint's record. */
    interface StateListener {
        void changed(Compute compute, boolean active, Duration wakeUp);
    }

    private final String endpointId;
    private final Backing backing;
    private final Names names;
    private final Faults faults;
    private final Duration coldStart;
    private final Duration suspendAfter;
    private final StateListener listener;
    private final ServerSocket server;
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private final Thread acceptor;
    private volatile boolean active;
    private volatile boolean disabled;
    private volatile Instant lastActivity = Instant.now();
    private volatile boolean closed;

    Compute(String endpointId, int preferredPort, Backing backing, Names names, Faults faults, Duration coldStart,
            Duration suspendAfter, boolean active, StateListener listener) throws IOException {
        this.endpointId = endpointId;
        this.backing = backing;
        this.names = names;
        this.faults = faults;
        this.coldStart = coldStart;
        this.suspendAfter = suspendAfter;
        this.listener = listener;
        this.active = active;
        this.server = bind(preferredPort);
        this.acceptor = new Thread(this::acceptLoop, "neon-local-compute-" + endpointId);
        acceptor.setDaemon(true);
        acceptor.start();
    }

    private static ServerSocket bind(int preferredPort) throws IOException {
        if (preferredPort > 0) {
            try {
                ServerSocket socket = new ServerSocket();
                socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), preferredPort));
                return socket;
            } catch (IOException e) {
                // taken since the stand-in last ran: a new port (the endpoint's connection URI changes)
            }
        }
        ServerSocket socket = new ServerSocket();
        socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        return socket;
    }

    String endpointId() {
        return endpointId;
    }

    int port() {
        return server.getLocalPort();
    }

    boolean active() {
        return active;
    }

    int connections() {
        return open.size();
    }

    /** Starts the compute now (the API's start call), if it is idle. Never calls the listener while holding its lock. */
    Duration start() {
        synchronized (this) {
            if (active) {
                return Duration.ZERO;
            }
            sleep(coldStart);
            active = true;
            lastActivity = Instant.now();
        }
        listener.changed(this, true, coldStart);
        return coldStart;
    }

    /** Suspends the compute: ends its connections, goes idle. */
    void suspend() {
        boolean was;
        synchronized (this) {
            for (Socket s : open) {
                closeQuietly(s);
            }
            open.clear();
            was = active;
            active = false;
        }
        if (was) {
            listener.changed(this, false, Duration.ZERO);
        }
    }

    /**
     * Runs the task only while the compute is idle; a connection arriving meanwhile waits, as during
     * a start. The task must not take the lock of the compute's owner (it would deadlock with the
     * owner suspending the compute).
     */
    synchronized void whileIdle(Runnable task) {
        if (!active) {
            task.run();
        }
    }

    /** A disabled compute refuses connections (its branch is being restored or deleted). */
    void disable(boolean disabled) {
        this.disabled = disabled;
        if (disabled) {
            suspend();
        }
    }

    /** Suspends if it has been without connections for {@code suspendAfter}; called periodically. */
    void suspendIfIdle(Instant now) {
        if (active && open.isEmpty() && lastActivity.plus(suspendAfter).isBefore(now)) {
            suspend();
        }
    }

    private void acceptLoop() {
        while (!closed) {
            try {
                Socket client = server.accept();
                Thread t = new Thread(() -> serve(client), "neon-local-conn-" + endpointId);
                t.setDaemon(true);
                t.start();
            } catch (IOException e) {
                if (!closed) {
                    LOG.warn("compute {} stopped accepting: {}", endpointId, e.getMessage());
                }
                return;
            }
        }
    }

    private void serve(Socket client) {
        Socket upstream = null;
        try {
            client.setTcpNoDelay(true);
            DataInputStream in = new DataInputStream(client.getInputStream());
            OutputStream out = client.getOutputStream();
            byte[] startup;
            while (true) {
                int length = in.readInt();
                if (length < 8 || length > 10_000) {
                    client.close();
                    return;
                }
                byte[] body = new byte[length - 4];
                in.readFully(body);
                int code = ((body[0] & 0xff) << 24) | ((body[1] & 0xff) << 16) | ((body[2] & 0xff) << 8) | (body[3] & 0xff);
                if (code == SSL_REQUEST || code == GSS_REQUEST) {
                    out.write('N');
                    out.flush();
                    continue;
                }
                if (code == CANCEL_REQUEST) {
                    try (Socket cancel = new Socket(backing.host(), backing.port())) {
                        OutputStream o = cancel.getOutputStream();
                        o.write(int32(length));
                        o.write(body);
                        o.flush();
                    }
                    client.close();
                    return;
                }
                if (code != PROTOCOL_3) {
                    refuse(out, "08P01", "unsupported frontend protocol");
                    client.close();
                    return;
                }
                startup = body;
                break;
            }
            Map<String, String> params = parameters(startup);
            if (disabled) {
                refuse(out, "57P03", "the endpoint " + endpointId + " is disabled");
                client.close();
                return;
            }
            Optional<String[]> mapped = names.apply(params.getOrDefault("database", params.get("user")), params.get("user"));
            if (mapped.isEmpty()) {
                refuse(out, "28000", "role \"" + params.get("user") + "\" or database \"" + params.get("database")
                        + "\" does not exist on endpoint " + endpointId);
                client.close();
                return;
            }
            if (faults.takeRefusedConnection()) {
                refuse(out, "57P03", "the compute of endpoint " + endpointId + " is starting up, retry");
                client.close();
                return;
            }
            wake();
            params.put("database", mapped.get()[0]);
            params.put("user", mapped.get()[1]);
            upstream = new Socket(backing.host(), backing.port());
            upstream.setTcpNoDelay(true);
            upstream.getOutputStream().write(startupMessage(params));
            upstream.getOutputStream().flush();
            open.add(client);
            Socket up = upstream;
            Thread back = new Thread(() -> pump(up, client), "neon-local-relay-" + endpointId);
            back.setDaemon(true);
            back.start();
            pump(client, upstream);
        } catch (IOException e) {
            // the client or the backing server went away
        } finally {
            open.remove(client);
            lastActivity = Instant.now();
            closeQuietly(client);
            if (upstream != null) {
                closeQuietly(upstream);
            }
        }
    }

    private void wake() {
        synchronized (this) {
            lastActivity = Instant.now();
            if (active) {
                return;
            }
            sleep(coldStart);
            active = true;
        }
        listener.changed(this, true, coldStart);
    }

    private void pump(Socket from, Socket to) {
        byte[] buffer = new byte[32 * 1024];
        try {
            InputStream in = from.getInputStream();
            OutputStream out = to.getOutputStream();
            int n;
            while ((n = in.read(buffer)) >= 0) {
                out.write(buffer, 0, n);
                out.flush();
                lastActivity = Instant.now();
            }
        } catch (IOException e) {
            // closed
        } finally {
            closeQuietly(from);
            closeQuietly(to);
        }
    }

    private static Map<String, String> parameters(byte[] startup) {
        Map<String, String> params = new LinkedHashMap<>();
        int i = 4;
        while (i < startup.length && startup[i] != 0) {
            int k = i;
            while (startup[i] != 0) {
                i++;
            }
            String key = new String(startup, k, i - k, StandardCharsets.UTF_8);
            int v = ++i;
            while (i < startup.length && startup[i] != 0) {
                i++;
            }
            params.put(key, new String(startup, v, i - v, StandardCharsets.UTF_8));
            i++;
        }
        return params;
    }

    private static byte[] startupMessage(Map<String, String> params) throws IOException {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.write(int32(PROTOCOL_3));
        for (Map.Entry<String, String> e : params.entrySet()) {
            body.write(e.getKey().getBytes(StandardCharsets.UTF_8));
            body.write(0);
            body.write(e.getValue().getBytes(StandardCharsets.UTF_8));
            body.write(0);
        }
        body.write(0);
        ByteArrayOutputStream message = new ByteArrayOutputStream();
        message.write(int32(body.size() + 4));
        body.writeTo(message);
        return message.toByteArray();
    }

    /** Sends a FATAL ErrorResponse as the server would. */
    private static void refuse(OutputStream out, String sqlState, String message) throws IOException {
        ByteArrayOutputStream fields = new ByteArrayOutputStream();
        field(fields, 'S', "FATAL");
        field(fields, 'V', "FATAL");
        field(fields, 'C', sqlState);
        field(fields, 'M', message);
        fields.write(0);
        out.write('E');
        out.write(int32(fields.size() + 4));
        fields.writeTo(out);
        out.flush();
    }

    private static void field(ByteArrayOutputStream out, char type, String value) throws IOException {
        out.write(type);
        out.write(value.getBytes(StandardCharsets.UTF_8));
        out.write(0);
    }

    private static byte[] int32(int v) {
        return new byte[] {(byte) (v >>> 24), (byte) (v >>> 16), (byte) (v >>> 8), (byte) v};
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException ignored) {
            // already closed
        }
    }

    @Override
    public void close() {
        closed = true;
        suspend();
        try {
            server.close();
        } catch (IOException ignored) {
            // already closed
        }
    }
}

package dev.strata.testing;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Administrator connections kept open per database for ground-truth reads that tests make by the
 * thousand (opening a connection costs more than the query). Autocommit; a connection found
 * closed or broken (its database was dropped) is replaced. Callers must not close the connection
 * nor change its session state.
 */
public final class AdminConnections {
    private static final Map<String, Connection> OPEN = new ConcurrentHashMap<>();

    private AdminConnections() {
    }

    /** The shared administrator connection to {@code database}; use it from one thread at a time. */
    public static synchronized Connection of(String database) throws SQLException {
        Connection c = OPEN.get(database);
        if (c != null && !c.isClosed() && c.isValid(2)) {
            return c;
        }
        if (c != null) {
            try {
                c.close();
            } catch (SQLException ignored) {
                // already broken
            }
        }
        Connection fresh = TestStrata.admin(database);
        OPEN.put(database, fresh);
        return fresh;
    }
}

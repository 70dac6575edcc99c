package dev.strata.internal.migration;

import dev.strata.internal.sql.DataPlane;
import dev.strata.internal.sql.PhysicalNames;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;

import static dev.strata.internal.sql.Identifiers.quote;

/**
 * Work on a data plane's template database, which accepts no connections between migrations
 * (a {@code CREATE DATABASE ... TEMPLATE} waits while anyone is connected to it): opens it, runs
 * the work on one administrator connection, and closes it again, serialised per data plane by a
 * server-wide advisory lock so two processes never open and close it under each other.
 * Stateless; safe from any thread.
 */
final class TemplateAccess {
    /** The work, given an administrator connection to the template (autocommit on). */
    @FunctionalInterface
    interface TemplateWork<R> {
        R run(Connection template) throws SQLException;
    }

    private TemplateAccess() {
    }

    static <R> R with(DataPlane plane, PhysicalNames names, TemplateWork<R> work) throws SQLException {
        String template = names.templateDatabase();
        String lockKey = "strata:template:" + names.namespace() + ":" + plane.key();
        try (Connection control = plane.openAdmin(plane.server().database())) {
            try (PreparedStatement ps = control.prepareStatement("SELECT pg_advisory_lock(hashtext(?))")) {
                ps.setString(1, lockKey);
                ps.execute();
            }
            try (Statement s = control.createStatement()) {
                s.execute("ALTER DATABASE " + quote(template) + " WITH ALLOW_CONNECTIONS true");
                try (Connection c = plane.openAdmin(template)) {
                    return work.run(c);
                } finally {
                    s.execute("REVOKE ALL ON DATABASE " + quote(template) + " FROM PUBLIC");
                    s.execute("ALTER DATABASE " + quote(template) + " WITH IS_TEMPLATE true ALLOW_CONNECTIONS false");
                }
            } finally {
                try (PreparedStatement ps = control.prepareStatement("SELECT pg_advisory_unlock(hashtext(?))")) {
                    ps.setString(1, lockKey);
                    ps.execute();
                }
            }
        }
    }
}

package dev.strata.internal.analytics;

import dev.strata.PostgresServer;
import dev.strata.internal.sql.Catalog;
import dev.strata.internal.sql.DataPlane;
import dev.strata.internal.sql.PhysicalNames;
import dev.strata.internal.sql.SqlStates;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Base64;

import static dev.strata.internal.sql.Identifiers.literal;
import static dev.strata.internal.sql.Identifiers.quote;

/**
 * The role T0 analytics run as ({@link PhysicalNames#t0ReaderRole()}): it can log in and nothing
 * else, holds {@code SELECT} only (granted by {@code TenantTableSafety} in every app schema) and is
 * let through by one policy, for reads, under a T0 context. It is never a superuser, never
 * {@code BYPASSRLS}, member of no role (so {@code SET ROLE} leads nowhere) and owns nothing.
 * <p>
 * Its password is derived from the administrator's credentials and the namespace (SHA-256), so every
 * process of an installation knows it without storing it anywhere, and it is set again at each
 * start (a changed administrator password changes it too). On a plane reached per database (Neon),
 * whose computes share no administrator with Strata, the reader's password is the one derived from
 * the default plane's administrator ({@link #password(DataPlane, DataPlane, PhysicalNames)}); it is
 * set as the reader is made there, while each T1's database is set up. Stateless.
 */
public final class T0Reader {
    private T0Reader() {
    }

    /** The reader's password for an installation (never logged). */
    public static String password(PostgresServer admin, PhysicalNames names) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            String seed = "strata-t0-reader\0" + names.namespace() + "\0" + admin.user() + "\0"
                    + (admin.password() == null ? "" : admin.password());
            return "r" + Base64.getUrlEncoder().withoutPadding().encodeToString(sha.digest(seed.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    /**
     * The reader's password on {@code plane}: derived from its administrator for a server plane,
     * from the default plane's administrator ({@code defaultPlane}) for a plane reached per database.
     */
    public static String password(DataPlane plane, DataPlane defaultPlane, PhysicalNames names) {
        return password(plane.routedPerDatabase() ? defaultPlane.server() : plane.server(), names);
    }

    /** The attributes the reader is made with, with its password ({@code CREATE ROLE <reader>} + these). */
    public static String attributes(String password) {
        return " LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOINHERIT NOREPLICATION NOBYPASSRLS PASSWORD " + literal(password);
    }

    /** Creates the role if missing, and (re)sets its attributes and password. */
    public static void ensure(DataPlane plane, PhysicalNames names) throws SQLException {
        String role = names.t0ReaderRole();
        String attributes = attributes(password(plane.server(), names));
        try (Connection c = plane.openAdmin(plane.server().database()); Statement s = c.createStatement()) {
            if (Catalog.roleExists(c, role)) {
                s.execute("ALTER ROLE " + quote(role) + attributes);
                return;
            }
            try {
                s.execute("CREATE ROLE " + quote(role) + attributes);
            } catch (SQLException e) {
                if (!SqlStates.is(e, SqlStates.DUPLICATE_OBJECT)) {
                    throw e;
                }
                s.execute("ALTER ROLE " + quote(role) + attributes);
            }
        }
    }
}

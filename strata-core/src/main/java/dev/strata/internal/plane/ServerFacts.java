package dev.strata.internal.plane;

import dev.strata.ErrorCode;
import dev.strata.StrataException;
import dev.strata.internal.sql.DataPlane;
import dev.strata.internal.sql.SqlStates;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * What a server reports about itself and about Strata's administrator login there, read by
 * {@link #check} when a plane is added (and for the default plane at start-up).
 *
 * @param versionNumber {@code server_version_num}, e.g. 170002
 * @param version       {@code server_version}, e.g. {@code 17.2}
 * @param walLevel      {@code wal_level}
 * @param identity      the cluster's system identifier, or {@code host:port} where the login may not read it
 * @param superuser     whether the login is a superuser
 * @param createDb      whether it has CREATEDB
 * @param createRole    whether it has CREATEROLE
 */
public record ServerFacts(int versionNumber, String version, String walLevel, String identity, boolean superuser,
                          boolean createDb, boolean createRole) {
    /** PostgreSQL 15: {@code CREATE DATABASE ... STRATEGY}, the newest pgoutput protocol Strata uses. */
    static final int MIN_VERSION = 150000;

    /** Reads the facts over an administrator connection. */
    public static ServerFacts read(Connection c, String address) throws SQLException {
        int versionNumber;
        String version;
        String walLevel;
        boolean superuser;
        boolean createDb;
        boolean createRole;
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(
                "SELECT current_setting('server_version_num')::int, current_setting('server_version'), "
                        + "current_setting('wal_level'), r.rolsuper, r.rolcreatedb, r.rolcreaterole "
                        + "FROM pg_roles r WHERE r.rolname = current_user")) {
            rs.next();
            versionNumber = rs.getInt(1);
            version = rs.getString(2);
            walLevel = rs.getString(3);
            superuser = rs.getBoolean(4);
            createDb = rs.getBoolean(5);
            createRole = rs.getBoolean(6);
        }
        String identity = "address:" + address;
        boolean autoCommit = c.getAutoCommit();
        try (Statement s = c.createStatement()) {
            if (!autoCommit) {
                s.execute("SAVEPOINT strata_identity");
            }
            try (ResultSet rs = s.executeQuery("SELECT system_identifier::text FROM pg_control_system()")) {
                if (rs.next()) {
                    identity = "system:" + rs.getString(1);
                }
            }
            if (!autoCommit) {
                s.execute("RELEASE SAVEPOINT strata_identity");
            }
        } catch (SQLException e) {
            if (!autoCommit) {
                try (Statement s = c.createStatement()) {
                    s.execute("ROLLBACK TO SAVEPOINT strata_identity");
                }
            }
            // a login without the right to read the control file: the address identifies the server
        }
        return new ServerFacts(versionNumber, version, walLevel, identity, superuser, createDb, createRole);
    }

    /**
     * Connects to a server as its administrator and reads its facts, refusing a server Strata
     * cannot use: unreachable, login refused, too old, without the privileges Strata needs.
     *
     * @throws StrataException {@link ErrorCode#DATABASE_UNAVAILABLE} (unreachable),
     *         {@link ErrorCode#INVALID_ARGUMENT} (everything else)
     */
    public static ServerFacts check(DataPlane plane) {
        String address = plane.server().host() + ":" + plane.server().port();
        ServerFacts facts;
        try (Connection c = plane.openAdmin(plane.server().database())) {
            facts = read(c, address);
        } catch (SQLException e) {
            String state = e.getSQLState() == null ? "" : e.getSQLState();
            if (state.startsWith("28")) {
                throw new StrataException(ErrorCode.INVALID_ARGUMENT, "PostgreSQL at " + address
                        + " refused the login of '" + plane.server().user() + "' (" + SqlStates.rootMessage(e)
                        + "): check the user and password of the URL", e);
            }
            if (SqlStates.INVALID_CATALOG_NAME.equals(state)) {
                throw new StrataException(ErrorCode.INVALID_ARGUMENT, "PostgreSQL at " + address + " has no database '"
                        + plane.server().database() + "': name an existing database in the URL (usually postgres)", e);
            }
            if (SqlStates.isUnavailableAtConnect(e) || state.startsWith(SqlStates.CONNECTION_EXCEPTION_CLASS)) {
                throw new StrataException(ErrorCode.DATABASE_UNAVAILABLE, "Cannot reach PostgreSQL at " + address
                        + " (" + SqlStates.rootMessage(e) + "): check the host and port, and that the server runs", e);
            }
            throw new StrataException(ErrorCode.INVALID_ARGUMENT, "Cannot use PostgreSQL at " + address + ": "
                    + SqlStates.rootMessage(e), e);
        }
        if (facts.versionNumber() < MIN_VERSION) {
            throw new StrataException(ErrorCode.INVALID_ARGUMENT, "PostgreSQL at " + address + " runs version "
                    + facts.version() + ": Strata needs PostgreSQL 15 or newer");
        }
        if (!facts.superuser() && !(facts.createDb() && facts.createRole())) {
            throw new StrataException(ErrorCode.INVALID_ARGUMENT, "The login '" + plane.server().user() + "' at " + address
                    + " is neither a superuser nor has CREATEDB and CREATEROLE: Strata creates databases and roles"
                    + " there; grant them (ALTER ROLE ... CREATEDB CREATEROLE) or use another login");
        }
        return facts;
    }
}

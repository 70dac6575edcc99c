package dev.strata.bench;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.strata.NewTenant;
import dev.strata.PostgresServer;
import dev.strata.Strata;
import dev.strata.Tenant;
import dev.strata.internal.sql.Secrets;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The data of the read benchmarks: one T1 database holding {@code tenantCount} T2 tenants under RLS
 * (created through Strata), each with {@code docsPerTenant} documents, and a copy of the same rows
 * in a table without RLS ({@code bench.documents_plain}) for the raw baseline, readable by a role
 * of its own. Also the pools the baselines use.
 */
final class ReadFixture implements AutoCloseable {
    final Strata strata;
    final Tenant t1;
    final UUID[] tenants;
    final UUID[][] docs;
    final String database;
    final HikariDataSource raw;
    final HikariDataSource app;
    final HikariDataSource management;
    /** Like {@link #app} but in autocommit mode, as Hibernate applications usually configure it. */
    final HikariDataSource appAutocommit;

    private ReadFixture(Strata strata, Tenant t1, UUID[] tenants, UUID[][] docs, HikariDataSource raw,
                        HikariDataSource app, HikariDataSource management, HikariDataSource appAutocommit) {
        this.strata = strata;
        this.t1 = t1;
        this.tenants = tenants;
        this.docs = docs;
        this.database = t1.placement().database();
        this.raw = raw;
        this.app = app;
        this.management = management;
        this.appAutocommit = appAutocommit;
    }

    static ReadFixture create(BenchServer server, Strata strata, int tenantCount, int docsPerTenant, int poolSize)
            throws SQLException {
        Tenant t1 = strata.tenants().create(NewTenant.t1("reads"));
        UUID[] tenants = new UUID[tenantCount];
        for (int i = 0; i < tenantCount; i++) {
            tenants[i] = strata.tenants().create(NewTenant.t2("r" + i, "reads")).id();
        }
        String database = t1.placement().database();
        UUID[][] docs = new UUID[tenantCount][docsPerTenant];
        String rawRole = strata.config().namespace() + "_raw";
        String rawPassword;
        try (Connection c = server.admin(database)) {
            c.setAutoCommit(false);
            try (PreparedStatement ps = c.prepareStatement(
                    "INSERT INTO app.documents (tenant_id, id, title, body) VALUES (?, ?, ?, ?)")) {
                for (int t = 0; t < tenantCount; t++) {
                    for (int d = 0; d < docsPerTenant; d++) {
                        docs[t][d] = UUID.randomUUID();
                        ps.setObject(1, tenants[t]);
                        ps.setObject(2, docs[t][d]);
                        ps.setString(3, "document " + d + " of tenant " + t);
                        ps.setString(4, "body");
                        ps.addBatch();
                    }
                    ps.executeBatch();
                }
            }
            try (Statement s = c.createStatement()) {
                s.execute("CREATE SCHEMA bench");
                s.execute("CREATE TABLE bench.documents_plain (LIKE app.documents INCLUDING DEFAULTS INCLUDING INDEXES)");
                s.execute("INSERT INTO bench.documents_plain SELECT * FROM app.documents");
                rawPassword = createPlainReader(s, database, rawRole);
                String appRole = appCredentials(server, strata.config().namespace(), database)[0];
                s.execute("GRANT USAGE ON SCHEMA bench TO \"" + appRole + "\"");
                s.execute("GRANT SELECT ON bench.documents_plain TO \"" + appRole + "\"");
            }
            c.commit();
            c.setAutoCommit(true);
            try (Statement s = c.createStatement()) {
                s.execute("VACUUM ANALYZE app.documents");
                s.execute("VACUUM ANALYZE bench.documents_plain");
            }
        }
        String[] appCredentials = appCredentials(server, strata.config().namespace(), database);
        PostgresServer pg = server.server();
        HikariDataSource raw = pool("bench:raw", pg.jdbcUrl(database), rawRole, rawPassword, poolSize);
        HikariDataSource app = pool("bench:app", pg.jdbcUrl(database), appCredentials[0], appCredentials[1], poolSize);
        HikariDataSource management = pool("bench:management", pg.jdbcUrl(strata.config().namespace()), pg.user(),
                pg.password(), poolSize, true);
        HikariDataSource appAutocommit = pool("bench:app-autocommit", pg.jdbcUrl(database), appCredentials[0],
                appCredentials[1], poolSize, true);
        return new ReadFixture(strata, t1, tenants, docs, raw, app, management, appAutocommit);
    }

    /** The app role and password of a tenant database, as Strata recorded them. */
    static String[] appCredentials(BenchServer server, String namespace, String database) throws SQLException {
        try (Connection c = server.admin(namespace);
             PreparedStatement ps = c.prepareStatement("SELECT app_role, app_password FROM platform.databases WHERE name = ?")) {
            ps.setString(1, database);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return new String[] {rs.getString(1), rs.getString(2)};
            }
        }
    }

    /**
     * Creates the raw baseline's login role: it may connect to {@code database} and read
     * {@code bench.documents_plain}, nothing else.
     *
     * @return the role's password
     */
    static String createPlainReader(Statement s, String database, String role) throws SQLException {
        String password = Secrets.randomToken(16);
        s.execute("CREATE ROLE \"" + role + "\" LOGIN PASSWORD '" + password + "'");
        s.execute("GRANT CONNECT ON DATABASE \"" + database + "\" TO \"" + role + "\"");
        s.execute("GRANT USAGE ON SCHEMA bench TO \"" + role + "\"");
        s.execute("GRANT SELECT ON bench.documents_plain TO \"" + role + "\"");
        return password;
    }

    /** A HikariCP pool set up like Strata's tenant pools (autocommit off). */
    static HikariDataSource pool(String name, String url, String user, String password, int size) {
        return pool(name, url, user, password, size, false);
    }

    static HikariDataSource pool(String name, String url, String user, String password, int size, boolean autoCommit) {
        HikariConfig hc = new HikariConfig();
        hc.setPoolName(name);
        hc.setJdbcUrl(url);
        hc.setUsername(user);
        hc.setPassword(password);
        hc.setMaximumPoolSize(size);
        hc.setMinimumIdle(0);
        hc.setAutoCommit(autoCommit);
        hc.setIdleTimeout(600_000);
        hc.setRegisterMbeans(false);
        return new HikariDataSource(hc);
    }

    int pickTenant(ThreadLocalRandom random) {
        return random.nextInt(tenants.length);
    }

    UUID pickDoc(ThreadLocalRandom random, int tenant) {
        UUID[] mine = docs[tenant];
        return mine[random.nextInt(mine.length)];
    }

    @Override
    public void close() {
        raw.close();
        app.close();
        management.close();
        appAutocommit.close();
    }
}

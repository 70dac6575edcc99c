package dev.strata.bench;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.IdClass;
import jakarta.persistence.Table;
import org.hibernate.Session;
import org.hibernate.SessionFactory;
import org.hibernate.Transaction;
import org.hibernate.cfg.Configuration;
import org.hibernate.engine.jdbc.connections.spi.MultiTenantConnectionProvider;

import javax.sql.DataSource;
import java.io.Serializable;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Hibernate 7 multitenancy the common way: a {@link MultiTenantConnectionProvider} that sets the
 * tenant context on each connection it hands out (session-level {@code set_config}) and resets it
 * when the connection is released, on a HikariCP pool in autocommit mode (Hibernate switches it
 * off for each transaction); RLS filters the rows.
 */
final class HibernateRead implements ReadVariant {
    private static final String HQL = "select d.title from BenchDocument d where d.tenantId = :tenant and d.id = :id";

    private final ReadFixture fx;
    private final SessionFactory sessions;

    HibernateRead(ReadFixture fx) {
        this.fx = fx;
        Configuration cfg = new Configuration()
                .addAnnotatedClass(BenchDocument.class)
                .setProperty("hibernate.boot.allow_jdbc_metadata_access", "false")
                .setProperty("jakarta.persistence.database-product-name", "PostgreSQL")
                .setProperty("jakarta.persistence.database-major-version", "17")
                .setProperty("hibernate.hbm2ddl.auto", "none");
        cfg.getStandardServiceRegistryBuilder()
                .applySetting("hibernate.multi_tenant_connection_provider", new ContextSettingProvider(fx.appAutocommit));
        this.sessions = cfg.buildSessionFactory();
    }

    @Override
    public String name() {
        return "hibernate-multitenancy";
    }

    @Override
    public String transaction(ThreadLocalRandom random) {
        int t = fx.pickTenant(random);
        UUID tenant = fx.tenants[t];
        UUID doc = fx.pickDoc(random, t);
        try (Session session = sessions.withOptions().tenantIdentifier(tenant.toString()).openSession()) {
            Transaction tx = session.beginTransaction();
            String title = session.createSelectionQuery(HQL, String.class)
                    .setParameter("tenant", tenant).setParameter("id", doc).getSingleResult();
            tx.commit();
            return title;
        }
    }

    @Override
    public void close() {
        sessions.close();
    }

    /** Sets the context when Hibernate acquires a connection for a tenant, clears it on release. */
    static final class ContextSettingProvider implements MultiTenantConnectionProvider<String> {
        private static final long serialVersionUID = 1L;
        private final transient DataSource pool;

        ContextSettingProvider(DataSource pool) {
            this.pool = pool;
        }

        @Override
        public Connection getAnyConnection() throws SQLException {
            return pool.getConnection();
        }

        @Override
        public void releaseAnyConnection(Connection connection) throws SQLException {
            connection.close();
        }

        @Override
        public Connection getConnection(String tenant) throws SQLException {
            Connection c = pool.getConnection();
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT set_config('app.tenant_id', ?, false), set_config('app.tenant_tier', '2', false)")) {
                ps.setString(1, tenant);
                ps.executeQuery().close();
            }
            return c;
        }

        @Override
        public void releaseConnection(String tenant, Connection connection) throws SQLException {
            try (PreparedStatement ps = connection.prepareStatement(
                    "SELECT set_config('app.tenant_id', '', false), set_config('app.tenant_tier', '', false)")) {
                ps.executeQuery().close();
            }
            connection.close();
        }

        @Override
        public boolean supportsAggressiveRelease() {
            return false;
        }

        @Override
        public boolean isUnwrappableAs(Class<?> type) {
            return false;
        }

        @Override
        public <T> T unwrap(Class<T> type) {
            throw new UnsupportedOperationException();
        }
    }

    /** {@code app.documents} as an entity. */
    @Entity(name = "BenchDocument")
    @Table(name = "documents", schema = "app")
    @IdClass(BenchDocument.Key.class)
    public static class BenchDocument {
        @Id
        @Column(name = "tenant_id")
        UUID tenantId;
        @Id
        UUID id;
        String title;
        String body;

        /** The composite key. */
        public static class Key implements Serializable {
            private static final long serialVersionUID = 1L;
            UUID tenantId;
            UUID id;

            @Override
            public boolean equals(Object o) {
                return o instanceof Key k && Objects.equals(tenantId, k.tenantId) && Objects.equals(id, k.id);
            }

            @Override
            public int hashCode() {
                return Objects.hash(tenantId, id);
            }
        }
    }
}

package dev.strata.context;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.IdClass;
import jakarta.persistence.Table;
import org.hibernate.Session;
import org.hibernate.SessionFactory;
import org.hibernate.Transaction;
import org.hibernate.cfg.Configuration;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jooq.DSLContext;
import org.jooq.SQLDialect;
import org.jooq.impl.DSL;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.UUID;

import static dev.strata.context.TenantFixture.ownTitles;
import static dev.strata.context.TenantFixture.titles;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.jooq.impl.DSL.field;
import static org.jooq.impl.DSL.table;

/**
 * jOOQ, Jdbi and Hibernate 7 used on the connection a tenant scope hands out read and write only
 * the tenant's rows, whichever statement they send first, across their own commits.
 */
class FrameworksOnTenantConnectionTest {
    private static TenantFixture fx;
    private static SessionFactory hibernate;

    @BeforeAll
    static void start() {
        System.setProperty("org.jooq.no-logo", "true");
        System.setProperty("org.jooq.no-tips", "true");
        fx = TenantFixture.start();
        hibernate = new Configuration()
                .addAnnotatedClass(Document.class)
                .setProperty("hibernate.boot.allow_jdbc_metadata_access", "false")
                .setProperty("jakarta.persistence.database-product-name", "PostgreSQL")
                .setProperty("jakarta.persistence.database-major-version", "17")
                .setProperty("hibernate.hbm2ddl.auto", "none")
                .buildSessionFactory();
    }

    @AfterAll
    static void stop() {
        if (hibernate != null) {
            hibernate.close();
        }
        if (fx != null) {
            fx.close();
        }
    }

    private static final org.jooq.Field<String> TITLE = field("title", String.class);
    private static final org.jooq.Field<UUID> TENANT_ID = field("tenant_id", UUID.class);

    @Test
    void jooq_reads_and_writes_only_the_tenants_rows() throws Exception {
        List<String> read = fx.strata.<List<String>, RuntimeException>inTenant(fx.a1.id(), scope -> {
            DSLContext jooq = DSL.using(scope.connection(), SQLDialect.POSTGRES);
            return jooq.select(TITLE).from(table("documents")).orderBy(TITLE).fetch(TITLE);
        });
        assertThat(read).isEqualTo(ownTitles(fx.a1));

        fx.strata.useTenant(fx.a1.id(), scope -> {
            DSLContext jooq = DSL.using(scope.connection(), SQLDialect.POSTGRES);
            assertThat(jooq.insertInto(table("documents"), TENANT_ID, TITLE).values(scope.tenantId(), "jooq").execute())
                    .isEqualTo(1);
            jooq.transaction(cfg -> DSL.using(cfg).update(table("documents")).set(field("body", String.class), "tx")
                    .where(TITLE.eq("jooq")).execute());
            assertThat(jooq.fetchCount(table("documents"))).isEqualTo(4);
            assertThatThrownBy(() -> jooq.insertInto(table("documents"), TENANT_ID, TITLE).values(fx.a2.id(), "x").execute())
                    .hasMessageContaining("row-level security");
        });
        assertThat(fx.strata.<List<String>, Exception>inTenant(fx.a1.id(), scope -> titles(scope.connection())))
                .contains("jooq").hasSize(4);
        assertThat(fx.strata.<List<String>, Exception>inTenant(fx.a2.id(), scope -> titles(scope.connection())))
                .isEqualTo(ownTitles(fx.a2));
        fx.strata.useTenant(fx.a1.id(), scope -> DSL.using(scope.connection(), SQLDialect.POSTGRES)
                .deleteFrom(table("documents")).where(TITLE.eq("jooq")).execute());
    }

    @Test
    void jdbi_reads_and_writes_only_the_tenants_rows() throws Exception {
        List<String> read = fx.strata.<List<String>, RuntimeException>inTenant(fx.sigma.id(), scope -> {
            try (Handle h = Jdbi.open(scope.connection())) {
                return h.createQuery("SELECT title FROM documents ORDER BY title").mapTo(String.class).list();
            }
        });
        assertThat(read).isEqualTo(ownTitles(fx.sigma));

        fx.strata.useTenant(fx.a2.id(), scope -> {
            try (Handle h = Jdbi.open(scope.connection())) {
                assertThat(h.createUpdate("INSERT INTO documents (tenant_id, title) VALUES (:t, :title)")
                        .bind("t", scope.tenantId()).bind("title", "jdbi").execute()).isEqualTo(1);
                h.useTransaction(tx -> tx.createUpdate("UPDATE documents SET body = 'tx' WHERE title = 'jdbi'").execute());
                assertThat(h.createQuery("SELECT count(*) FROM documents").mapTo(Integer.class).one()).isEqualTo(4);
            }
        });
        assertThat(fx.strata.<List<String>, Exception>inTenant(fx.a2.id(), scope -> titles(scope.connection())))
                .contains("jdbi").hasSize(4);
        fx.strata.useTenant(fx.a2.id(), scope -> {
            try (Handle h = Jdbi.open(scope.connection())) {
                h.createUpdate("DELETE FROM documents WHERE title = 'jdbi'").execute();
            }
        });
    }

    @Test
    void hibernate_session_on_the_connection_reads_and_writes_only_the_tenants_rows() throws Exception {
        List<String> read = fx.strata.<List<String>, RuntimeException>inTenant(fx.a1.id(), scope -> {
            try (Session s = hibernate.withOptions().connection(scope.connection()).openSession()) {
                return s.createSelectionQuery("select d.title from Document d order by d.title", String.class).getResultList();
            }
        });
        assertThat(read).isEqualTo(ownTitles(fx.a1));

        UUID id = UUID.randomUUID();
        fx.strata.useTenant(fx.a1.id(), scope -> {
            try (Session s = hibernate.withOptions().connection(scope.connection()).openSession()) {
                Transaction tx = s.beginTransaction();
                s.persist(new Document(scope.tenantId(), id, "hibernate"));
                tx.commit();
                tx = s.beginTransaction();
                Document found = s.find(Document.class, new DocumentKey(scope.tenantId(), id));
                assertThat(found).isNotNull();
                found.title = "hibernate-updated";
                tx.commit();
                assertThat(s.createSelectionQuery("from Document", Document.class).getResultList()).hasSize(4);
            }
        });
        assertThat(fx.strata.<List<String>, Exception>inTenant(fx.a1.id(), scope -> titles(scope.connection())))
                .contains("hibernate-updated").hasSize(4);
        assertThat(fx.strata.<List<String>, Exception>inTenant(fx.a2.id(), scope -> titles(scope.connection())))
                .isEqualTo(ownTitles(fx.a2));

        assertThatThrownBy(() -> fx.strata.useTenant(fx.a2.id(), scope -> {
            try (Session s = hibernate.withOptions().connection(scope.connection()).openSession()) {
                Transaction tx = s.beginTransaction();
                s.persist(new Document(fx.a1.id(), UUID.randomUUID(), "intruder"));
                tx.commit();
            }
        })).hasStackTraceContaining("row-level security");

        fx.strata.useTenant(fx.a1.id(), scope -> {
            try (Session s = hibernate.withOptions().connection(scope.connection()).openSession()) {
                Transaction tx = s.beginTransaction();
                s.remove(s.find(Document.class, new DocumentKey(scope.tenantId(), id)));
                tx.commit();
            }
        });
        List<String> after = new ArrayList<>(fx.strata.<List<String>, Exception>inTenant(fx.a1.id(),
                scope -> titles(scope.connection())));
        assertThat(after).isEqualTo(ownTitles(fx.a1));
    }

    /** The documents table as a Hibernate entity. */
    @Entity(name = "Document")
    @Table(name = "documents")
    @IdClass(DocumentKey.class)
    public static class Document {
        @Id
        @Column(name = "tenant_id")
        UUID tenantId;
        @Id
        UUID id;
        String title;
        String body = "";

        protected Document() {
        }

        Document(UUID tenantId, UUID id, String title) {
            this.tenantId = tenantId;
            this.id = id;
            this.title = title;
        }
    }

    /** The composite key (tenant_id, id). */
    public static class DocumentKey implements Serializable {
        private static final long serialVersionUID = 1L;
        UUID tenantId;
        UUID id;

        public DocumentKey() {
        }

        DocumentKey(UUID tenantId, UUID id) {
            this.tenantId = tenantId;
            this.id = id;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof DocumentKey k && Objects.equals(tenantId, k.tenantId) && Objects.equals(id, k.id);
        }

        @Override
        public int hashCode() {
            return Objects.hash(tenantId, id);
        }
    }
}

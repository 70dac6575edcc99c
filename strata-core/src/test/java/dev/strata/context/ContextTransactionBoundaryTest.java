package dev.strata.context;

import dev.strata.ErrorCode;
import dev.strata.StrataException;
import dev.strata.TenantScope;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import static dev.strata.context.TenantFixture.contextTenant;
import static dev.strata.context.TenantFixture.ownTitles;
import static dev.strata.context.TenantFixture.titles;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The context follows the callback across the transactions it opens: after a commit or rollback
 * in the middle of the callback (JDBC or SQL text), the next statement, whatever its kind, runs in
 * context again; nothing can step outside a transaction or outlive the scope.
 */
class ContextTransactionBoundaryTest {
    private static TenantFixture fx;

    @BeforeAll
    static void start() {
        fx = TenantFixture.start();
    }

    @AfterAll
    static void stop() {
        if (fx != null) {
            fx.close();
        }
    }

    private interface Step {
        void run(Connection c) throws SQLException;
    }

    /** Ends the transaction each way, then runs each kind of statement first in the next one. */
    private static void afterEveryKindOfEnd(Step check) throws SQLException {
        Step[] ends = {
                Connection::commit,
                Connection::rollback,
                c -> {
                    try (Statement s = c.createStatement()) {
                        s.execute("COMMIT");
                    }
                },
                c -> {
                    try (Statement s = c.createStatement()) {
                        s.execute("ROLLBACK");
                    }
                },
        };
        for (Step end : ends) {
            fx.strata.useTenant(fx.a1.id(), scope -> {
                Connection c = scope.connection();
                assertThat(titles(c)).isEqualTo(ownTitles(fx.a1));
                end.run(c);
                check.run(c);
            });
        }
    }

    @Test
    void prepared_statement_after_commit_or_rollback_runs_in_context() throws Exception {
        afterEveryKindOfEnd(c -> assertThat(titles(c)).isEqualTo(ownTitles(fx.a1)));
    }

    @Test
    void plain_statement_after_commit_or_rollback_runs_in_context() throws Exception {
        afterEveryKindOfEnd(c -> {
            try (Statement s = c.createStatement(); var rs = s.executeQuery("SELECT count(*) FROM documents")) {
                rs.next();
                assertThat(rs.getInt(1)).isEqualTo(3);
            }
        });
    }

    @Test
    void batch_after_commit_or_rollback_runs_in_context() throws Exception {
        afterEveryKindOfEnd(c -> {
            try (PreparedStatement ps = c.prepareStatement("UPDATE documents SET body = ? WHERE title = ?")) {
                ps.setString(1, "batched");
                ps.setString(2, "a1-1");
                ps.addBatch();
                assertThat(ps.executeBatch()).containsExactly(1);
            }
            c.rollback();
        });
    }

    @Test
    void statement_prepared_before_a_commit_runs_in_context_after_it() throws Exception {
        fx.strata.useTenant(fx.a1.id(), scope -> {
            Connection c = scope.connection();
            try (PreparedStatement ps = c.prepareStatement("SELECT platform.current_tenant_id()")) {
                for (int i = 0; i < 7; i++) {
                    try (var rs = ps.executeQuery()) {
                        rs.next();
                        assertThat(rs.getString(1)).isEqualTo(scope.tenantId().toString());
                    }
                    if (i % 2 == 0) {
                        c.commit();
                    }
                }
            }
        });
    }

    @Test
    void work_committed_mid_callback_stays_committed_when_the_callback_fails_later() throws Exception {
        assertThatThrownBy(() -> fx.strata.useTenant(fx.a2.id(), scope -> {
            TenantFixture.insert(scope, "kept");
            scope.connection().commit();
            TenantFixture.insert(scope, "lost");
            throw new IllegalStateException("boom");
        })).isInstanceOf(IllegalStateException.class);
        assertThat(fx.strata.<List<String>, SQLException>inTenant(fx.a2.id(), scope -> titles(scope.connection()))).contains("kept").doesNotContain("lost");
        fx.strata.useTenant(fx.a2.id(), scope -> {
            try (PreparedStatement ps = scope.connection().prepareStatement("DELETE FROM documents WHERE title = 'kept'")) {
                assertThat(ps.executeUpdate()).isEqualTo(1);
            }
        });
    }

    @Test
    void switching_to_autocommit_is_refused() throws Exception {
        fx.strata.useTenant(fx.a1.id(), scope -> {
            Connection c = scope.connection();
            assertThatThrownBy(() -> c.setAutoCommit(true)).isInstanceOf(SQLException.class)
                    .hasMessageContaining("autocommit");
            c.setAutoCommit(false);
            assertThat(c.getAutoCommit()).isFalse();
            assertThat(contextTenant(c)).isEqualTo(scope.tenantId());
        });
    }

    @Test
    void connection_and_statements_are_unusable_after_the_scope_ends() throws Exception {
        AtomicReference<Connection> leaked = new AtomicReference<>();
        AtomicReference<Statement> leakedStatement = new AtomicReference<>();
        fx.strata.useTenant(fx.a1.id(), scope -> {
            leaked.set(scope.connection());
            leakedStatement.set(scope.connection().createStatement());
        });
        assertThatThrownBy(() -> leaked.get().prepareStatement("SELECT 1")).isInstanceOf(SQLException.class);
        assertThatThrownBy(() -> leaked.get().createStatement()).isInstanceOf(SQLException.class);
        assertThat(leaked.get().isClosed()).isTrue();
        assertThatThrownBy(() -> leakedStatement.get().executeQuery("SELECT 1")).isInstanceOf(SQLException.class);
    }

    @Test
    void a_pooled_connection_carries_no_context_into_the_next_tenants_transaction() throws Exception {
        for (int i = 0; i < 20; i++) {
            assertThat(fx.strata.inTenant(fx.a1.id(), (TenantScope scope) -> titles(scope.connection())))
                    .isEqualTo(ownTitles(fx.a1));
            assertThat(fx.strata.inTenant(fx.a2.id(), (TenantScope scope) -> titles(scope.connection())))
                    .isEqualTo(ownTitles(fx.a2));
        }
    }

    @Test
    void work_for_the_t0_operator_is_refused() throws Exception {
        assertThatThrownBy(() -> fx.strata.useTenant(fx.strata.tenants().operator().id(), scope -> {
        })).isInstanceOfSatisfying(StrataException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_HIERARCHY));
    }
}

package dev.strata.context;

import dev.strata.testing.TestStrata;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Statements that carry the context behave exactly like plain pgjdbc statements: the same
 * results, update counts, {@code getMoreResults} sequence, parameter reuse and errors. Each script
 * runs on a raw pgjdbc connection and on a tenant connection, once with a commit before every
 * execution (so every execution carries the context) and once without; the traces must be equal.
 */
class PiggybackedResultsTest {
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

    private interface Between {
        void run() throws SQLException;
    }

    private interface Script {
        void run(Connection c, UUID tenant, Between between, List<String> trace) throws SQLException;
    }

    private static void assertSameTraces(Script script) throws Exception {
        UUID tenant = fx.a1.id();
        List<String> raw = new ArrayList<>();
        try (Connection c = TestStrata.admin(fx.alpha.placement().database())) {
            c.setAutoCommit(false);
            try (Statement s = c.createStatement()) {
                s.execute("SET search_path = app, platform");
            }
            c.commit();
            script.run(c, tenant, c::commit, raw);
            c.rollback();
        }
        List<String> committing = fx.strata.inTenant(tenant, scope -> {
            List<String> trace = new ArrayList<>();
            script.run(scope.connection(), tenant, scope.connection()::commit, trace);
            return trace;
        });
        List<String> continuous = fx.strata.inTenant(tenant, scope -> {
            List<String> trace = new ArrayList<>();
            script.run(scope.connection(), tenant, () -> { }, trace);
            return trace;
        });
        assertThat(raw).isNotEmpty();
        assertThat(committing).isEqualTo(raw);
        assertThat(continuous).isEqualTo(raw);
    }

    private static void results(Statement s, List<String> trace) throws SQLException {
        trace.add("updateCount=" + s.getUpdateCount());
        ResultSet rs = s.getResultSet();
        trace.add("resultSet=" + (rs == null ? "none" : rows(rs)));
        boolean more = s.getMoreResults();
        trace.add("more=" + more + " updateCount=" + s.getUpdateCount() + " resultSet=" + (s.getResultSet() != null));
    }

    private static String rows(ResultSet rs) throws SQLException {
        List<String> out = new ArrayList<>();
        while (rs.next()) {
            out.add(rs.getString(1));
        }
        return out.toString();
    }

    private static void attempt(List<String> trace, Between between, SqlCall call) {
        try {
            between.run();
            trace.add("ok " + call.run());
        } catch (SQLException e) {
            trace.add("error " + e.getSQLState());
        }
    }

    private interface SqlCall {
        Object run() throws SQLException;
    }

    @Test
    void prepared_query_results_and_parameter_reuse_match_plain_jdbc() throws Exception {
        assertSameTraces((c, tenant, between, trace) -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT title FROM documents WHERE tenant_id = ? AND title <> ? ORDER BY title")) {
                ps.setObject(1, tenant);
                ps.setString(2, "none");
                between.run();
                trace.add(rows(ps.executeQuery()));
                results(ps, trace);
                between.run();
                trace.add("again " + rows(ps.executeQuery()));
                ps.setString(2, "a1-1");
                between.run();
                trace.add("changed " + rows(ps.executeQuery()));
                between.run();
                trace.add("execute=" + ps.execute());
                results(ps, trace);
                ps.clearParameters();
                attempt(trace, between, () -> rows(ps.executeQuery()));
                ps.setObject(1, tenant);
                ps.setString(2, "a1-2");
                attempt(trace, between, () -> rows(ps.executeQuery()));
                attempt(trace, between, ps::executeUpdate);
            }
        });
    }

    @Test
    void prepared_update_counts_match_plain_jdbc() throws Exception {
        assertSameTraces((c, tenant, between, trace) -> {
            try (PreparedStatement ps = c.prepareStatement("UPDATE documents SET body = body WHERE tenant_id = ?")) {
                ps.setObject(1, tenant);
                between.run();
                trace.add("count=" + ps.executeUpdate());
                results(ps, trace);
                between.run();
                trace.add("execute=" + ps.execute());
                results(ps, trace);
                between.run();
                trace.add("large=" + ps.executeLargeUpdate());
                trace.add("largeCount=" + ps.getLargeUpdateCount());
                attempt(trace, between, () -> rows(ps.executeQuery()));
            }
        });
    }

    @Test
    void plain_statement_results_match_plain_jdbc() throws Exception {
        assertSameTraces((c, tenant, between, trace) -> {
            try (Statement s = c.createStatement()) {
                between.run();
                trace.add(rows(s.executeQuery("SELECT title FROM documents WHERE tenant_id = '" + tenant + "' ORDER BY 1")));
                results(s, trace);
                between.run();
                trace.add("count=" + s.executeUpdate("UPDATE documents SET body = body WHERE tenant_id = '" + tenant + "'"));
                results(s, trace);
                between.run();
                trace.add("execute=" + s.execute("UPDATE documents SET body = body WHERE tenant_id = '" + tenant
                        + "'; SELECT count(*) FROM documents WHERE tenant_id = '" + tenant + "'"));
                results(s, trace);
                results(s, trace);
                attempt(trace, between, () -> rows(s.executeQuery("UPDATE documents SET body = body WHERE false")));
                attempt(trace, between, () -> s.executeUpdate("SELECT 1"));
            }
        });
    }
}

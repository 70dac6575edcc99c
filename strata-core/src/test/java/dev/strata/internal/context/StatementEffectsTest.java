package dev.strata.internal.context;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** How SQL texts on a tenant connection are classified: clean, session state, or refused. */
class StatementEffectsTest {

    @ParameterizedTest
    @ValueSource(strings = {
            "SELECT title FROM documents WHERE id = ?",
            "select 'SET search_path TO x'",
            "SELECT $$; SET role x; $$",
            "SELECT $tag$ ' ; RESET ALL $tag$ AS x",
            "SELECT E'\\'; SET role x; '",
            "SELECT 1 -- ; SET role x",
            "SELECT 1 /* ; SET role x /* nested */ ; still comment */",
            "SELECT \"SET\" FROM (SELECT 1 AS \"SET\") t",
            "INSERT INTO documents (tenant_id, title) VALUES (?, ?) RETURNING id",
            "UPDATE documents SET title = ? WHERE id = ?",
            "DELETE FROM documents WHERE id = ?",
            "WITH x AS (SELECT 1) INSERT INTO documents SELECT * FROM x",
            "MERGE INTO documents d USING (SELECT 1) s ON false WHEN NOT MATCHED THEN DO NOTHING",
            "(SELECT 1) UNION (SELECT 2)",
            "VALUES (1), (2)",
            "TABLE documents",
            "SET LOCAL search_path TO app, platform",
            "SET LOCAL ROLE NONE",
            "SET TRANSACTION ISOLATION LEVEL SERIALIZABLE",
            "SET CONSTRAINTS ALL DEFERRED",
            "SHOW search_path",
            "EXPLAIN (ANALYZE, BUFFERS) SELECT * FROM documents",
            "LOCK TABLE documents IN SHARE MODE",
            "DECLARE c CURSOR WITHOUT HOLD FOR SELECT 1",
            "DECLARE c CURSOR FOR SELECT 1; FETCH 10 FROM c; MOVE c; CLOSE c",
            "SAVEPOINT a; RELEASE SAVEPOINT a",
            "NOTIFY chan, 'x'",
            "SELECT pg_advisory_xact_lock(1)",
            "SELECT pg_notify('c', 'x')",
            "COPY (SELECT 1) TO STDOUT",
            "{? = call upper(?)}",
            "   ;  ; ",
            "SELECT a$b$c FROM t",
            "SELECT $1::text"})
    void data_statements_leave_no_session_state(String sql) {
        StatementEffects.Effect effect = StatementEffects.of(sql);
        assertThat(effect.refused()).as(sql).isFalse();
        assertThat(effect.sessionState()).as(sql).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "SET search_path TO x",
            "set session search_path = x",
            "SET ROLE x",
            "SET SESSION AUTHORIZATION x",
            "SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY",
            "SET app.tenant_id = 'x'",
            "RESET ALL",
            "RESET search_path",
            "DISCARD PLANS",
            "SELECT set_config('search_path', 'x', false)",
            "SELECT pg_catalog.set_config('role', 'x', false)",
            "SELECT \"set_config\"('role', 'x', false)",
            "SELECT \"SET_CONFIG\"('role', 'x', false)",
            "SELECT U&\"\\0073et_config\"('role', 'x', false)",
            "WITH x AS (SELECT set_config('a.b', '1', false)) SELECT * FROM x",
            "SELECT pg_advisory_lock(1)",
            "SELECT pg_advisory_lock_shared(1)",
            "SELECT pg_try_advisory_lock(1)",
            "SELECT pg_try_advisory_lock_shared(1, 2)",
            "SELECT query_to_xml('select 1', false, false, '')",
            "SELECT ts_stat('select 1')",
            "SELECT dblink_connect('x')",
            "LISTEN chan",
            "UNLISTEN *",
            "PREPARE p AS SELECT 1",
            "EXECUTE p",
            "DEALLOCATE p",
            "DECLARE c CURSOR WITH HOLD FOR SELECT 1",
            "CREATE TEMP TABLE t (x int)",
            "SELECT * INTO TEMP t FROM documents",
            "SELECT * INTO t FROM documents",
            "SELECT 1; SET role x",
            "/* SELECT */ SET role x",
            "-- SELECT\nSET role x",
            "SELECT ';'; SET role x",
            "SELECT $$ $$; SET role x",
            "SELECT E'\\''; SET role x",
            "SELECT 'it''s'; SET role x",
            "SET LOCAL standard_conforming_strings = off",
            "EXPLAIN ANALYZE CREATE TABLE t AS SELECT 1",
            "EXPLAIN ANALYZE EXECUTE p",
            "CALL p()",
            "VACUUM documents",
            "CHECKPOINT",
            "PREPARE TRANSACTION 'x'"})
    void statements_that_may_leave_session_state_are_marked(String sql) {
        StatementEffects.Effect effect = StatementEffects.of(sql);
        assertThat(effect.refused()).as(sql).isFalse();
        assertThat(effect.sessionState()).as(sql).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "ALTER ROLE CURRENT_USER SET search_path = x",
            "alter user current_user password 'x'",
            "ALTER DEFAULT PRIVILEGES GRANT SELECT ON TABLES TO PUBLIC",
            "SELECT 1; ALTER ROLE CURRENT_USER RESET ALL",
            "/* c */ alter role session_user set x = 1",
            "DO $$ BEGIN EXECUTE 'ALTER ROLE CURRENT_USER SET x = 1'; END $$",
            "DROP OWNED BY CURRENT_USER",
            "REASSIGN OWNED BY CURRENT_USER TO x",
            "GRANT SELECT ON documents TO PUBLIC",
            "REVOKE SELECT ON documents FROM PUBLIC",
            "LOAD 'auto_explain'"})
    void statements_whose_effects_outlive_the_session_are_refused(String sql) {
        assertThat(StatementEffects.of(sql).refused()).as(sql).isTrue();
    }

    @Test
    void transaction_control_is_a_boundary_and_nothing_more() {
        for (String sql : List.of("COMMIT", "ROLLBACK", "END", "ABORT", "BEGIN", "START TRANSACTION",
                "ROLLBACK TO SAVEPOINT a", "COMMIT AND CHAIN", "SELECT 1; COMMIT; SELECT 2")) {
            StatementEffects.Effect effect = StatementEffects.of(sql);
            assertThat(effect.transactionBoundary()).as(sql).isTrue();
            assertThat(effect.sessionState()).as(sql).isFalse();
        }
        assertThat(StatementEffects.of("SELECT 'COMMIT'").transactionBoundary()).isFalse();
    }

    @Test
    void a_batch_is_as_dirty_as_its_dirtiest_statement() {
        assertThat(StatementEffects.ofAll(List.of("SELECT 1", "INSERT INTO t VALUES (1)")).sessionState()).isFalse();
        assertThat(StatementEffects.ofAll(List.of("SELECT 1", "SET role x")).sessionState()).isTrue();
        assertThat(StatementEffects.ofAll(List.of("SELECT 1", "ALTER ROLE x SET y = 1")).refused()).isTrue();
    }
}

package dev.strata.internal.context;

import dev.strata.internal.sql.DataPlane;
import dev.strata.internal.sql.DelegatingConnection;
import dev.strata.internal.sql.PhysicalNames;
import org.postgresql.core.BaseConnection;
import org.postgresql.core.TransactionState;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Array;
import java.sql.CallableStatement;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLClientInfoException;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.sql.Statement;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.Executor;

/**
 * The connection a {@link dev.strata.TenantScope} hands out. It guarantees that the tenant
 * context is in force before any statement of any transaction on it runs:
 * <ul>
 *   <li>prepared and plain statements carry the context in the same round trip as their first
 *       execution in a transaction (a multi-statement query: {@code SELECT set_config(...); <sql>});</li>
 *   <li>batches, callable statements, generated-key inserts, cursor fetches and savepoints
 *       apply it first with a statement of its own;</li>
 *   <li>"in force" means this wrapper sent it in the transaction now open: the flag is cleared
 *       whenever the driver reports no transaction and after SQL that ends or rolls back a
 *       transaction; a transaction open on the connection that this wrapper did not start with
 *       the context is refused (fail closed) and the connection retired;</li>
 *   <li>autocommit, which would run statements outside any transaction-local context, is refused.</li>
 * </ul>
 * And that nothing of the callback reaches later tenants on the same pooled connection: every SQL
 * text is classified ({@link StatementEffects}); one that may leave session state marks the
 * connection for a clean-up before it serves anyone else, one whose effect outlives the session is
 * refused. JDBC calls with session effects mark it too. No driver object escapes: {@code unwrap}
 * refuses driver types, and result sets, metadata and arrays lead back only to wrappers.
 * Not thread-safe: a scope belongs to the thread running its callback.
 */
public final class ContextConnection extends DelegatingConnection {
    private static final Set<String> EXECUTE_METHODS = Set.of("execute", "executeQuery", "executeUpdate",
            "executeBatch", "executeLargeUpdate", "executeLargeBatch");

    private final TenantContext.Statement context;
    private final String schema;
    private final BaseConnection driver;
    private final boolean guarded;
    private boolean closed;
    /** The context was sent by this wrapper in the transaction now open (valid while not IDLE). */
    private boolean contextSent;
    /** SQL since the context was sent may have ended the transaction it was sent in. */
    private boolean boundaryCrossed;
    /** The callback may have left session state: clean the connection before reuse. */
    private boolean sessionState;
    /** The connection must not be reused at all (driver-side state, or a transaction not ours). */
    private boolean retire;
    /**
     * The connection goes through a pooled endpoint (PgBouncer in transaction mode): the server
     * session behind it changes hands at every transaction end, so session state is cleaned inside
     * the transaction, before it commits, and what a rollback would keep is refused.
     */
    private final boolean pooledEndpoint;
    /**
     * The tenant's tables live in a schema of its own (schema mode), and so do the sequences behind
     * them. The session remembers the last value each sequence gave ({@code currval},
     * {@code lastval}), even after a rollback, and that would tell the next tenant on this connection
     * how far this one's ids have gone: the session's sequence state is discarded with every commit
     * (in the same round trip) and after every rollback.
     */
    private final boolean privateSequences;
    private static final String DISCARD_SEQUENCES_AND_COMMIT = "DISCARD SEQUENCES; COMMIT";
    private static final String ROLLBACK_AND_DISCARD_SEQUENCES = "ROLLBACK; DISCARD SEQUENCES";

    /**
     * What runs, inside the transaction and right before it commits, on a pooled endpoint when the
     * transaction may have left session state: every kind of it that a non-superuser can create and
     * a transaction can undo. (Prepared statements, session advisory locks and the like survive a
     * rollback and are refused there instead; {@code DEALLOCATE ALL} and the unlock are kept as a
     * second line.) {@code DISCARD ALL} cannot run inside a transaction.
     */
    static final String IN_TRANSACTION_CLEANUP = "CLOSE ALL; UNLISTEN *; SELECT pg_advisory_unlock_all(); "
            + "DEALLOCATE ALL; RESET ALL; SET application_name = " + DataPlane.TENANT_APPLICATION_NAME_LITERAL
            + "; RESET ROLE; RESET SESSION AUTHORIZATION; DISCARD SEQUENCES";

    /**
     * @param delegate a pooled pgjdbc connection with autocommit off and no transaction open
     * @throws SQLException if it does not wrap a pgjdbc connection
     */
    public ContextConnection(Connection delegate, TenantContext context, String schema) throws SQLException {
        this(delegate, context, schema, PooledGuarantees.ENFORCED);
    }

    public ContextConnection(Connection delegate, TenantContext context, String schema, PooledGuarantees guarantees)
            throws SQLException {
        this(delegate, context, schema, guarantees, false);
    }

    /**
     * @param pooledEndpoint whether the connection reaches its database through a pooled endpoint
     *                       (PgBouncer in transaction mode): session state is then cleaned before
     *                       every commit and what a rollback keeps is refused
     */
    public ContextConnection(Connection delegate, TenantContext context, String schema, PooledGuarantees guarantees,
                             boolean pooledEndpoint) throws SQLException {
        super(delegate);
        this.pooledEndpoint = pooledEndpoint && guarantees == PooledGuarantees.ENFORCED;
        this.guarded = guarantees == PooledGuarantees.ENFORCED;
        this.context = guarded ? context.statement() : context.minimalStatement();
        this.schema = schema;
        this.privateSequences = guarded && schema != null && !PhysicalNames.APP_SCHEMA.equals(schema);
        this.driver = delegate.unwrap(BaseConnection.class);
    }

    TenantContext.Statement context() {
        return context;
    }

    boolean guarded() {
        return guarded;
    }

    /** The driver's view of the transaction on the physical connection. */
    TransactionState transactionState() {
        return driver.getTransactionState();
    }

    /**
     * Whether the callback may have left session state on the connection (clean it before reuse):
     * SQL or a JDBC call that does, or a session default the server reports changed.
     */
    public boolean mayCarrySessionState() {
        return sessionState || (guarded && reportedDefaultsChanged());
    }

    /**
     * Whether the server reported a session-level {@code default_transaction_read_only} other than
     * off. PostgreSQL reports that setting to the driver whenever it changes (ParameterStatus), so a
     * change that no classification can see — made inside a function or a trigger the application
     * installed — is caught at no cost in round trips; left in place it would make every later
     * tenant's writes on this connection fail. Settings the server does not report are covered by
     * the context (tenant id, tier, {@code search_path}, role) or not at all (see docs/security.md).
     */
    private boolean reportedDefaultsChanged() {
        String readOnly = driver.getParameterStatus(DEFAULT_READ_ONLY);
        return readOnly != null && !"off".equals(readOnly); // null: a pooler that never forwarded it
    }

    private static final String DEFAULT_READ_ONLY = "default_transaction_read_only";

    /** Whether the connection must be closed instead of going back to its pool. */
    public boolean mustRetire() {
        return retire;
    }

    /**
     * Whether the next statement runs in a transaction that already has the context: true once
     * this wrapper sent the context in the transaction now open (or failed: every statement fails
     * until it ends); false between transactions, where the driver sends {@code BEGIN} with the next
     * one, and after SQL that ended the transaction the context was sent in.
     *
     * @throws SQLException (fail closed, the connection is retired) if a transaction is open that
     *         this wrapper did not start with the context
     */
    boolean contextInForce() throws SQLException {
        if (driver.getTransactionState() == TransactionState.IDLE) {
            contextSent = false;
            boundaryCrossed = false;
            return false;
        }
        if (contextSent || !guarded) {
            return true;
        }
        if (boundaryCrossed) {
            return false;
        }
        retire = true;
        throw new SQLException("A transaction is open on this tenant connection that Strata did not start with the "
                + "tenant's context; nothing runs in it. The connection will be closed. Do not run statements through "
                + "driver objects obtained outside Strata's wrappers", "25000");
    }

    /** Called right before a statement carrying the context is sent. */
    void contextSending() {
        contextSent = true;
        boundaryCrossed = false;
    }

    /** Puts the context in force with a statement of its own, unless it already is. */
    void ensureContext() throws SQLException {
        if (contextInForce()) {
            return;
        }
        contextSending();
        try (PreparedStatement ps = delegate.prepareStatement(context.sql())) {
            context.bind(ps);
            ps.executeQuery().close();
        }
    }

    /**
     * What a SQL text about to run does beyond its transaction.
     *
     * @throws SQLException (SQLSTATE 42501) if Strata refuses to run it on a tenant connection
     */
    StatementEffects.Effect classify(String sql) throws SQLException {
        if (!guarded || sql == null) {
            return null;
        }
        StatementEffects.Effect effect = StatementEffects.of(sql);
        if (effect.refused()) {
            throw new SQLException(effect.refusal(), "42501");
        }
        if (pooledEndpoint && effect.outlivesTransaction()) {
            throw new SQLException("This tenant's database is reached through a pooled endpoint (PgBouncer in "
                    + "transaction mode), where the server session changes hands after every transaction: prepared "
                    + "statements (PREPARE), session advisory locks, procedures (CALL), SQL run from text and other state "
                    + "that outlives a rolled-back transaction are refused there. Use JDBC prepared statements, "
                    + "pg_advisory_xact_lock and plain statements", FEATURE_NOT_SUPPORTED);
        }
        return effect;
    }

    /** SQLSTATE 0A000. */
    static final String FEATURE_NOT_SUPPORTED = "0A000";

    /**
     * Records that a classified SQL text is about to run.
     *
     * @throws SQLException (0A000) on a pooled endpoint, for SQL that would end the transaction
     *         while session state may be in it: the server session would reach the next client
     *         before Strata could clean it
     */
    void executing(StatementEffects.Effect effect) throws SQLException {
        if (effect == null) {
            return;
        }
        if (pooledEndpoint && effect.transactionBoundary() && (sessionState || effect.sessionState())) {
            throw new SQLException("This tenant's database is reached through a pooled endpoint (PgBouncer in "
                    + "transaction mode): after session-level statements (SET, SET ROLE, LISTEN, ...) end the "
                    + "transaction with Connection.commit() or rollback(), not with SQL, so that Strata can clean the "
                    + "session before the pooler hands it on", FEATURE_NOT_SUPPORTED);
        }
        if (effect.sessionState()) {
            sessionState = true;
        }
    }

    /**
     * Called right before the open transaction commits. On a pooled endpoint, where the server
     * session goes back to the pooler with the commit, it cleans session state the transaction may
     * have left ({@link #IN_TRANSACTION_CLEANUP}) inside the transaction; elsewhere the clean-up
     * runs after the transaction ({@code DISCARD ALL}, see {@link TenantTransactions}). For a tenant
     * with {@linkplain #privateSequences private sequences} it commits itself, discarding the
     * session's sequence state in the same round trip (the caller's commit then has nothing to do).
     *
     * @throws SQLException if the clean-up fails (the connection is then retired)
     */
    public void beforeCommit() throws SQLException {
        TransactionState state = driver.getTransactionState();
        if (pooledEndpoint && mayCarrySessionState() && state == TransactionState.OPEN) {
            executeOrRetire(IN_TRANSACTION_CLEANUP); // sequences included
            return;
        }
        if (privateSequences && state == TransactionState.OPEN) {
            // commits here, in one round trip with the discard; the commit that follows has nothing left to do
            executeOrRetire(DISCARD_SEQUENCES_AND_COMMIT);
        } else if (privateSequences && state == TransactionState.FAILED) {
            rollbackTransaction(); // what the commit would do, without keeping the sequences' state
        }
        // otherwise: nothing sent, or a failed transaction whose commit rolls back, and with it the state
    }

    /** Runs Strata's own clean-up SQL on the connection; if it fails, the connection is retired. */
    private void executeOrRetire(String sql) throws SQLException {
        retire = true; // until it has run
        try (Statement s = delegate.createStatement()) {
            s.execute(sql);
        }
        retire = false;
    }

    /**
     * Rolls the open transaction back; for a tenant with {@linkplain #privateSequences private
     * sequences} also discards the session's sequence state (in the same round trip on a pooled
     * endpoint, whose session changes hands with the rollback; elsewhere by the clean-up after the
     * transaction).
     */
    public void rollbackTransaction() throws SQLException {
        if (privateSequences && driver.getTransactionState() != TransactionState.IDLE) {
            if (pooledEndpoint) {
                executeOrRetire(ROLLBACK_AND_DISCARD_SEQUENCES);
                return;
            }
            sessionState = true;
        }
        delegate.rollback();
    }

    /**
     * Called after the transaction ended (committed after {@link #beforeCommit()}, or rolled
     * back): on a pooled endpoint the session holds nothing of it any more.
     */
    public void transactionEnded() {
        if (pooledEndpoint) {
            sessionState = false;
        }
    }

    /** Whether this connection reaches its database through a pooled endpoint. */
    public boolean pooledEndpoint() {
        return pooledEndpoint;
    }

    /** Records that a classified SQL text ran (or failed): it may have ended the context's transaction. */
    void executed(StatementEffects.Effect effect) {
        if (effect != null && effect.transactionBoundary()) {
            contextSent = false;
            boundaryCrossed = true;
        }
    }

    /** Classifies and records a SQL text about to run; returns its effect for {@link #executed}. */
    StatementEffects.Effect admit(String sql) throws SQLException {
        StatementEffects.Effect effect = classify(sql);
        executing(effect);
        return effect;
    }

    Connection physical() {
        return delegate;
    }

    /** Ends the scope: the connection can no longer be used through this wrapper. */
    public void invalidate() {
        closed = true;
    }

    void checkOpen() throws SQLException {
        if (closed) {
            throw new SQLException("This tenant connection belongs to a transaction that has ended", "08003");
        }
    }

    /** Wraps a result set so that it leads back only to tenant wrappers. */
    ResultSet results(ResultSet rs, Statement statement) {
        return guarded ? JdbcMembrane.resultSet(this, rs, statement) : rs;
    }

    /** Marks statements that keep result sets open past commit: their portals are session state. */
    private void holdability(int resultSetHoldability) {
        if (guarded && resultSetHoldability == ResultSet.HOLD_CURSORS_OVER_COMMIT) {
            sessionState = true;
        }
    }

    static SQLException refusedUnwrap(Class<?> iface) {
        return new SQLException("A tenant connection does not hand out driver objects (" + iface.getName() + "): they "
                + "would bypass the tenant context and could outlive the transaction on a pooled connection that "
                + "serves other tenants next. Use the java.sql interfaces of the objects Strata hands out; for bulk "
                + "loads use batches or multi-row INSERTs", "42501");
    }

    // ---------------------------------------------------------------- statements

    @Override
    public Statement createStatement() throws SQLException {
        checkOpen();
        return new ContextStatement(this, delegate.createStatement());
    }

    @Override
    public Statement createStatement(int resultSetType, int resultSetConcurrency) throws SQLException {
        checkOpen();
        return new ContextStatement(this, delegate.createStatement(resultSetType, resultSetConcurrency));
    }

    @Override
    public Statement createStatement(int resultSetType, int resultSetConcurrency, int resultSetHoldability)
            throws SQLException {
        checkOpen();
        holdability(resultSetHoldability);
        return new ContextStatement(this, delegate.createStatement(resultSetType, resultSetConcurrency, resultSetHoldability));
    }

    @Override
    public PreparedStatement prepareStatement(String sql) throws SQLException {
        checkOpen();
        return new ContextPreparedStatement(this, sql, true, s -> delegate.prepareStatement(s));
    }

    @Override
    public PreparedStatement prepareStatement(String sql, int resultSetType, int resultSetConcurrency) throws SQLException {
        checkOpen();
        return new ContextPreparedStatement(this, sql, true,
                s -> delegate.prepareStatement(s, resultSetType, resultSetConcurrency));
    }

    @Override
    public PreparedStatement prepareStatement(String sql, int resultSetType, int resultSetConcurrency,
                                              int resultSetHoldability) throws SQLException {
        checkOpen();
        holdability(resultSetHoldability);
        return new ContextPreparedStatement(this, sql, true,
                s -> delegate.prepareStatement(s, resultSetType, resultSetConcurrency, resultSetHoldability));
    }

    @Override
    public PreparedStatement prepareStatement(String sql, int autoGeneratedKeys) throws SQLException {
        checkOpen();
        boolean plain = autoGeneratedKeys == Statement.NO_GENERATED_KEYS;
        return new ContextPreparedStatement(this, sql, plain, s -> delegate.prepareStatement(s, autoGeneratedKeys));
    }

    @Override
    public PreparedStatement prepareStatement(String sql, int[] columnIndexes) throws SQLException {
        checkOpen();
        return new ContextPreparedStatement(this, sql, false, s -> delegate.prepareStatement(s, columnIndexes));
    }

    @Override
    public PreparedStatement prepareStatement(String sql, String[] columnNames) throws SQLException {
        checkOpen();
        return new ContextPreparedStatement(this, sql, false, s -> delegate.prepareStatement(s, columnNames));
    }

    @Override
    public CallableStatement prepareCall(String sql) throws SQLException {
        checkOpen();
        StatementEffects.Effect effect = classify(sql);
        return guard(delegate.prepareCall(sql), effect);
    }

    @Override
    public CallableStatement prepareCall(String sql, int resultSetType, int resultSetConcurrency) throws SQLException {
        checkOpen();
        StatementEffects.Effect effect = classify(sql);
        return guard(delegate.prepareCall(sql, resultSetType, resultSetConcurrency), effect);
    }

    @Override
    public CallableStatement prepareCall(String sql, int resultSetType, int resultSetConcurrency,
                                         int resultSetHoldability) throws SQLException {
        checkOpen();
        StatementEffects.Effect effect = classify(sql);
        holdability(resultSetHoldability);
        return guard(delegate.prepareCall(sql, resultSetType, resultSetConcurrency, resultSetHoldability), effect);
    }

    /**
     * Callable statements are rare: a proxy applies the context before each execution, records
     * the statement's effect, and keeps its results and driver objects inside the membrane.
     */
    private CallableStatement guard(CallableStatement callable, StatementEffects.Effect effect) {
        CallableStatement[] self = new CallableStatement[1];
        InvocationHandler handler = (proxy, method, args) -> {
            String name = method.getName();
            if (name.equals("unwrap") && guarded) {
                if (((Class<?>) args[0]).isInstance(proxy)) {
                    return proxy;
                }
                throw refusedUnwrap((Class<?>) args[0]);
            }
            if (name.equals("isWrapperFor") && guarded) {
                return ((Class<?>) args[0]).isInstance(proxy);
            }
            if (name.equals("getConnection") && method.getParameterCount() == 0) {
                return this;
            }
            if (name.equals("addBatch") && method.getParameterCount() == 1) {
                checkOpen();
                executing(classify((String) args[0]));
            }
            boolean executes = EXECUTE_METHODS.contains(name);
            if (executes) {
                checkOpen();
                if (method.getParameterCount() > 0 && args[0] instanceof String sql) {
                    executing(classify(sql));
                }
                ensureContext();
                executing(effect);
            }
            try {
                Object result = method.invoke(callable, args);
                return guarded ? JdbcMembrane.any(this, result, self[0]) : result;
            } catch (InvocationTargetException e) {
                throw e.getCause();
            } finally {
                if (executes) {
                    executed(effect);
                }
            }
        };
        self[0] = (CallableStatement) Proxy.newProxyInstance(ContextConnection.class.getClassLoader(),
                new Class<?>[] {CallableStatement.class}, handler);
        return self[0];
    }

    // ---------------------------------------------------------------- transactions

    @Override
    public void setAutoCommit(boolean autoCommit) throws SQLException {
        if (autoCommit) {
            throw new SQLException("A tenant connection cannot switch to autocommit: its statements would run outside "
                    + "the transaction that holds the tenant context. Commit instead, or run each unit of work in its own "
                    + "Strata.inTenant call", "25000");
        }
    }

    @Override
    public boolean getAutoCommit() {
        return false;
    }

    @Override
    public void commit() throws SQLException {
        checkOpen();
        beforeCommit();
        delegate.commit();
        transactionEnded();
    }

    @Override
    public void rollback() throws SQLException {
        checkOpen();
        rollbackTransaction();
        transactionEnded();
    }

    @Override
    public Savepoint setSavepoint() throws SQLException {
        checkOpen();
        ensureContext();
        return delegate.setSavepoint();
    }

    @Override
    public Savepoint setSavepoint(String name) throws SQLException {
        checkOpen();
        ensureContext();
        return delegate.setSavepoint(name);
    }

    /** Rolling back to a savepoint may undo a context sent after it: the next statement sends it again. */
    @Override
    public void rollback(Savepoint savepoint) throws SQLException {
        checkOpen();
        try {
            delegate.rollback(savepoint);
        } finally {
            if (guarded) {
                contextSent = false;
                boundaryCrossed = true;
            }
        }
    }

    @Override
    public void releaseSavepoint(Savepoint savepoint) throws SQLException {
        checkOpen();
        delegate.releaseSavepoint(savepoint);
    }

    @Override
    public void setSchema(String newSchema) throws SQLException {
        if (!schema.equals(newSchema)) {
            throw new SQLException("A tenant connection stays in its tenant's schema '" + schema + "'", "42501");
        }
    }

    @Override
    public String getSchema() {
        return schema;
    }

    // ---------------------------------------------------------------- session-level JDBC state

    /** Sent as {@code SET SESSION CHARACTERISTICS}: session state (HikariCP also resets it). */
    @Override
    public void setTransactionIsolation(int level) throws SQLException {
        checkOpen();
        if (pooledEndpoint) {
            // pgjdbc sends SET SESSION CHARACTERISTICS outside any transaction: through the pooler it
            // would land on whichever server session is free and stay there
            throw new SQLException("This tenant's database is reached through a pooled endpoint (PgBouncer in "
                    + "transaction mode), where setTransactionIsolation would change a server session other clients "
                    + "use: it is not available there; run work that needs another isolation level on a direct endpoint",
                    FEATURE_NOT_SUPPORTED);
        }
        if (guarded) {
            sessionState = true;
        }
        delegate.setTransactionIsolation(level);
    }

    @Override
    public int getTransactionIsolation() throws SQLException {
        checkOpen();
        if (guarded) {
            ensureContext(); // the driver asks the server
        }
        return delegate.getTransactionIsolation();
    }

    @Override
    public void setReadOnly(boolean readOnly) throws SQLException {
        checkOpen();
        if (guarded) {
            sessionState = true;
        }
        delegate.setReadOnly(readOnly);
    }

    /** The driver keeps client info (and sends application_name): the connection is not reused. */
    @Override
    public void setClientInfo(String name, String value) throws SQLClientInfoException {
        if (guarded) {
            retire = true;
        }
        delegate.setClientInfo(name, value);
    }

    @Override
    public void setClientInfo(Properties properties) throws SQLClientInfoException {
        if (guarded) {
            retire = true;
        }
        delegate.setClientInfo(properties);
    }

    /** Driver-side defaults that HikariCP does not reset: the connection is not reused. */
    @Override
    public void setHoldability(int holdability) throws SQLException {
        checkOpen();
        if (guarded) {
            retire = true;
        }
        delegate.setHoldability(holdability);
    }

    @Override
    public void setTypeMap(Map<String, Class<?>> map) throws SQLException {
        checkOpen();
        if (guarded) {
            retire = true;
        }
        delegate.setTypeMap(map);
    }

    @Override
    public void abort(Executor executor) throws SQLException {
        retire = true;
        delegate.abort(executor);
    }

    @Override
    public DatabaseMetaData getMetaData() throws SQLException {
        checkOpen();
        DatabaseMetaData md = delegate.getMetaData();
        return guarded ? JdbcMembrane.metaData(this, md) : md;
    }

    @Override
    public Array createArrayOf(String typeName, Object[] elements) throws SQLException {
        checkOpen();
        if (guarded) {
            ensureContext(); // the driver may look the type up
        }
        Array array = delegate.createArrayOf(typeName, elements);
        return guarded ? JdbcMembrane.array(this, array) : array;
    }

    @Override
    public boolean isValid(int timeout) throws SQLException {
        if (closed) {
            return false;
        }
        if (guarded) {
            ensureContext();
        }
        return delegate.isValid(timeout);
    }

    // ---------------------------------------------------------------- life cycle

    /** A no-op for the caller: Strata returns the connection to its pool when the scope ends. */
    @Override
    public void close() {
        closed = true;
    }

    @Override
    public boolean isClosed() throws SQLException {
        return closed || delegate.isClosed();
    }

    /**
     * Only this wrapper itself: driver-level access (pgjdbc's {@code PGConnection}, its COPY and
     * large object APIs, the pool's proxy) would bypass the tenant context and the session-state
     * checks, and a reference kept past the callback would reach the next tenant's transaction.
     */
    @Override
    public <T> T unwrap(Class<T> iface) throws SQLException {
        checkOpen();
        if (iface.isInstance(this)) {
            return iface.cast(this);
        }
        if (!guarded) {
            return super.unwrap(iface);
        }
        throw refusedUnwrap(iface);
    }

    @Override
    public boolean isWrapperFor(Class<?> iface) throws SQLException {
        return iface.isInstance(this) || !guarded && super.isWrapperFor(iface);
    }
}

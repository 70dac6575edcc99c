package dev.strata.internal.context;

import dev.strata.internal.sql.DelegatingConnection;
import org.postgresql.core.BaseConnection;
import org.postgresql.core.TransactionState;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.CallableStatement;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.sql.Statement;
import java.util.Set;

/**
 * The connection a {@link dev.strata.TenantScope} hands out. It guarantees that the tenant
 * context is in force before any statement of any transaction on it runs:
 * <ul>
 *   <li>prepared and plain statements carry the context in the same round trip as their first
 *       execution in a transaction (a multi-statement query: {@code SELECT set_config(...); <sql>});</li>
 *   <li>batches, callable statements, generated-key inserts, cursor fetches and savepoints
 *       apply it first with a statement of its own;</li>
 *   <li>after a commit or rollback, by JDBC or by SQL text, it is applied again to the next
 *       transaction: whether a transaction is open is read from the driver, not guessed;</li>
 *   <li>autocommit, which would run statements outside any transaction-local context, is refused.</li>
 * </ul>
 * Not thread-safe: a scope belongs to the thread running its callback.
 */
public final class ContextConnection extends DelegatingConnection {
    private static final Set<String> EXECUTE_METHODS = Set.of("execute", "executeQuery", "executeUpdate",
            "executeBatch", "executeLargeUpdate", "executeLargeBatch");

    private final TenantContext context;
    private final String schema;
    private final BaseConnection driver;
    private boolean closed;

    /**
     * @param delegate a pooled pgjdbc connection with autocommit off
     * @throws SQLException if it does not wrap a pgjdbc connection
     */
    public ContextConnection(Connection delegate, TenantContext context, String schema) throws SQLException {
        super(delegate);
        this.context = context;
        this.schema = schema;
        this.driver = delegate.unwrap(BaseConnection.class);
    }

    TenantContext context() {
        return context;
    }

    /**
     * Whether the next statement runs in a transaction that already has the context: true once a
     * transaction is open (Strata opened it with the context) or failed (every statement fails until
     * it ends); false between transactions, where the driver sends {@code BEGIN} with the next one.
     */
    boolean contextInForce() {
        return driver.getTransactionState() != TransactionState.IDLE;
    }

    /** Puts the context in force with a statement of its own, unless it already is. */
    void ensureContext() throws SQLException {
        if (contextInForce()) {
            return;
        }
        try (PreparedStatement ps = delegate.prepareStatement(context.sql())) {
            context.bind(ps);
            ps.executeQuery().close();
        }
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
        return guard(delegate.prepareCall(sql));
    }

    @Override
    public CallableStatement prepareCall(String sql, int resultSetType, int resultSetConcurrency) throws SQLException {
        checkOpen();
        return guard(delegate.prepareCall(sql, resultSetType, resultSetConcurrency));
    }

    @Override
    public CallableStatement prepareCall(String sql, int resultSetType, int resultSetConcurrency,
                                         int resultSetHoldability) throws SQLException {
        checkOpen();
        return guard(delegate.prepareCall(sql, resultSetType, resultSetConcurrency, resultSetHoldability));
    }

    /** Callable statements are rare: a proxy applies the context before each execution. */
    private CallableStatement guard(CallableStatement callable) {
        InvocationHandler handler = (proxy, method, args) -> {
            if (EXECUTE_METHODS.contains(method.getName())) {
                checkOpen();
                ensureContext();
            } else if (method.getName().equals("getConnection") && method.getParameterCount() == 0) {
                return this;
            }
            try {
                return method.invoke(callable, args);
            } catch (InvocationTargetException e) {
                throw e.getCause();
            }
        };
        return (CallableStatement) Proxy.newProxyInstance(ContextConnection.class.getClassLoader(),
                new Class<?>[] {CallableStatement.class}, handler);
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
        delegate.commit();
    }

    @Override
    public void rollback() throws SQLException {
        checkOpen();
        delegate.rollback();
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
     * Driver-level access (e.g. pgjdbc's COPY API) bypasses this wrapper and gets no context of
     * its own: used before any statement of the transaction it sees no rows (fail closed).
     */
    @Override
    public <T> T unwrap(Class<T> iface) throws SQLException {
        checkOpen();
        return super.unwrap(iface);
    }
}

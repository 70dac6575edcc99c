package dev.strata.internal.context;

import org.postgresql.util.PSQLException;
import org.postgresql.util.PSQLState;

import java.math.BigDecimal;
import java.sql.Array;
import java.sql.Blob;
import java.sql.Clob;
import java.sql.Connection;
import java.sql.NClob;
import java.sql.ParameterMetaData;
import java.sql.PreparedStatement;
import java.sql.Ref;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.RowId;
import java.sql.SQLException;
import java.sql.SQLType;
import java.sql.SQLWarning;
import java.sql.SQLXML;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Calendar;
import java.util.List;

/**
 * A prepared statement on a {@link ContextConnection}. Parameters are recorded and bound at
 * execution to one of two driver statements: the user's SQL behind the context statement, when
 * this is the first execution of the transaction (one round trip for both), or the user's SQL
 * alone once the context is in force. Batches, generated keys and cursor fetches ({@code fetchSize
 * > 0}) never piggyback: the connection applies the context first. Not thread-safe.
 */
final class ContextPreparedStatement implements PreparedStatement {

    /** Creates a driver statement for a given SQL text with the options the caller asked for. */
    @FunctionalInterface
    interface Factory {
        PreparedStatement prepare(String sql) throws SQLException;
    }

    /** One recorded parameter, bound at execution with the index shifted past the context's parameters. */
    @FunctionalInterface
    private interface Binding {
        void bind(PreparedStatement ps, int index) throws SQLException;
    }

    private static final Binding[] NO_BINDINGS = new Binding[0];

    private final ContextConnection owner;
    private final String sql;
    private final boolean piggybackable;
    private final Factory factory;
    private final StatementEffects.Effect effect;

    private PreparedStatement plain;
    private PreparedStatement prefixed;
    private PreparedStatement current;
    private Binding[] bindings = NO_BINDINGS;
    private List<Binding[]> batch;
    private boolean closed;

    private int maxFieldSize;
    private long maxRows;
    private int queryTimeout;
    private Boolean escapeProcessing;
    private String cursorName;
    private int fetchDirection = ResultSet.FETCH_FORWARD;
    private int fetchSize;
    private boolean poolable = true;
    private boolean closeOnCompletion;

    ContextPreparedStatement(ContextConnection owner, String sql, boolean piggybackable, Factory factory)
            throws SQLException {
        this.owner = owner;
        this.sql = sql;
        this.piggybackable = piggybackable;
        this.factory = factory;
        this.effect = owner.classify(sql);
        this.plain = null;
        if (!piggybackable) {
            this.plain = configure(factory.prepare(sql));
        }
    }

    // ---------------------------------------------------------------- execution

    @Override
    public ResultSet executeQuery() throws SQLException {
        owner.executing(effect);
        try {
            if (piggyback()) {
                PreparedStatement ps = executePiggybacked();
                skipContextResult(ps);
                ResultSet rs = ps.getResultSet();
                if (rs == null) {
                    throw new PSQLException("No results were returned by the query.", PSQLState.NO_DATA);
                }
                return owner.results(rs, this);
            }
            return owner.results(plainWithBindings().executeQuery(), this);
        } finally {
            owner.executed(effect);
        }
    }

    @Override
    public int executeUpdate() throws SQLException {
        return (int) Math.min(Integer.MAX_VALUE, executeLargeUpdate());
    }

    @Override
    public long executeLargeUpdate() throws SQLException {
        owner.executing(effect);
        try {
            if (piggyback()) {
                PreparedStatement ps = executePiggybacked();
                if (skipContextResult(ps)) {
                    throw new PSQLException("A result was returned when none was expected.", PSQLState.TOO_MANY_RESULTS);
                }
                return Math.max(0, ps.getLargeUpdateCount());
            }
            return plainWithBindings().executeLargeUpdate();
        } finally {
            owner.executed(effect);
        }
    }

    @Override
    public boolean execute() throws SQLException {
        owner.executing(effect);
        try {
            if (piggyback()) {
                PreparedStatement ps = executePiggybacked();
                return skipContextResult(ps);
            }
            return plainWithBindings().execute();
        } finally {
            owner.executed(effect);
        }
    }

    /**
     * Sends the context and this statement in one round trip; the caller skips the context's
     * result ({@link #skipContextResult}) before reading the statement's own.
     */
    private PreparedStatement executePiggybacked() throws SQLException {
        PreparedStatement ps = prefixedWithBindings();
        owner.contextSending();
        ps.execute();
        return ps;
    }

    @Override
    public void addBatch() throws SQLException {
        checkOpen();
        if (batch == null) {
            batch = new ArrayList<>();
        }
        batch.add(bindings.clone());
    }

    @Override
    public void clearBatch() throws SQLException {
        checkOpen();
        batch = null;
        if (plain != null) {
            plain.clearBatch();
        }
    }

    @Override
    public int[] executeBatch() throws SQLException {
        long[] counts = executeLargeBatch();
        int[] out = new int[counts.length];
        for (int i = 0; i < counts.length; i++) {
            out[i] = (int) Math.min(Integer.MAX_VALUE, counts[i]);
        }
        return out;
    }

    @Override
    public long[] executeLargeBatch() throws SQLException {
        checkOpen();
        owner.checkOpen();
        owner.ensureContext();
        PreparedStatement ps = plain();
        List<Binding[]> entries = batch == null ? List.of() : batch;
        batch = null;
        for (Binding[] entry : entries) {
            ps.clearParameters();
            bindAll(ps, entry, 0);
            ps.addBatch();
        }
        current = ps;
        owner.executing(effect);
        try {
            return ps.executeLargeBatch();
        } finally {
            owner.executed(effect);
        }
    }

    /** Whether this execution carries the context (the first of its transaction, and allowed to). */
    private boolean piggyback() throws SQLException {
        checkOpen();
        owner.checkOpen();
        if (owner.contextInForce() || !piggybackable || fetchSize > 0) {
            owner.ensureContext();
            return false;
        }
        return true;
    }

    private PreparedStatement prefixedWithBindings() throws SQLException {
        if (prefixed == null) {
            prefixed = configure(factory.prepare(PrefixedSql.of(owner.context().sql(), sql)));
        } else {
            prefixed.clearParameters();
        }
        owner.context().bind(prefixed);
        bindAll(prefixed, bindings, owner.context().parameterCount());
        current = prefixed;
        return prefixed;
    }

    private PreparedStatement plainWithBindings() throws SQLException {
        boolean fresh = plain == null;
        PreparedStatement ps = plain();
        if (!fresh) {
            ps.clearParameters();
        }
        bindAll(ps, bindings, 0);
        current = ps;
        return ps;
    }

    /** Moves past the context statement's row; returns whether the user's statement gave a result set. */
    private static boolean skipContextResult(PreparedStatement ps) throws SQLException {
        return ps.getMoreResults();
    }

    private PreparedStatement plain() throws SQLException {
        if (plain == null) {
            plain = configure(factory.prepare(sql));
        }
        return plain;
    }

    private static void bindAll(PreparedStatement ps, Binding[] values, int offset) throws SQLException {
        for (int i = 1; i < values.length; i++) {
            if (values[i] != null) {
                values[i].bind(ps, i + offset);
            }
        }
    }

    private void record(int parameterIndex, Binding binding) throws SQLException {
        checkOpen();
        if (parameterIndex < 1) {
            throw new PSQLException("The column index is out of range: " + parameterIndex, PSQLState.INVALID_PARAMETER_VALUE);
        }
        if (parameterIndex >= bindings.length) {
            bindings = Arrays.copyOf(bindings, Math.max(parameterIndex + 1, bindings.length * 2));
        }
        bindings[parameterIndex] = binding;
    }

    @Override
    public void clearParameters() throws SQLException {
        checkOpen();
        bindings = NO_BINDINGS;
    }

    private PreparedStatement configure(PreparedStatement ps) throws SQLException {
        if (maxFieldSize != 0) {
            ps.setMaxFieldSize(maxFieldSize);
        }
        if (maxRows != 0) {
            ps.setLargeMaxRows(maxRows);
        }
        if (queryTimeout != 0) {
            ps.setQueryTimeout(queryTimeout);
        }
        if (escapeProcessing != null) {
            ps.setEscapeProcessing(escapeProcessing);
        }
        if (cursorName != null) {
            ps.setCursorName(cursorName);
        }
        if (fetchDirection != ResultSet.FETCH_FORWARD) {
            ps.setFetchDirection(fetchDirection);
        }
        if (fetchSize != 0) {
            ps.setFetchSize(fetchSize);
        }
        if (!poolable) {
            ps.setPoolable(false);
        }
        if (closeOnCompletion) {
            ps.closeOnCompletion();
        }
        return ps;
    }

    /** Applies a setting to every driver statement made so far. */
    @FunctionalInterface
    private interface Setting {
        void apply(PreparedStatement ps) throws SQLException;
    }

    private void applyToAll(Setting setting) throws SQLException {
        checkOpen();
        if (plain != null) {
            setting.apply(plain);
        }
        if (prefixed != null) {
            setting.apply(prefixed);
        }
    }

    private void checkOpen() throws SQLException {
        if (closed) {
            throw new PSQLException("This statement has been closed.", PSQLState.OBJECT_NOT_IN_STATE);
        }
    }

    private PreparedStatement last() throws SQLException {
        checkOpen();
        return current != null ? current : plain();
    }

    // ---------------------------------------------------------------- results

    @Override
    public ResultSet getResultSet() throws SQLException {
        return current == null ? null : owner.results(current.getResultSet(), this);
    }

    @Override
    public int getUpdateCount() throws SQLException {
        return current == null ? -1 : current.getUpdateCount();
    }

    @Override
    public long getLargeUpdateCount() throws SQLException {
        return current == null ? -1 : current.getLargeUpdateCount();
    }

    @Override
    public boolean getMoreResults() throws SQLException {
        return current != null && current.getMoreResults();
    }

    @Override
    public boolean getMoreResults(int current) throws SQLException {
        return this.current != null && this.current.getMoreResults(current);
    }

    @Override
    public ResultSet getGeneratedKeys() throws SQLException {
        return owner.results(last().getGeneratedKeys(), this);
    }

    @Override
    public ResultSetMetaData getMetaData() throws SQLException {
        checkOpen();
        owner.ensureContext();
        ResultSetMetaData md = plain().getMetaData();
        return owner.guarded() ? JdbcMembrane.resultSetMetaData(owner, md) : md;
    }

    @Override
    public ParameterMetaData getParameterMetaData() throws SQLException {
        checkOpen();
        owner.ensureContext();
        ParameterMetaData md = plain().getParameterMetaData();
        return owner.guarded() ? JdbcMembrane.parameterMetaData(owner, md) : md;
    }

    @Override
    public SQLWarning getWarnings() throws SQLException {
        return current == null ? null : current.getWarnings();
    }

    @Override
    public void clearWarnings() throws SQLException {
        if (current != null) {
            current.clearWarnings();
        }
    }

    @Override
    public void cancel() throws SQLException {
        if (current != null) {
            current.cancel();
        }
    }

    @Override
    public Connection getConnection() throws SQLException {
        checkOpen();
        return owner;
    }

    @Override
    public int getResultSetConcurrency() throws SQLException {
        return last().getResultSetConcurrency();
    }

    @Override
    public int getResultSetType() throws SQLException {
        return last().getResultSetType();
    }

    @Override
    public int getResultSetHoldability() throws SQLException {
        return last().getResultSetHoldability();
    }

    // ---------------------------------------------------------------- settings

    @Override
    public int getMaxFieldSize() {
        return maxFieldSize;
    }

    @Override
    public void setMaxFieldSize(int max) throws SQLException {
        maxFieldSize = max;
        applyToAll(ps -> ps.setMaxFieldSize(max));
    }

    @Override
    public int getMaxRows() {
        return (int) Math.min(Integer.MAX_VALUE, maxRows);
    }

    @Override
    public void setMaxRows(int max) throws SQLException {
        setLargeMaxRows(max);
    }

    @Override
    public long getLargeMaxRows() {
        return maxRows;
    }

    @Override
    public void setLargeMaxRows(long max) throws SQLException {
        maxRows = max;
        applyToAll(ps -> ps.setLargeMaxRows(max));
    }

    @Override
    public void setEscapeProcessing(boolean enable) throws SQLException {
        escapeProcessing = enable;
        applyToAll(ps -> ps.setEscapeProcessing(enable));
    }

    @Override
    public int getQueryTimeout() {
        return queryTimeout;
    }

    @Override
    public void setQueryTimeout(int seconds) throws SQLException {
        queryTimeout = seconds;
        applyToAll(ps -> ps.setQueryTimeout(seconds));
    }

    @Override
    public void setCursorName(String name) throws SQLException {
        cursorName = name;
        applyToAll(ps -> ps.setCursorName(name));
    }

    @Override
    public void setFetchDirection(int direction) throws SQLException {
        fetchDirection = direction;
        applyToAll(ps -> ps.setFetchDirection(direction));
    }

    @Override
    public int getFetchDirection() {
        return fetchDirection;
    }

    @Override
    public void setFetchSize(int rows) throws SQLException {
        fetchSize = rows;
        applyToAll(ps -> ps.setFetchSize(rows));
    }

    @Override
    public int getFetchSize() {
        return fetchSize;
    }

    @Override
    public void setPoolable(boolean value) throws SQLException {
        poolable = value;
        applyToAll(ps -> ps.setPoolable(value));
    }

    @Override
    public boolean isPoolable() {
        return poolable;
    }

    @Override
    public void closeOnCompletion() throws SQLException {
        closeOnCompletion = true;
        applyToAll(PreparedStatement::closeOnCompletion);
    }

    @Override
    public boolean isCloseOnCompletion() {
        return closeOnCompletion;
    }

    // ---------------------------------------------------------------- life cycle

    @Override
    public void close() throws SQLException {
        if (closed) {
            return;
        }
        closed = true;
        SQLException failure = null;
        for (PreparedStatement ps : new PreparedStatement[] {plain, prefixed}) {
            if (ps != null) {
                try {
                    ps.close();
                } catch (SQLException e) {
                    failure = e;
                }
            }
        }
        if (failure != null) {
            throw failure;
        }
    }

    @Override
    public boolean isClosed() {
        return closed;
    }

    @Override
    public <T> T unwrap(Class<T> iface) throws SQLException {
        if (iface.isInstance(this)) {
            return iface.cast(this);
        }
        if (owner.guarded()) {
            throw ContextConnection.refusedUnwrap(iface);
        }
        owner.ensureContext();
        return last().unwrap(iface);
    }

    @Override
    public boolean isWrapperFor(Class<?> iface) throws SQLException {
        return iface.isInstance(this) || !owner.guarded() && last().isWrapperFor(iface);
    }

    // ---------------------------------------------------------------- SQL-text methods (not for prepared statements)

    private static SQLException textMethod() {
        return new PSQLException("Can't use query methods that take a query string on a PreparedStatement.",
                PSQLState.WRONG_OBJECT_TYPE);
    }

    @Override
    public ResultSet executeQuery(String s) throws SQLException {
        throw textMethod();
    }

    @Override
    public int executeUpdate(String s) throws SQLException {
        throw textMethod();
    }

    @Override
    public boolean execute(String s) throws SQLException {
        throw textMethod();
    }

    @Override
    public void addBatch(String s) throws SQLException {
        throw textMethod();
    }

    @Override
    public int executeUpdate(String s, int autoGeneratedKeys) throws SQLException {
        throw textMethod();
    }

    @Override
    public int executeUpdate(String s, int[] columnIndexes) throws SQLException {
        throw textMethod();
    }

    @Override
    public int executeUpdate(String s, String[] columnNames) throws SQLException {
        throw textMethod();
    }

    @Override
    public boolean execute(String s, int autoGeneratedKeys) throws SQLException {
        throw textMethod();
    }

    @Override
    public boolean execute(String s, int[] columnIndexes) throws SQLException {
        throw textMethod();
    }

    @Override
    public boolean execute(String s, String[] columnNames) throws SQLException {
        throw textMethod();
    }

    @Override
    public long executeLargeUpdate(String s) throws SQLException {
        throw textMethod();
    }

    @Override
    public long executeLargeUpdate(String s, int autoGeneratedKeys) throws SQLException {
        throw textMethod();
    }

    @Override
    public long executeLargeUpdate(String s, int[] columnIndexes) throws SQLException {
        throw textMethod();
    }

    @Override
    public long executeLargeUpdate(String s, String[] columnNames) throws SQLException {
        throw textMethod();
    }

    // ---------------------------------------------------------------- parameters

    @Override
    public void setNull(int parameterIndex, int sqlType) throws SQLException {
        record(parameterIndex, (ps, i) -> ps.setNull(i, sqlType));
    }

    @Override
    public void setBoolean(int parameterIndex, boolean x) throws SQLException {
        record(parameterIndex, (ps, i) -> ps.setBoolean(i, x));
    }

    @Override
    public void setByte(int parameterIndex, byte x) throws SQLException {
        record(parameterIndex, (ps, i) -> ps.setByte(i, x));
    }

    @Override
    public void setShort(int parameterIndex, short x) throws SQLException {
        record(parameterIndex, (ps, i) -> ps.setShort(i, x));
    }

    @Override
    public void setInt(int parameterIndex, int x) throws SQLException {
        record(parameterIndex, (ps, i) -> ps.setInt(i, x));
    }

    @Override
    public void setLong(int parameterIndex, long x) throws SQLException {
        record(parameterIndex, (ps, i) -> ps.setLong(i, x));
    }

    @Override
    public void setFloat(int parameterIndex, float x) throws SQLException {
        record(parameterIndex, (ps, i) -> ps.setFloat(i, x));
    }

    @Override
    public void setDouble(int parameterIndex, double x) throws SQLException {
        record(parameterIndex, (ps, i) -> ps.setDouble(i, x));
    }

    @Override
    public void setBigDecimal(int parameterIndex, BigDecimal x) throws SQLException {
        record(parameterIndex, (ps, i) -> ps.setBigDecimal(i, x));
    }

    @Override
    public void setString(int parameterIndex, String x) throws SQLException {
        record(parameterIndex, (ps, i) -> ps.setString(i, x));
    }

    @Override
    public void setBytes(int parameterIndex, byte[] x) throws SQLException {
        record(parameterIndex, (ps, i) -> ps.setBytes(i, x));
    }

    @Override
    public void setDate(int parameterIndex, java.sql.Date x) throws SQLException {
        record(parameterIndex, (ps, i) -> ps.setDate(i, x));
    }

    @Override
    public void setTime(int parameterIndex, java.sql.Time x) throws SQLException {
        record(parameterIndex, (ps, i) -> ps.setTime(i, x));
    }

    @Override
    public void setTimestamp(int parameterIndex, java.sql.Timestamp x) throws SQLException {
        record(parameterIndex, (ps, i) -> ps.setTimestamp(i, x));
    }

    @Override
    public void setAsciiStream(int parameterIndex, java.io.InputStream x, int length) throws SQLException {
        record(parameterIndex, (ps, i) -> ps.setAsciiStream(i, x, length));
    }

    @Deprecated
    @SuppressWarnings("deprecation")
    @Override
    public void setUnicodeStream(int parameterIndex, java.io.InputStream x, int length) throws SQLException {
        record(parameterIndex, (ps, i) -> ps.setUnicodeStream(i, x, length));
    }

    @Override
    public void setBinaryStream(int parameterIndex, java.io.InputStream x, int length) throws SQLException {
        record(parameterIndex, (ps, i) -> ps.setBinaryStream(i, x, length));
    }

    @Override
    public void setObject(int parameterIndex, Object x, int targetSqlType) throws SQLException {
        record(parameterIndex, (ps, i) -> ps.setObject(i, x, targetSqlType));
    }

    @Override
    public void setObject(int parameterIndex, Object x) throws SQLException {
        record(parameterIndex, (ps, i) -> ps.setObject(i, x));
    }

    @Override
    public void setCharacterStream(int parameterIndex, java.io.Reader reader, int length) throws SQLException {
        record(parameterIndex, (ps, i) -> ps.setCharacterStream(i, reader, length));
    }

    @Override
    public void setRef(int parameterIndex, Ref x) throws SQLException {
        record(parameterIndex, (ps, i) -> ps.setRef(i, x));
    }

    @Override
    public void setBlob(int parameterIndex, Blob x) throws SQLException {
        record(parameterIndex, (ps, i) -> ps.setBlob(i, x));
    }

    @Override
    public void setClob(int parameterIndex, Clob x) throws SQLException {
        record(parameterIndex, (ps, i) -> ps.setClob(i, x));
    }

    @Override
    public void setArray(int parameterIndex, Array x) throws SQLException {
        record(parameterIndex, (ps, i) -> ps.setArray(i, x));
    }

    @Override
    public void setDate(int parameterIndex, java.sql.Date x, Calendar cal) throws SQLException {
        record(parameterIndex, (ps, i) -> ps.setDate(i, x, cal));
    }

    @Override
    public void setTime(int parameterIndex, java.sql.Time x, Calendar cal) throws SQLException {
        record(parameterIndex, (ps, i) -> ps.setTime(i, x, cal));
    }

    @Override
    public void setTimestamp(int parameterIndex, java.sql.Timestamp x, Calendar cal) throws SQLException {
        record(parameterIndex, (ps, i) -> ps.setTimestamp(i, x, cal));
    }

    @Override
    public void setNull(int parameterIndex, int sqlType, String typeName) throws SQLException {
        record(parameterIndex, (ps, i) -> ps.setNull(i, sqlType, typeName));
    }

    @Override
    public void setURL(int parameterIndex, java.net.URL x) throws SQLException {
        record(parameterIndex, (ps, i) -> ps.setURL(i, x));
    }

    @Override
    public void setRowId(int parameterIndex, RowId x) throws SQLException {
        record(parameterIndex, (ps, i) -> ps.setRowId(i, x));
    }

    @Override
    public void setNString(int parameterIndex, String value) throws SQLException {
        record(parameterIndex, (ps, i) -> ps.setNString(i, value));
    }

    @Override
    public void setNCharacterStream(int parameterIndex, java.io.Reader value, long length) throws SQLException {
        record(parameterIndex, (ps, i) -> ps.setNCharacterStream(i, value, length));
    }

    @Override
    public void setNClob(int parameterIndex, NClob value) throws SQLException {
        record(parameterIndex, (ps, i) -> ps.setNClob(i, value));
    }

    @Override
    public void setClob(int parameterIndex, java.io.Reader reader, long length) throws SQLException {
        record(parameterIndex, (ps, i) -> ps.setClob(i, reader, length));
    }

    @Override
    public void setBlob(int parameterIndex, java.io.InputStream inputStream, long length) throws SQLException {
        record(parameterIndex, (ps, i) -> ps.setBlob(i, inputStream, length));
    }

    @Override
    public void setNClob(int parameterIndex, java.io.Reader reader, long length) throws SQLException {
        record(parameterIndex, (ps, i) -> ps.setNClob(i, reader, length));
    }

    @Override
    public void setSQLXML(int parameterIndex, SQLXML xmlObject) throws SQLException {
        record(parameterIndex, (ps, i) -> ps.setSQLXML(i, xmlObject));
    }

    @Override
    public void setObject(int parameterIndex, Object x, int targetSqlType, int scaleOrLength) throws SQLException {
        record(parameterIndex, (ps, i) -> ps.setObject(i, x, targetSqlType, scaleOrLength));
    }

    @Override
    public void setAsciiStream(int parameterIndex, java.io.InputStream x, long length) throws SQLException {
        record(parameterIndex, (ps, i) -> ps.setAsciiStream(i, x, length));
    }

    @Override
    public void setBinaryStream(int parameterIndex, java.io.InputStream x, long length) throws SQLException {
        record(parameterIndex, (ps, i) -> ps.setBinaryStream(i, x, length));
    }

    @Override
    public void setCharacterStream(int parameterIndex, java.io.Reader reader, long length) throws SQLException {
        record(parameterIndex, (ps, i) -> ps.setCharacterStream(i, reader, length));
    }

    @Override
    public void setAsciiStream(int parameterIndex, java.io.InputStream x) throws SQLException {
        record(parameterIndex, (ps, i) -> ps.setAsciiStream(i, x));
    }

    @Override
    public void setBinaryStream(int parameterIndex, java.io.InputStream x) throws SQLException {
        record(parameterIndex, (ps, i) -> ps.setBinaryStream(i, x));
    }

    @Override
    public void setCharacterStream(int parameterIndex, java.io.Reader reader) throws SQLException {
        record(parameterIndex, (ps, i) -> ps.setCharacterStream(i, reader));
    }

    @Override
    public void setNCharacterStream(int parameterIndex, java.io.Reader value) throws SQLException {
        record(parameterIndex, (ps, i) -> ps.setNCharacterStream(i, value));
    }

    @Override
    public void setClob(int parameterIndex, java.io.Reader reader) throws SQLException {
        record(parameterIndex, (ps, i) -> ps.setClob(i, reader));
    }

    @Override
    public void setBlob(int parameterIndex, java.io.InputStream inputStream) throws SQLException {
        record(parameterIndex, (ps, i) -> ps.setBlob(i, inputStream));
    }

    @Override
    public void setNClob(int parameterIndex, java.io.Reader reader) throws SQLException {
        record(parameterIndex, (ps, i) -> ps.setNClob(i, reader));
    }

    @Override
    public void setObject(int parameterIndex, Object x, SQLType targetSqlType, int scaleOrLength) throws SQLException {
        record(parameterIndex, (ps, i) -> ps.setObject(i, x, targetSqlType, scaleOrLength));
    }

    @Override
    public void setObject(int parameterIndex, Object x, SQLType targetSqlType) throws SQLException {
        record(parameterIndex, (ps, i) -> ps.setObject(i, x, targetSqlType));
    }
}

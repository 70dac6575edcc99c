package dev.strata.internal.context;

import java.sql.Array;
import java.sql.Blob;
import java.sql.Clob;
import java.sql.Date;
import java.sql.NClob;
import java.sql.Ref;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.RowId;
import java.sql.SQLException;
import java.sql.SQLType;
import java.sql.SQLWarning;
import java.sql.SQLXML;
import java.sql.Statement;
import java.sql.Time;
import java.sql.Timestamp;

/**
 * A result set of a tenant connection, inside the {@link JdbcMembrane}: the same rules as the
 * membrane's proxies, written out because result sets are on every transaction's path (a dynamic
 * proxy costs a reflective call per row and per column read).
 * <ul>
 *   <li>{@code getStatement()} answers the tenant statement that made it (null for metadata);</li>
 *   <li>every JDBC object it returns ({@code getArray}, {@code getObject}, {@code getMetaData},
 *       ...) is wrapped by the membrane in turn;</li>
 *   <li>{@code unwrap} refuses every driver type, {@code isWrapperFor} admits none;</li>
 *   <li>nothing but {@code close()} and {@code isClosed()} works once the tenant transaction's
 *       callback has ended;</li>
 *   <li>reads that may query the catalogs (every getter but {@code getString}, {@code getInt} and
 *       {@code getLong}) first put the context in force, so they never open a transaction without
 *       it.</li>
 * </ul>
 * Not thread-safe, like the connection it belongs to.
 */
final class MembraneResultSet implements ResultSet {
    private final ContextConnection owner;
    private final ResultSet target;
    private final Statement statement;

    MembraneResultSet(ContextConnection owner, ResultSet target, Statement statement) {
        this.owner = owner;
        this.target = target;
        this.statement = statement;
    }

    private void enter() throws SQLException {
        owner.checkOpen();
    }

    private void enterWithContext() throws SQLException {
        owner.checkOpen();
        owner.ensureContext();
    }

    private Object wrapped(Object value) {
        if (value == null || value instanceof String || value instanceof Number || value instanceof Boolean) {
            return value;
        }
        return JdbcMembrane.any(owner, value, statement);
    }

    @Override
    public <T> T unwrap(Class<T> iface) throws SQLException {
        if (iface.isInstance(this)) {
            return iface.cast(this);
        }
        throw ContextConnection.refusedUnwrap(iface);
    }

    @Override
    public boolean isWrapperFor(Class<?> iface) {
        return iface.isInstance(this);
    }

    @Override
    public String toString() {
        return target.toString();
    }

    @Override
    public void close() throws SQLException {
        target.close();
    }

    @Override
    public boolean isClosed() throws SQLException {
        return target.isClosed();
    }

    @Override
    public Statement getStatement() throws SQLException {
        enter();
        return statement;
    }

    @Override
    public boolean absolute(int row) throws SQLException {
        enter();
        return target.absolute(row);
    }

    @Override
    public void afterLast() throws SQLException {
        enter();
        target.afterLast();
    }

    @Override
    public void beforeFirst() throws SQLException {
        enter();
        target.beforeFirst();
    }

    @Override
    public void cancelRowUpdates() throws SQLException {
        enter();
        target.cancelRowUpdates();
    }

    @Override
    public void clearWarnings() throws SQLException {
        enter();
        target.clearWarnings();
    }

    @Override
    public void deleteRow() throws SQLException {
        enter();
        target.deleteRow();
    }

    @Override
    public int findColumn(String label) throws SQLException {
        enter();
        return target.findColumn(label);
    }

    @Override
    public boolean first() throws SQLException {
        enter();
        return target.first();
    }

    @Override
    public Array getArray(String label) throws SQLException {
        enterWithContext();
        return (Array) wrapped(target.getArray(label));
    }

    @Override
    public Array getArray(int column) throws SQLException {
        enterWithContext();
        return (Array) wrapped(target.getArray(column));
    }

    @Override
    public java.io.InputStream getAsciiStream(String label) throws SQLException {
        enterWithContext();
        return (java.io.InputStream) wrapped(target.getAsciiStream(label));
    }

    @Override
    public java.io.InputStream getAsciiStream(int column) throws SQLException {
        enterWithContext();
        return (java.io.InputStream) wrapped(target.getAsciiStream(column));
    }

    @Deprecated
    @SuppressWarnings("deprecation")
    @Override
    public java.math.BigDecimal getBigDecimal(String label, int scale) throws SQLException {
        enterWithContext();
        return target.getBigDecimal(label, scale);
    }

    @Override
    public java.math.BigDecimal getBigDecimal(String label) throws SQLException {
        enterWithContext();
        return target.getBigDecimal(label);
    }

    @Deprecated
    @SuppressWarnings("deprecation")
    @Override
    public java.math.BigDecimal getBigDecimal(int column, int scale) throws SQLException {
        enterWithContext();
        return target.getBigDecimal(column, scale);
    }

    @Override
    public java.math.BigDecimal getBigDecimal(int column) throws SQLException {
        enterWithContext();
        return target.getBigDecimal(column);
    }

    @Override
    public java.io.InputStream getBinaryStream(String label) throws SQLException {
        enterWithContext();
        return (java.io.InputStream) wrapped(target.getBinaryStream(label));
    }

    @Override
    public java.io.InputStream getBinaryStream(int column) throws SQLException {
        enterWithContext();
        return (java.io.InputStream) wrapped(target.getBinaryStream(column));
    }

    @Override
    public Blob getBlob(String label) throws SQLException {
        enterWithContext();
        return (Blob) wrapped(target.getBlob(label));
    }

    @Override
    public Blob getBlob(int column) throws SQLException {
        enterWithContext();
        return (Blob) wrapped(target.getBlob(column));
    }

    @Override
    public boolean getBoolean(String label) throws SQLException {
        enterWithContext();
        return target.getBoolean(label);
    }

    @Override
    public boolean getBoolean(int column) throws SQLException {
        enterWithContext();
        return target.getBoolean(column);
    }

    @Override
    public byte getByte(String label) throws SQLException {
        enterWithContext();
        return target.getByte(label);
    }

    @Override
    public byte getByte(int column) throws SQLException {
        enterWithContext();
        return target.getByte(column);
    }

    @Override
    public byte[] getBytes(String label) throws SQLException {
        enterWithContext();
        return (byte[]) wrapped(target.getBytes(label));
    }

    @Override
    public byte[] getBytes(int column) throws SQLException {
        enterWithContext();
        return (byte[]) wrapped(target.getBytes(column));
    }

    @Override
    public java.io.Reader getCharacterStream(String label) throws SQLException {
        enterWithContext();
        return (java.io.Reader) wrapped(target.getCharacterStream(label));
    }

    @Override
    public java.io.Reader getCharacterStream(int column) throws SQLException {
        enterWithContext();
        return (java.io.Reader) wrapped(target.getCharacterStream(column));
    }

    @Override
    public Clob getClob(String label) throws SQLException {
        enterWithContext();
        return (Clob) wrapped(target.getClob(label));
    }

    @Override
    public Clob getClob(int column) throws SQLException {
        enterWithContext();
        return (Clob) wrapped(target.getClob(column));
    }

    @Override
    public int getConcurrency() throws SQLException {
        enterWithContext();
        return target.getConcurrency();
    }

    @Override
    public String getCursorName() throws SQLException {
        enterWithContext();
        return target.getCursorName();
    }

    @Override
    public Date getDate(String label, java.util.Calendar calendar) throws SQLException {
        enterWithContext();
        return (Date) wrapped(target.getDate(label, calendar));
    }

    @Override
    public Date getDate(String label) throws SQLException {
        enterWithContext();
        return (Date) wrapped(target.getDate(label));
    }

    @Override
    public Date getDate(int column, java.util.Calendar calendar) throws SQLException {
        enterWithContext();
        return (Date) wrapped(target.getDate(column, calendar));
    }

    @Override
    public Date getDate(int column) throws SQLException {
        enterWithContext();
        return (Date) wrapped(target.getDate(column));
    }

    @Override
    public double getDouble(String label) throws SQLException {
        enterWithContext();
        return target.getDouble(label);
    }

    @Override
    public double getDouble(int column) throws SQLException {
        enterWithContext();
        return target.getDouble(column);
    }

    @Override
    public int getFetchDirection() throws SQLException {
        enterWithContext();
        return target.getFetchDirection();
    }

    @Override
    public int getFetchSize() throws SQLException {
        enterWithContext();
        return target.getFetchSize();
    }

    @Override
    public float getFloat(String label) throws SQLException {
        enterWithContext();
        return target.getFloat(label);
    }

    @Override
    public float getFloat(int column) throws SQLException {
        enterWithContext();
        return target.getFloat(column);
    }

    @Override
    public int getHoldability() throws SQLException {
        enterWithContext();
        return target.getHoldability();
    }

    @Override
    public int getInt(String label) throws SQLException {
        enter();
        return target.getInt(label);
    }

    @Override
    public int getInt(int column) throws SQLException {
        enter();
        return target.getInt(column);
    }

    @Override
    public long getLong(String label) throws SQLException {
        enter();
        return target.getLong(label);
    }

    @Override
    public long getLong(int column) throws SQLException {
        enter();
        return target.getLong(column);
    }

    @Override
    public ResultSetMetaData getMetaData() throws SQLException {
        enterWithContext();
        return (ResultSetMetaData) wrapped(target.getMetaData());
    }

    @Override
    public java.io.Reader getNCharacterStream(String label) throws SQLException {
        enterWithContext();
        return (java.io.Reader) wrapped(target.getNCharacterStream(label));
    }

    @Override
    public java.io.Reader getNCharacterStream(int column) throws SQLException {
        enterWithContext();
        return (java.io.Reader) wrapped(target.getNCharacterStream(column));
    }

    @Override
    public NClob getNClob(String label) throws SQLException {
        enterWithContext();
        return (NClob) wrapped(target.getNClob(label));
    }

    @Override
    public NClob getNClob(int column) throws SQLException {
        enterWithContext();
        return (NClob) wrapped(target.getNClob(column));
    }

    @Override
    public String getNString(String label) throws SQLException {
        enterWithContext();
        return target.getNString(label);
    }

    @Override
    public String getNString(int column) throws SQLException {
        enterWithContext();
        return target.getNString(column);
    }

    @Override
    public <T> T getObject(String label, Class<T> type) throws SQLException {
        enterWithContext();
        @SuppressWarnings("unchecked")
        T result = (T) wrapped(target.getObject(label, type));
        return result;
    }

    @Override
    public Object getObject(String label, java.util.Map<String, Class<?>> map) throws SQLException {
        enterWithContext();
        return wrapped(target.getObject(label, map));
    }

    @Override
    public Object getObject(String label) throws SQLException {
        enterWithContext();
        return wrapped(target.getObject(label));
    }

    @Override
    public <T> T getObject(int column, Class<T> type) throws SQLException {
        enterWithContext();
        @SuppressWarnings("unchecked")
        T result = (T) wrapped(target.getObject(column, type));
        return result;
    }

    @Override
    public Object getObject(int column, java.util.Map<String, Class<?>> map) throws SQLException {
        enterWithContext();
        return wrapped(target.getObject(column, map));
    }

    @Override
    public Object getObject(int column) throws SQLException {
        enterWithContext();
        return wrapped(target.getObject(column));
    }

    @Override
    public Ref getRef(String label) throws SQLException {
        enterWithContext();
        return (Ref) wrapped(target.getRef(label));
    }

    @Override
    public Ref getRef(int column) throws SQLException {
        enterWithContext();
        return (Ref) wrapped(target.getRef(column));
    }

    @Override
    public RowId getRowId(String label) throws SQLException {
        enterWithContext();
        return (RowId) wrapped(target.getRowId(label));
    }

    @Override
    public RowId getRowId(int column) throws SQLException {
        enterWithContext();
        return (RowId) wrapped(target.getRowId(column));
    }

    @Override
    public int getRow() throws SQLException {
        enterWithContext();
        return target.getRow();
    }

    @Override
    public SQLXML getSQLXML(String label) throws SQLException {
        enterWithContext();
        return (SQLXML) wrapped(target.getSQLXML(label));
    }

    @Override
    public SQLXML getSQLXML(int column) throws SQLException {
        enterWithContext();
        return (SQLXML) wrapped(target.getSQLXML(column));
    }

    @Override
    public short getShort(String label) throws SQLException {
        enterWithContext();
        return target.getShort(label);
    }

    @Override
    public short getShort(int column) throws SQLException {
        enterWithContext();
        return target.getShort(column);
    }

    @Override
    public String getString(String label) throws SQLException {
        enter();
        return target.getString(label);
    }

    @Override
    public String getString(int column) throws SQLException {
        enter();
        return target.getString(column);
    }

    @Override
    public Time getTime(String label, java.util.Calendar calendar) throws SQLException {
        enterWithContext();
        return (Time) wrapped(target.getTime(label, calendar));
    }

    @Override
    public Time getTime(String label) throws SQLException {
        enterWithContext();
        return (Time) wrapped(target.getTime(label));
    }

    @Override
    public Time getTime(int column, java.util.Calendar calendar) throws SQLException {
        enterWithContext();
        return (Time) wrapped(target.getTime(column, calendar));
    }

    @Override
    public Time getTime(int column) throws SQLException {
        enterWithContext();
        return (Time) wrapped(target.getTime(column));
    }

    @Override
    public Timestamp getTimestamp(String label, java.util.Calendar calendar) throws SQLException {
        enterWithContext();
        return (Timestamp) wrapped(target.getTimestamp(label, calendar));
    }

    @Override
    public Timestamp getTimestamp(String label) throws SQLException {
        enterWithContext();
        return (Timestamp) wrapped(target.getTimestamp(label));
    }

    @Override
    public Timestamp getTimestamp(int column, java.util.Calendar calendar) throws SQLException {
        enterWithContext();
        return (Timestamp) wrapped(target.getTimestamp(column, calendar));
    }

    @Override
    public Timestamp getTimestamp(int column) throws SQLException {
        enterWithContext();
        return (Timestamp) wrapped(target.getTimestamp(column));
    }

    @Override
    public int getType() throws SQLException {
        enterWithContext();
        return target.getType();
    }

    @Override
    public java.net.URL getURL(String label) throws SQLException {
        enterWithContext();
        return (java.net.URL) wrapped(target.getURL(label));
    }

    @Override
    public java.net.URL getURL(int column) throws SQLException {
        enterWithContext();
        return (java.net.URL) wrapped(target.getURL(column));
    }

    @Deprecated
    @SuppressWarnings("deprecation")
    @Override
    public java.io.InputStream getUnicodeStream(String label) throws SQLException {
        enterWithContext();
        return (java.io.InputStream) wrapped(target.getUnicodeStream(label));
    }

    @Deprecated
    @SuppressWarnings("deprecation")
    @Override
    public java.io.InputStream getUnicodeStream(int column) throws SQLException {
        enterWithContext();
        return (java.io.InputStream) wrapped(target.getUnicodeStream(column));
    }

    @Override
    public SQLWarning getWarnings() throws SQLException {
        enterWithContext();
        return (SQLWarning) wrapped(target.getWarnings());
    }

    @Override
    public void insertRow() throws SQLException {
        enter();
        target.insertRow();
    }

    @Override
    public boolean isAfterLast() throws SQLException {
        enter();
        return target.isAfterLast();
    }

    @Override
    public boolean isBeforeFirst() throws SQLException {
        enter();
        return target.isBeforeFirst();
    }

    @Override
    public boolean isFirst() throws SQLException {
        enter();
        return target.isFirst();
    }

    @Override
    public boolean isLast() throws SQLException {
        enter();
        return target.isLast();
    }

    @Override
    public boolean last() throws SQLException {
        enter();
        return target.last();
    }

    @Override
    public void moveToCurrentRow() throws SQLException {
        enter();
        target.moveToCurrentRow();
    }

    @Override
    public void moveToInsertRow() throws SQLException {
        enter();
        target.moveToInsertRow();
    }

    @Override
    public boolean next() throws SQLException {
        enter();
        return target.next();
    }

    @Override
    public boolean previous() throws SQLException {
        enter();
        return target.previous();
    }

    @Override
    public void refreshRow() throws SQLException {
        enter();
        target.refreshRow();
    }

    @Override
    public boolean relative(int row) throws SQLException {
        enter();
        return target.relative(row);
    }

    @Override
    public boolean rowDeleted() throws SQLException {
        enter();
        return target.rowDeleted();
    }

    @Override
    public boolean rowInserted() throws SQLException {
        enter();
        return target.rowInserted();
    }

    @Override
    public boolean rowUpdated() throws SQLException {
        enter();
        return target.rowUpdated();
    }

    @Override
    public void setFetchDirection(int direction) throws SQLException {
        enter();
        target.setFetchDirection(direction);
    }

    @Override
    public void setFetchSize(int rows) throws SQLException {
        enter();
        target.setFetchSize(rows);
    }

    @Override
    public void updateArray(String label, Array x) throws SQLException {
        enter();
        target.updateArray(label, x);
    }

    @Override
    public void updateArray(int column, Array x) throws SQLException {
        enter();
        target.updateArray(column, x);
    }

    @Override
    public void updateAsciiStream(String label, java.io.InputStream x, int length) throws SQLException {
        enter();
        target.updateAsciiStream(label, x, length);
    }

    @Override
    public void updateAsciiStream(String label, java.io.InputStream x, long length) throws SQLException {
        enter();
        target.updateAsciiStream(label, x, length);
    }

    @Override
    public void updateAsciiStream(String label, java.io.InputStream x) throws SQLException {
        enter();
        target.updateAsciiStream(label, x);
    }

    @Override
    public void updateAsciiStream(int column, java.io.InputStream x, int length) throws SQLException {
        enter();
        target.updateAsciiStream(column, x, length);
    }

    @Override
    public void updateAsciiStream(int column, java.io.InputStream x, long length) throws SQLException {
        enter();
        target.updateAsciiStream(column, x, length);
    }

    @Override
    public void updateAsciiStream(int column, java.io.InputStream x) throws SQLException {
        enter();
        target.updateAsciiStream(column, x);
    }

    @Override
    public void updateBigDecimal(String label, java.math.BigDecimal x) throws SQLException {
        enter();
        target.updateBigDecimal(label, x);
    }

    @Override
    public void updateBigDecimal(int column, java.math.BigDecimal x) throws SQLException {
        enter();
        target.updateBigDecimal(column, x);
    }

    @Override
    public void updateBinaryStream(String label, java.io.InputStream x, int length) throws SQLException {
        enter();
        target.updateBinaryStream(label, x, length);
    }

    @Override
    public void updateBinaryStream(String label, java.io.InputStream x, long length) throws SQLException {
        enter();
        target.updateBinaryStream(label, x, length);
    }

    @Override
    public void updateBinaryStream(String label, java.io.InputStream x) throws SQLException {
        enter();
        target.updateBinaryStream(label, x);
    }

    @Override
    public void updateBinaryStream(int column, java.io.InputStream x, int length) throws SQLException {
        enter();
        target.updateBinaryStream(column, x, length);
    }

    @Override
    public void updateBinaryStream(int column, java.io.InputStream x, long length) throws SQLException {
        enter();
        target.updateBinaryStream(column, x, length);
    }

    @Override
    public void updateBinaryStream(int column, java.io.InputStream x) throws SQLException {
        enter();
        target.updateBinaryStream(column, x);
    }

    @Override
    public void updateBlob(String label, java.io.InputStream x, long length) throws SQLException {
        enter();
        target.updateBlob(label, x, length);
    }

    @Override
    public void updateBlob(String label, java.io.InputStream x) throws SQLException {
        enter();
        target.updateBlob(label, x);
    }

    @Override
    public void updateBlob(String label, Blob x) throws SQLException {
        enter();
        target.updateBlob(label, x);
    }

    @Override
    public void updateBlob(int column, java.io.InputStream x, long length) throws SQLException {
        enter();
        target.updateBlob(column, x, length);
    }

    @Override
    public void updateBlob(int column, java.io.InputStream x) throws SQLException {
        enter();
        target.updateBlob(column, x);
    }

    @Override
    public void updateBlob(int column, Blob x) throws SQLException {
        enter();
        target.updateBlob(column, x);
    }

    @Override
    public void updateBoolean(String label, boolean x) throws SQLException {
        enter();
        target.updateBoolean(label, x);
    }

    @Override
    public void updateBoolean(int column, boolean x) throws SQLException {
        enter();
        target.updateBoolean(column, x);
    }

    @Override
    public void updateByte(String label, byte x) throws SQLException {
        enter();
        target.updateByte(label, x);
    }

    @Override
    public void updateByte(int column, byte x) throws SQLException {
        enter();
        target.updateByte(column, x);
    }

    @Override
    public void updateBytes(String label, byte[] x) throws SQLException {
        enter();
        target.updateBytes(label, x);
    }

    @Override
    public void updateBytes(int column, byte[] x) throws SQLException {
        enter();
        target.updateBytes(column, x);
    }

    @Override
    public void updateCharacterStream(String label, java.io.Reader x, int length) throws SQLException {
        enter();
        target.updateCharacterStream(label, x, length);
    }

    @Override
    public void updateCharacterStream(String label, java.io.Reader x, long length) throws SQLException {
        enter();
        target.updateCharacterStream(label, x, length);
    }

    @Override
    public void updateCharacterStream(String label, java.io.Reader x) throws SQLException {
        enter();
        target.updateCharacterStream(label, x);
    }

    @Override
    public void updateCharacterStream(int column, java.io.Reader x, int length) throws SQLException {
        enter();
        target.updateCharacterStream(column, x, length);
    }

    @Override
    public void updateCharacterStream(int column, java.io.Reader x, long length) throws SQLException {
        enter();
        target.updateCharacterStream(column, x, length);
    }

    @Override
    public void updateCharacterStream(int column, java.io.Reader x) throws SQLException {
        enter();
        target.updateCharacterStream(column, x);
    }

    @Override
    public void updateClob(String label, java.io.Reader x, long length) throws SQLException {
        enter();
        target.updateClob(label, x, length);
    }

    @Override
    public void updateClob(String label, java.io.Reader x) throws SQLException {
        enter();
        target.updateClob(label, x);
    }

    @Override
    public void updateClob(String label, Clob x) throws SQLException {
        enter();
        target.updateClob(label, x);
    }

    @Override
    public void updateClob(int column, java.io.Reader x, long length) throws SQLException {
        enter();
        target.updateClob(column, x, length);
    }

    @Override
    public void updateClob(int column, java.io.Reader x) throws SQLException {
        enter();
        target.updateClob(column, x);
    }

    @Override
    public void updateClob(int column, Clob x) throws SQLException {
        enter();
        target.updateClob(column, x);
    }

    @Override
    public void updateDate(String label, Date x) throws SQLException {
        enter();
        target.updateDate(label, x);
    }

    @Override
    public void updateDate(int column, Date x) throws SQLException {
        enter();
        target.updateDate(column, x);
    }

    @Override
    public void updateDouble(String label, double x) throws SQLException {
        enter();
        target.updateDouble(label, x);
    }

    @Override
    public void updateDouble(int column, double x) throws SQLException {
        enter();
        target.updateDouble(column, x);
    }

    @Override
    public void updateFloat(String label, float x) throws SQLException {
        enter();
        target.updateFloat(label, x);
    }

    @Override
    public void updateFloat(int column, float x) throws SQLException {
        enter();
        target.updateFloat(column, x);
    }

    @Override
    public void updateInt(String label, int x) throws SQLException {
        enter();
        target.updateInt(label, x);
    }

    @Override
    public void updateInt(int column, int x) throws SQLException {
        enter();
        target.updateInt(column, x);
    }

    @Override
    public void updateLong(String label, long x) throws SQLException {
        enter();
        target.updateLong(label, x);
    }

    @Override
    public void updateLong(int column, long x) throws SQLException {
        enter();
        target.updateLong(column, x);
    }

    @Override
    public void updateNCharacterStream(String label, java.io.Reader x, long length) throws SQLException {
        enter();
        target.updateNCharacterStream(label, x, length);
    }

    @Override
    public void updateNCharacterStream(String label, java.io.Reader x) throws SQLException {
        enter();
        target.updateNCharacterStream(label, x);
    }

    @Override
    public void updateNCharacterStream(int column, java.io.Reader x, long length) throws SQLException {
        enter();
        target.updateNCharacterStream(column, x, length);
    }

    @Override
    public void updateNCharacterStream(int column, java.io.Reader x) throws SQLException {
        enter();
        target.updateNCharacterStream(column, x);
    }

    @Override
    public void updateNClob(String label, java.io.Reader x, long length) throws SQLException {
        enter();
        target.updateNClob(label, x, length);
    }

    @Override
    public void updateNClob(String label, java.io.Reader x) throws SQLException {
        enter();
        target.updateNClob(label, x);
    }

    @Override
    public void updateNClob(String label, NClob x) throws SQLException {
        enter();
        target.updateNClob(label, x);
    }

    @Override
    public void updateNClob(int column, java.io.Reader x, long length) throws SQLException {
        enter();
        target.updateNClob(column, x, length);
    }

    @Override
    public void updateNClob(int column, java.io.Reader x) throws SQLException {
        enter();
        target.updateNClob(column, x);
    }

    @Override
    public void updateNClob(int column, NClob x) throws SQLException {
        enter();
        target.updateNClob(column, x);
    }

    @Override
    public void updateNString(String label, String x) throws SQLException {
        enter();
        target.updateNString(label, x);
    }

    @Override
    public void updateNString(int column, String x) throws SQLException {
        enter();
        target.updateNString(column, x);
    }

    @Override
    public void updateNull(String label) throws SQLException {
        enter();
        target.updateNull(label);
    }

    @Override
    public void updateNull(int column) throws SQLException {
        enter();
        target.updateNull(column);
    }

    @Override
    public void updateObject(String label, Object x, int scaleOrLength) throws SQLException {
        enter();
        target.updateObject(label, x, scaleOrLength);
    }

    @Override
    public void updateObject(String label, Object x, SQLType targetSqlType, int scaleOrLength) throws SQLException {
        enter();
        target.updateObject(label, x, targetSqlType, scaleOrLength);
    }

    @Override
    public void updateObject(String label, Object x, SQLType targetSqlType) throws SQLException {
        enter();
        target.updateObject(label, x, targetSqlType);
    }

    @Override
    public void updateObject(String label, Object x) throws SQLException {
        enter();
        target.updateObject(label, x);
    }

    @Override
    public void updateObject(int column, Object x, int scaleOrLength) throws SQLException {
        enter();
        target.updateObject(column, x, scaleOrLength);
    }

    @Override
    public void updateObject(int column, Object x, SQLType targetSqlType, int scaleOrLength) throws SQLException {
        enter();
        target.updateObject(column, x, targetSqlType, scaleOrLength);
    }

    @Override
    public void updateObject(int column, Object x, SQLType targetSqlType) throws SQLException {
        enter();
        target.updateObject(column, x, targetSqlType);
    }

    @Override
    public void updateObject(int column, Object x) throws SQLException {
        enter();
        target.updateObject(column, x);
    }

    @Override
    public void updateRef(String label, Ref x) throws SQLException {
        enter();
        target.updateRef(label, x);
    }

    @Override
    public void updateRef(int column, Ref x) throws SQLException {
        enter();
        target.updateRef(column, x);
    }

    @Override
    public void updateRowId(String label, RowId x) throws SQLException {
        enter();
        target.updateRowId(label, x);
    }

    @Override
    public void updateRowId(int column, RowId x) throws SQLException {
        enter();
        target.updateRowId(column, x);
    }

    @Override
    public void updateRow() throws SQLException {
        enter();
        target.updateRow();
    }

    @Override
    public void updateSQLXML(String label, SQLXML x) throws SQLException {
        enter();
        target.updateSQLXML(label, x);
    }

    @Override
    public void updateSQLXML(int column, SQLXML x) throws SQLException {
        enter();
        target.updateSQLXML(column, x);
    }

    @Override
    public void updateShort(String label, short x) throws SQLException {
        enter();
        target.updateShort(label, x);
    }

    @Override
    public void updateShort(int column, short x) throws SQLException {
        enter();
        target.updateShort(column, x);
    }

    @Override
    public void updateString(String label, String x) throws SQLException {
        enter();
        target.updateString(label, x);
    }

    @Override
    public void updateString(int column, String x) throws SQLException {
        enter();
        target.updateString(column, x);
    }

    @Override
    public void updateTime(String label, Time x) throws SQLException {
        enter();
        target.updateTime(label, x);
    }

    @Override
    public void updateTime(int column, Time x) throws SQLException {
        enter();
        target.updateTime(column, x);
    }

    @Override
    public void updateTimestamp(String label, Timestamp x) throws SQLException {
        enter();
        target.updateTimestamp(label, x);
    }

    @Override
    public void updateTimestamp(int column, Timestamp x) throws SQLException {
        enter();
        target.updateTimestamp(column, x);
    }

    @Override
    public boolean wasNull() throws SQLException {
        enter();
        return target.wasNull();
    }
}

package dev.strata.internal.move;

import dev.strata.ErrorCode;
import dev.strata.StrataException;
import dev.strata.internal.sql.ForeignKeyOrder;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyIn;
import org.postgresql.copy.CopyOut;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;

/**
 * The initial copy of a scope: {@code COPY (SELECT ...) TO STDOUT} on the source streamed into
 * {@code COPY ... FROM STDIN} on the target, table by table, without buffering more than one chunk.
 * Binary when both servers run the same major version, text otherwise. Generated columns are left
 * to the target to compute. Stateless; thread-safe.
 */
final class TenantCopier {
    /** Rows are forwarded in chunks of about this many bytes (one CopyData message each). */
    private static final int CHUNK = 256 * 1024;

    private TenantCopier() {
    }

    /**
     * Deletes the scope's rows at the target, then copies the source's (as of the source
     * connection's snapshot) in the target's open transaction; returns the rows copied.
     */
    static long copy(Connection source, Connection target, CopyEndpoint from, CopyEndpoint to, CopyScope scope)
            throws SQLException {
        boolean binary = CaptureConnections.majorVersion(source) == CaptureConnections.majorVersion(target);
        String format = binary ? " (FORMAT binary)" : "";
        String tenants = TableShape.tenantArrayLiteral(scope.tenantIds());
        long rows = 0;
        deleteScope(target, to, scope);
        // referenced tables first: a target that applies with foreign keys in force takes the rows in this order
        for (String table : ForeignKeyOrder.referencedFirst(target, to.schema(), scope.tables())) {
            TableShape sourceShape = TableShape.read(source, from.schema(), table);
            TableShape targetShape = TableShape.read(target, to.schema(), table);
            String columns = TableShape.columnList(targetShape.copiedColumns(sourceShape));
            String out = "COPY (SELECT " + columns + " FROM " + sourceShape.qualified() + " WHERE tenant_id = ANY ("
                    + tenants + ")) TO STDOUT" + format;
            String in = "COPY " + targetShape.qualified() + " (" + columns + ") FROM STDIN" + format;
            rows += stream(source, target, out, in);
        }
        return rows;
    }

    /** Deletes the scope's rows from every table of the endpoint, in the connection's transaction. */
    static long deleteScope(Connection c, CopyEndpoint endpoint, CopyScope scope) throws SQLException {
        long deleted = 0;
        String tenants = CaptureArtefacts.tenantArray(scope.tenantIds());
        for (String table : ForeignKeyOrder.referencingFirst(c, endpoint.schema(), scope.tables())) {
            TableShape shape = TableShape.read(c, endpoint.schema(), table);
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM " + shape.qualified() + " WHERE tenant_id = ANY (?::uuid[])")) {
                ps.setString(1, tenants);
                deleted += ps.executeUpdate();
            }
        }
        return deleted;
    }

    private static long stream(Connection source, Connection target, String outSql, String inSql) throws SQLException {
        CopyOut out = source.unwrap(PGConnection.class).getCopyAPI().copyOut(outSql);
        CopyIn in;
        try {
            in = target.unwrap(PGConnection.class).getCopyAPI().copyIn(inSql);
        } catch (SQLException e) {
            out.cancelCopy();
            throw e;
        }
        byte[] chunk = new byte[CHUNK];
        int filled = 0;
        try {
            byte[] data;
            while ((data = out.readFromCopy()) != null) {
                if (data.length > chunk.length - filled) {
                    if (filled > 0) {
                        in.writeToCopy(chunk, 0, filled);
                        filled = 0;
                    }
                    if (data.length > chunk.length) {
                        in.writeToCopy(data, 0, data.length);
                        continue;
                    }
                }
                System.arraycopy(data, 0, chunk, filled, data.length);
                filled += data.length;
            }
            if (filled > 0) {
                in.writeToCopy(chunk, 0, filled);
            }
            long written = in.endCopy();
            long read = out.getHandledRowCount();
            if (written != read) {
                throw new StrataException(ErrorCode.INTERNAL, "The copy read " + read + " rows and wrote " + written);
            }
            return written;
        } catch (SQLException | RuntimeException e) {
            if (in.isActive()) {
                try {
                    in.cancelCopy();
                } catch (SQLException suppressed) {
                    e.addSuppressed(suppressed);
                }
            }
            if (out.isActive()) {
                try {
                    out.cancelCopy();
                } catch (SQLException suppressed) {
                    e.addSuppressed(suppressed);
                }
            }
            throw e;
        }
    }
}

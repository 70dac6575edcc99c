package dev.strata.internal.move;

import dev.strata.ErrorCode;
import dev.strata.StrataException;
import dev.strata.internal.move.PgOutputMessage.Begin;
import dev.strata.internal.move.PgOutputMessage.Commit;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads captured transactions from a capture's slot without consuming them
 * ({@code pg_logical_slot_peek_binary_changes}, pgoutput protocol 1, the capture's publication).
 * The slot is advanced separately, once the target has committed what was read. Stateless.
 */
final class ChangeStream {
    private ChangeStream() {
    }

    /** One source transaction: its messages between Begin and Commit, and where it ends in the WAL. */
    record CapturedTransaction(List<PgOutputMessage> messages, long endLsn) {
    }

    /**
     * What one peek returned. {@code limited}: the peek stopped at its row limit, so more may be
     * waiting; otherwise it decoded everything flushed when it started.
     */
    record Batch(List<CapturedTransaction> transactions, boolean limited) {
        long endLsn() {
            return transactions.isEmpty() ? 0 : transactions.get(transactions.size() - 1).endLsn();
        }
    }

    static Batch peek(Connection source, CaptureName name, int maxRows) throws SQLException {
        List<CapturedTransaction> transactions = new ArrayList<>();
        List<PgOutputMessage> current = null;
        int rows = 0;
        try (PreparedStatement ps = source.prepareStatement("""
                SELECT data FROM pg_logical_slot_peek_binary_changes(?, NULL, ?,
                       'proto_version', '1', 'publication_names', ?)""")) {
            ps.setString(1, name.slot());
            ps.setInt(2, maxRows);
            ps.setString(3, name.publication());
            ps.setFetchSize(0);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    rows++;
                    PgOutputMessage message = PgOutputDecoder.decode(rs.getBytes(1));
                    if (message instanceof Begin) {
                        current = new ArrayList<>();
                    } else if (message instanceof Commit commit) {
                        if (current == null) {
                            throw new StrataException(ErrorCode.INTERNAL, "A captured commit without its begin");
                        }
                        transactions.add(new CapturedTransaction(List.copyOf(current), commit.endLsn()));
                        current = null;
                    } else if (current != null) {
                        current.add(message);
                    }
                }
            }
        }
        return new Batch(transactions, rows >= maxRows);
    }
}

package dev.strata.move;

import dev.strata.OperationInfo;
import dev.strata.Strata;
import dev.strata.testing.SecondPostgres;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** What the drain tests share: waiting for a drain to end, and what it left on the second server. */
final class DrainWorld {
    private DrainWorld() {
    }

    /** Waits (a liveness bound, not a timing) until the operation has ended, and returns it. */
    static OperationInfo awaitEnd(Strata strata, UUID operation) throws InterruptedException {
        long until = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
        OperationInfo info = strata.operations().show(operation);
        while (info.state() == dev.strata.OperationState.RUNNING && System.nanoTime() < until) {
            Thread.sleep(100);
            info = strata.operations().show(operation);
        }
        assertThat(info.state()).as("operation %s ended", operation).isNotEqualTo(dev.strata.OperationState.RUNNING);
        return info;
    }

    /** Waits until no process works on the operation any more (its thread died), leaving it running. */
    static void awaitAbandoned(Strata strata, UUID operation) throws InterruptedException {
        long until = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
        while (strata.internals().operations().find(operation).live() && System.nanoTime() < until) {
            Thread.sleep(100);
        }
        assertThat(strata.internals().operations().find(operation).live()).as("operation %s abandoned", operation).isFalse();
    }

    /** Replication slots a move left on the second server. */
    static List<String> slotsOnSecond() throws SQLException {
        List<String> out = new ArrayList<>();
        try (Connection c = SecondPostgres.admin("postgres");
             PreparedStatement ps = c.prepareStatement("SELECT slot_name FROM pg_replication_slots WHERE slot_name LIKE 'strata_mv_%'");
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.add(rs.getString(1));
            }
        }
        return out;
    }

    /** The customers of a tenant as it sees them through Strata. */
    static long customers(Strata strata, UUID tenant) throws SQLException {
        return strata.inTenant(tenant, scope -> {
            try (PreparedStatement ps = scope.connection().prepareStatement("SELECT count(*) FROM customers WHERE tenant_id = ?")) {
                ps.setObject(1, tenant);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    return rs.getLong(1);
                }
            }
        });
    }

    /** How many rows of the given other tenants a tenant can see in customers (isolation: 0). */
    static long visibleRowsOf(Strata strata, UUID tenant, List<UUID> others) throws SQLException {
        return strata.inTenant(tenant, scope -> {
            try (PreparedStatement ps = scope.connection().prepareStatement("SELECT count(*) FROM customers WHERE tenant_id = ANY (?)")) {
                ps.setArray(1, scope.connection().createArrayOf("uuid", others.toArray()));
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    return rs.getLong(1);
                }
            }
        });
    }
}

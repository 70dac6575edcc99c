package dev.strata.internal.provisioning;

import dev.strata.internal.operation.RunningOperation;

import java.sql.SQLException;
import java.util.UUID;

/**
 * Planes that are not one PostgreSQL server (Neon: each T1 database is a project or branch of its
 * own, reached at its own endpoint). Provisioning and decommissioning ask it for what differs from
 * a server plane: making and removing a T1's own database, and how each database is administered.
 * Thread-safe.
 */
public interface ExternalPlanes {
    /** None: every plane is a server. */
    ExternalPlanes NONE = new ExternalPlanes() {
        @Override
        public boolean handles(String planeKey) {
            return false;
        }

        @Override
        public void build(PlacementPlan plan, RunningOperation operation) {
            throw new IllegalStateException();
        }

        @Override
        public TenantDatabases databases(String planeKey, String database) {
            throw new IllegalStateException();
        }

        @Override
        public void remove(UUID tenantId, String planeKey, String database) {
            throw new IllegalStateException();
        }
    };

    /** Whether the plane is one of these. */
    boolean handles(String planeKey);

    /** Creates a T1's own database there as journalled, idempotent steps, complete and ready like a copy of the template. */
    void build(PlacementPlan plan, RunningOperation operation);

    /** The physical side of provisioning on one of its databases. */
    TenantDatabases databases(String planeKey, String database);

    /** Removes a T1's own database (its project or branch); nothing if it is already gone. */
    void remove(UUID tenantId, String planeKey, String database) throws SQLException;
}

package dev.strata.internal.provisioning;

import java.sql.SQLException;

/**
 * Data a tenant is created with (an import): loaded and verified by
 * {@link Provisioner#create(dev.strata.NewTenant, String, InitialData)} as the journalled step
 * {@code load_data}, after the tenant's storage is built and before the tenant becomes active.
 * If {@link #load} throws, the tenant is rolled back completely; if the process dies while it
 * runs, the next start rolls the tenant back (the data source is gone by then).
 */
public interface InitialData {

    /**
     * Loads the data into the freshly provisioned placement and verifies it. Nothing else can use
     * the tenant yet (it is still provisioning). Throwing (anything) rolls the tenant back.
     */
    void load(PlacementPlan placement) throws SQLException;

    /** The {@code imported} event's detail (a JSON object), recorded when the tenant becomes active. */
    String eventDetailJson();
}

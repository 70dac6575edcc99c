package dev.strata.isolation;

import dev.strata.Strata;
import dev.strata.Tenant;
import dev.strata.testing.AppSchemas;
import dev.strata.testing.Documents;
import dev.strata.testing.Shop;

import java.sql.SQLException;
import java.util.Map;

/**
 * An application schema the isolation suite runs on, and how a tenant writes its rows there
 * through Strata. The suite itself discovers the relations from the catalog.
 */
interface AppData {
    /** Short name, part of the topology's key. */
    String name();

    /** The migration locations of the schema. */
    String migrations();

    /** Writes the tenant's rows as the tenant. */
    void seed(Strata strata, Tenant tenant) throws SQLException;

    /** How many rows {@link #seed} writes per tenant, by tenant table. */
    Map<String, Integer> rowsPerTenant();

    AppData DOCUMENTS = new AppData() {
        @Override
        public String name() {
            return "documents";
        }

        @Override
        public String migrations() {
            return AppSchemas.DOCUMENTS;
        }

        @Override
        public void seed(Strata strata, Tenant tenant) throws SQLException {
            for (int i = 0; i < Topology.DOCS_PER_TENANT; i++) {
                Documents.insert(strata, tenant.id(), tenant.slug() + " doc " + i);
            }
        }

        @Override
        public Map<String, Integer> rowsPerTenant() {
            return Map.of("documents", Topology.DOCS_PER_TENANT);
        }
    };

    AppData SHOP = new AppData() {
        @Override
        public String name() {
            return "shop";
        }

        @Override
        public String migrations() {
            return AppSchemas.SHOP;
        }

        @Override
        public void seed(Strata strata, Tenant tenant) throws SQLException {
            Shop.seed(strata, tenant.id(), tenant.slug());
        }

        @Override
        public Map<String, Integer> rowsPerTenant() {
            return Shop.ROWS_PER_TENANT;
        }
    };
}

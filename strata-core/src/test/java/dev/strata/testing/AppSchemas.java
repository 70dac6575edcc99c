package dev.strata.testing;

/** The application migration sets of the tests (Flyway locations for {@code StrataConfig.tenantMigrations}). */
public final class AppSchemas {
    /** One table, {@code documents}: the demo's and most tests' schema. */
    public static final String DOCUMENTS = "classpath:db/test-app";
    /**
     * The shop: customers, orders, order_lines (identity), events (partitioned), composite foreign
     * keys with tenant_id, jsonb, two security_invoker views and the reference-data table currencies.
     * See {@link Shop}.
     */
    public static final String SHOP = "classpath:db/shop";

    private AppSchemas() {
    }
}

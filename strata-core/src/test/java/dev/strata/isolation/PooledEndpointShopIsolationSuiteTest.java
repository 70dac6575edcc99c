package dev.strata.isolation;

import dev.strata.Strata;
import dev.strata.testing.PgBouncer;
import dev.strata.testing.StrataFixture;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The isolation suite ({@link IsolationSuite}) on the shop schema (partitions, views, reference
 * data, identity columns), unchanged, behind PgBouncer in transaction mode with a server pool of one.
 */
class PooledEndpointShopIsolationSuiteTest extends IsolationSuite {
    @RegisterExtension
    static final StrataFixture FIXTURE = StrataFixture.with(AppData.SHOP.migrations())
            .configured(b -> b.pooledServer(PgBouncer.endpoint()));

    @Override
    Strata strata() {
        return FIXTURE.strata();
    }

    @Override
    AppData data() {
        return AppData.SHOP;
    }
}

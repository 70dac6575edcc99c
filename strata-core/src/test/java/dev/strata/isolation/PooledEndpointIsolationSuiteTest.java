package dev.strata.isolation;

import dev.strata.Strata;
import dev.strata.testing.PgBouncer;
import dev.strata.testing.StrataFixture;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The isolation suite ({@link IsolationSuite}), unchanged, with every tenant transaction going
 * through PgBouncer in transaction mode with a server pool of one connection per database and
 * role: every layout of modes, every tier.
 */
class PooledEndpointIsolationSuiteTest extends IsolationSuite {
    @RegisterExtension
    static final StrataFixture FIXTURE = StrataFixture.with(AppData.DOCUMENTS.migrations())
            .configured(b -> b.pooledServer(PgBouncer.endpoint()));

    @Override
    Strata strata() {
        return FIXTURE.strata();
    }

    @Override
    AppData data() {
        return AppData.DOCUMENTS;
    }
}

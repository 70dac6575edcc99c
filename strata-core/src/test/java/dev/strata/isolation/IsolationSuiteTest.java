package dev.strata.isolation;

import dev.strata.Strata;
import dev.strata.testing.StrataFixture;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The isolation suite ({@link IsolationSuite}) on the one-table documents schema of the demo and
 * most tests.
 */
class IsolationSuiteTest extends IsolationSuite {
    @RegisterExtension
    static final StrataFixture FIXTURE = StrataFixture.with(AppData.DOCUMENTS.migrations());

    @Override
    Strata strata() {
        return FIXTURE.strata();
    }

    @Override
    AppData data() {
        return AppData.DOCUMENTS;
    }
}

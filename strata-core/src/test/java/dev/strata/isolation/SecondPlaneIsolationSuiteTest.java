package dev.strata.isolation;

import dev.strata.Strata;
import dev.strata.testing.StrataFixture;
import dev.strata.testing.TwoPlanes;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The isolation suite ({@link IsolationSuite}) across two data planes: T1 alpha and its T2s on the
 * second server (plane {@link TwoPlanes#SECOND}), T1 beta and its T2s on the default one. Every
 * guarantee holds on the second plane as on the first, and between tenants of different planes.
 */
class SecondPlaneIsolationSuiteTest extends IsolationSuite {
    @RegisterExtension
    static final StrataFixture FIXTURE = StrataFixture.with(AppData.DOCUMENTS.migrations()).withSetUp(TwoPlanes::addSecond);

    @Override
    Strata strata() {
        return FIXTURE.strata();
    }

    @Override
    AppData data() {
        return AppData.DOCUMENTS;
    }

    @Override
    String alphaPlane() {
        return TwoPlanes.SECOND;
    }
}

package dev.strata.testing;

import dev.strata.DataPlaneInfo;
import dev.strata.NewPlane;
import dev.strata.Strata;

/**
 * The second data plane of the tests: {@link SecondPostgres} registered as plane {@value #SECOND}.
 *
 * <pre>{@code
 * @RegisterExtension
 * static final TestStrataExtension FIXTURE = TestStrataExtension.twoPlanes();   // "default" and "second"
 * ...
 * Tenant far = strata.tenants().create(NewTenant.t1("far").withPlane(TwoPlanes.SECOND));
 * }</pre>
 */
public final class TwoPlanes {
    /** The key of the second plane. */
    public static final String SECOND = "second";
    /** The region of the second plane as {@link #addSecond(Strata, String)} is not told otherwise. */
    public static final String SECOND_REGION = "eu-2";

    private TwoPlanes() {
    }

    /** Adds {@link SecondPostgres} to a Strata as plane {@value #SECOND} in region {@value #SECOND_REGION}. */
    public static DataPlaneInfo addSecond(Strata strata) {
        return addSecond(strata, SECOND_REGION);
    }

    /** Adds {@link SecondPostgres} to a Strata as plane {@value #SECOND} in {@code region} (may be {@code null}). */
    public static DataPlaneInfo addSecond(Strata strata, String region) {
        return strata.planes().add(new NewPlane(SECOND, SecondPostgres.server(), region, null));
    }
}

package dev.strata.move;

import dev.strata.Strata;

/** Physical names of a test's namespace. */
final class TestNames {
    private TestNames() {
    }

    static String sharedRls(Strata strata) {
        return strata.config().namespace() + "_shared_rls";
    }
}

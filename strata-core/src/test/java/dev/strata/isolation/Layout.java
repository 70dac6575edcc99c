package dev.strata.isolation;

import dev.strata.IsolationMode;

import java.util.ArrayList;
import java.util.List;

/**
 * A topology the isolation suite runs on: two T1s (alpha, beta), each with T2s, every tenant in a
 * given isolation mode. The nine pure combinations of T1 mode × T2 mode, and mixed layouts where
 * the T2s of one T1 live in different modes side by side (a T1 of each mode has T2s in rls, schema
 * and database mode under it).
 *
 * @param name  short name, used as the slug prefix
 * @param alpha mode of T1 alpha
 * @param alphaChildren modes of alpha's T2s
 * @param beta  mode of T1 beta
 * @param betaChildren modes of beta's T2s
 */
record Layout(String name, IsolationMode alpha, List<IsolationMode> alphaChildren, IsolationMode beta,
              List<IsolationMode> betaChildren) {

    static List<Layout> all() {
        List<Layout> out = new ArrayList<>();
        for (IsolationMode t1 : IsolationMode.values()) {
            for (IsolationMode t2 : IsolationMode.values()) {
                out.add(new Layout(abbrev(t1) + abbrev(t2), t1, List.of(t2, t2), t1, List.of(t2, t2)));
            }
        }
        out.add(new Layout("mixa", IsolationMode.DATABASE,
                List.of(IsolationMode.RLS, IsolationMode.SCHEMA, IsolationMode.DATABASE),
                IsolationMode.SCHEMA, List.of(IsolationMode.RLS, IsolationMode.DATABASE)));
        out.add(new Layout("mixb", IsolationMode.RLS,
                List.of(IsolationMode.SCHEMA, IsolationMode.RLS, IsolationMode.DATABASE),
                IsolationMode.DATABASE, List.of(IsolationMode.SCHEMA, IsolationMode.RLS)));
        out.add(new Layout("mixc", IsolationMode.SCHEMA,
                List.of(IsolationMode.DATABASE, IsolationMode.SCHEMA, IsolationMode.RLS),
                IsolationMode.RLS, List.of(IsolationMode.DATABASE, IsolationMode.RLS, IsolationMode.SCHEMA)));
        return out;
    }

    private static String abbrev(IsolationMode mode) {
        return switch (mode) {
            case RLS -> "r";
            case SCHEMA -> "s";
            case DATABASE -> "d";
        };
    }

    @Override
    public String toString() {
        return name + " (alpha " + alpha.wireName() + " " + alphaChildren.stream().map(IsolationMode::wireName).toList()
                + ", beta " + beta.wireName() + " " + betaChildren.stream().map(IsolationMode::wireName).toList() + ")";
    }
}

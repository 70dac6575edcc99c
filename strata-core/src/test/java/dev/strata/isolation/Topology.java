package dev.strata.isolation;

import dev.strata.IsolationMode;
import dev.strata.NewTenant;
import dev.strata.Strata;
import dev.strata.Tenant;
import dev.strata.Tier;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The tenants of one {@link Layout}, created once per Strata (namespace), each having written its
 * rows of the application schema ({@link AppData}; documents unless said otherwise).
 */
final class Topology {
    private static final Map<String, Topology> BUILT = new ConcurrentHashMap<>();
    static final int DOCS_PER_TENANT = 3;

    final Layout layout;
    final Tenant alpha;
    final Tenant beta;
    final List<Tenant> alphaChildren;
    final List<Tenant> betaChildren;

    private Topology(Layout layout, Tenant alpha, Tenant beta, List<Tenant> alphaChildren, List<Tenant> betaChildren) {
        this.layout = layout;
        this.alpha = alpha;
        this.beta = beta;
        this.alphaChildren = alphaChildren;
        this.betaChildren = betaChildren;
    }

    static Topology of(Strata strata, Layout layout) {
        return of(strata, layout, AppData.DOCUMENTS);
    }

    static Topology of(Strata strata, Layout layout, AppData data) {
        return of(strata, layout, data, null);
    }

    /** The topology with T1 alpha (and so its T2s) on the data plane {@code alphaPlane} ({@code null}: the default). */
    static Topology of(Strata strata, Layout layout, AppData data, String alphaPlane) {
        return BUILT.computeIfAbsent(strata.config().namespace() + "/" + data.name() + "/" + layout.name(),
                k -> build(strata, layout, data, alphaPlane));
    }

    private static Topology build(Strata strata, Layout layout, AppData data, String alphaPlane) {
        try {
            Tenant alpha = strata.tenants().create(NewTenant.t1(layout.name() + "-alpha").withMode(layout.alpha())
                    .withPlane(alphaPlane));
            Tenant beta = strata.tenants().create(NewTenant.t1(layout.name() + "-beta").withMode(layout.beta()));
            List<Tenant> a = children(strata, alpha, layout.name() + "-a", layout.alphaChildren());
            List<Tenant> b = children(strata, beta, layout.name() + "-b", layout.betaChildren());
            Topology t = new Topology(layout, alpha, beta, a, b);
            for (Tenant tenant : t.all()) {
                data.seed(strata, tenant);
            }
            return t;
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private static List<Tenant> children(Strata strata, Tenant parent, String prefix, List<IsolationMode> modes) {
        List<Tenant> out = new ArrayList<>();
        for (int i = 0; i < modes.size(); i++) {
            out.add(strata.tenants().create(NewTenant.t2(prefix + (i + 1), parent.slug()).withMode(modes.get(i))));
        }
        return out;
    }

    List<Tenant> all() {
        List<Tenant> out = new ArrayList<>();
        out.add(alpha);
        out.addAll(alphaChildren);
        out.add(beta);
        out.addAll(betaChildren);
        return out;
    }

    List<Tenant> t2s() {
        List<Tenant> out = new ArrayList<>(alphaChildren);
        out.addAll(betaChildren);
        return out;
    }

    List<Tenant> childrenOf(Tenant t1) {
        return t1.id().equals(alpha.id()) ? alphaChildren : t1.id().equals(beta.id()) ? betaChildren : List.of();
    }

    /** Whether the hierarchy lets {@code reader} read {@code owner}'s rows: itself, or a T1 reading its T2. */
    static boolean mayRead(Tenant reader, Tenant owner) {
        return reader.id().equals(owner.id()) || (reader.tier() == Tier.T1 && reader.id().equals(owner.parentId()));
    }

    static boolean sameDatabase(Tenant a, Tenant b) {
        return a.placement().database().equals(b.placement().database())
                && a.placement().dataPlane().equals(b.placement().dataPlane());
    }

    static UUID id(Tenant t) {
        return t.id();
    }
}

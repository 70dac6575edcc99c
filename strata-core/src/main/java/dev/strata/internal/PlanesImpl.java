package dev.strata.internal;

import dev.strata.DataPlaneInfo;
import dev.strata.NewPlane;
import dev.strata.Planes;
import dev.strata.internal.plane.PlaneRegistry;

import java.util.List;
import java.util.Objects;

/** {@link Planes} over the engine's {@link PlaneRegistry}, acting as {@code actor}. */
public final class PlanesImpl implements Planes {
    private final PlaneRegistry registry;
    private final String actor;

    public PlanesImpl(StrataEngine engine, String actor) {
        this(engine.planeRegistry(), actor);
    }

    private PlanesImpl(PlaneRegistry registry, String actor) {
        this.registry = registry;
        this.actor = Objects.requireNonNull(actor, "actor");
    }

    @Override
    public Planes actingAs(String newActor) {
        return new PlanesImpl(registry, newActor);
    }

    @Override
    public DataPlaneInfo add(NewPlane plane) {
        return registry.add(Objects.requireNonNull(plane, "plane"), false);
    }

    @Override
    public List<DataPlaneInfo> list() {
        return registry.list();
    }

    @Override
    public DataPlaneInfo get(String key) {
        return registry.info(key);
    }

    @Override
    public DataPlaneInfo drain(String key, int concurrency) {
        return registry.drain(key, concurrency, actor);
    }

    @Override
    public DataPlaneInfo activate(String key) {
        return registry.activate(key);
    }
}

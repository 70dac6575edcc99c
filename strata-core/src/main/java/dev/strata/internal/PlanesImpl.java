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
        this.registry = engine.planeRegistry();
        this.actor = actor;
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
    public DataPlaneInfo drain(String key) {
        return registry.drain(key, actor);
    }
}

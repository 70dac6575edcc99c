package dev.strata.internal;

import dev.strata.ErrorCode;
import dev.strata.NewTenant;
import dev.strata.StrataException;
import dev.strata.Tenant;
import dev.strata.TenantEvent;
import dev.strata.TenantLimits;
import dev.strata.Tenants;
import dev.strata.internal.sql.Jdbc;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;

/** {@link Tenants} over the engine's registry and provisioner, recording an actor. */
public final class TenantsImpl implements Tenants {
    private final StrataEngine engine;
    private final String actor;

    public TenantsImpl(StrataEngine engine, String actor) {
        this.engine = engine;
        this.actor = actor;
    }

    @Override
    public Tenant create(NewTenant request) {
        return engine.provisioner().create(Objects.requireNonNull(request, "request"), actor);
    }

    @Override
    public Tenant get(String key) {
        return engine.registry().resolve(key);
    }

    @Override
    public Tenant get(UUID id) {
        return engine.registry().findById(Objects.requireNonNull(id, "id"))
                .orElseThrow(() -> new StrataException(ErrorCode.TENANT_NOT_FOUND, "No tenant with id '" + id + "'"));
    }

    @Override
    public List<Tenant> list() {
        return engine.registry().list();
    }

    @Override
    public Tenant operator() {
        return Jdbc.withConnection(engine.management(), "read the T0 operator", c -> engine.registry().t0(c))
                .orElseThrow(() -> new StrataException(ErrorCode.INTERNAL, "No T0 operator registered"));
    }

    @Override
    public Tenant suspend(String key) {
        return engine.provisioner().suspend(key, actor);
    }

    @Override
    public Tenant resume(String key) {
        return engine.provisioner().resume(key, actor);
    }

    @Override
    public Tenant decommission(String key, boolean cascade) {
        return engine.provisioner().decommission(key, cascade, actor);
    }

    @Override
    public List<TenantEvent> history(String key) {
        return engine.provisioner().history(key);
    }

    @Override
    public TenantLimits limits(String key) {
        return engine.limitStore().effective(key);
    }

    @Override
    public Optional<TenantLimits> ownLimits(String key) {
        return engine.limitStore().own(key);
    }

    @Override
    public TenantLimits setLimits(String key, TenantLimits limits) {
        return engine.limitStore().set(key, limits, actor);
    }

    @Override
    public TenantLimits clearLimits(String key) {
        return engine.limitStore().clear(key, actor);
    }

    @Override
    public dev.strata.OperationInfo move(String key, dev.strata.MoveRequest request) {
        return engine.moves().move(key, Objects.requireNonNull(request, "request"), actor);
    }

    @Override
    public dev.strata.RestoreResult restore(String key, dev.strata.RestoreRequest request) {
        return new dev.strata.internal.restore.TenantRestores(engine).restore(key, Objects.requireNonNull(request, "request"), actor);
    }

    @Override
    public Tenants actingAs(String newActor) {
        if (newActor == null || newActor.isBlank() || newActor.length() > 200) {
            throw new StrataException(ErrorCode.INVALID_ARGUMENT, "An actor name of 1-200 characters is required");
        }
        return new TenantsImpl(engine, newActor);
    }

    @Override
    public dev.strata.migration.TenantSchemaStatus schemaStatus(String key) {
        return engine.migrations().tenantSchema(engine.registry().resolve(key));
    }
}

package dev.strata.internal.provisioning;

import dev.strata.NewTenant;
import dev.strata.OperationKind;
import dev.strata.StrataConfig;
import dev.strata.Tenant;
import dev.strata.TenantEvent;
import dev.strata.internal.operation.OperationRunner;
import dev.strata.internal.migration.AppSchemaMigrations;
import dev.strata.internal.registry.Registry;
import dev.strata.internal.plane.PlaneRegistry;
import dev.strata.internal.sql.PhysicalNames;

import java.util.List;
import java.util.Map;

/**
 * The tenant life cycle, wired together: creation ({@link TenantCreation}), suspend and resume
 * ({@link StatusChanges}), decommissioning ({@link Decommissioner}) and history, all journalled on
 * the {@link OperationRunner}, whose handlers ({@link ProvisionHandler}, {@link DecommissionHandler})
 * resume or compensate what a crash interrupted.
 *
 * <p>Every lifecycle operation takes its T1 subtree's lock while it re-reads and re-validates the
 * registry state it depends on and records its status transition; the slow physical work runs
 * after that, under the operation's lease, with the status keeping conflicting operations out (a
 * provisioning child blocks its parent's decommission, a decommissioning parent takes no children,
 * a decommissioning tenant cannot be resumed). Thread-safe.
 */
public final class Provisioner {
    private final Map<String, TenantDatabases> planes;
    private final PlacementGuards guards;
    private final TenantCreation creation;
    private final StatusChanges statusChanges;
    private final Decommissioner decommissioner;
    private final TenantHistory history;

    /** @param dataPlanes the registry of data planes: planes added at run time are provisioned on too */
    public Provisioner(StrataConfig config, PhysicalNames names, Registry registry, PlaneRegistry dataPlanes,
                       OperationRunner runner, AppSchemaMigrations migrations,
                       ProvisioningListener listener, ExternalPlanes external) {
        this.planes = dataPlanes.derived(plane -> new TenantDatabases(plane, names, migrations));
        Map<String, TenantRemoval> removals = dataPlanes.derived(TenantRemoval::new);
        this.guards = new PlacementGuards(registry.dataSource(), planes, external);
        ProvisioningSteps steps = new ProvisioningSteps(registry, planes, removals, guards, listener, external);
        this.creation = new TenantCreation(config, registry, runner, new PlacementPlanner(config, names), steps);
        this.statusChanges = new StatusChanges(registry, listener);
        this.decommissioner = new Decommissioner(config, registry, runner, removals, guards, planes, listener, external);
        this.history = new TenantHistory(registry);
        runner.register(new ProvisionHandler(OperationKind.PROVISION, registry, steps));
        runner.register(new ProvisionHandler(OperationKind.IMPORT, registry, steps));
        runner.register(new DecommissionHandler(registry, decommissioner, listener));
    }

    /** Makes sure the one T0 exists. */
    public Tenant ensureOperator() {
        return creation.ensureOperator();
    }

    /** See {@link dev.strata.Tenants#create}. */
    public Tenant create(NewTenant request, String actor) {
        return creation.create(request, actor, null);
    }

    /**
     * Creates a tenant and loads {@code initialData} into it before it becomes active (an import,
     * journalled as {@link OperationKind#IMPORT}); a failure rolls the tenant back.
     */
    public Tenant create(NewTenant request, String actor, InitialData initialData) {
        return creation.create(request, actor, initialData);
    }

    public Tenant suspend(String key, String actor) {
        return statusChanges.suspend(key, actor);
    }

    public Tenant resume(String key, String actor) {
        return statusChanges.resume(key, actor);
    }

    /** A suspend by a restore of Strata's own: {@link #suspend} without the check for an open restore. */
    public Tenant suspendForRestore(String key, String actor) {
        return statusChanges.suspendForOperation(key, actor);
    }

    /** A resume by a restore of Strata's own: {@link #resume} without the check for an open restore. */
    public Tenant resumeForRestore(String key, String actor) {
        return statusChanges.resumeForOperation(key, actor);
    }

    /** See {@link dev.strata.Tenants#decommission}. */
    public Tenant decommission(String key, boolean cascade, String actor) {
        return decommissioner.decommission(key, cascade, actor);
    }

    public List<TenantEvent> history(String key) {
        return history.of(key);
    }

    /**
     * Brings the placement guard of every database with tenant schemas up to date
     * ({@link TenantSchemaGuard}), Neon T1 databases included (at their own endpoints); run at
     * start-up, after the migrations, so that an existing installation, and tables a migration
     * added, get it too. Changes only what differs.
     */
    public void guardTenantSchemas() {
        guards.guardAll();
    }

    public TenantDatabases planeOf(String key) {
        TenantDatabases dbs = planes.get(key);
        if (dbs == null) {
            throw new dev.strata.StrataException(dev.strata.ErrorCode.PLANE_NOT_FOUND,
                    "No data plane '" + key + "' is registered");
        }
        return dbs;
    }
}

package dev.strata.internal.provisioning;

import dev.strata.ErrorCode;
import dev.strata.IsolationMode;
import dev.strata.NewTenant;
import dev.strata.OperationKind;
import dev.strata.OperationState;
import dev.strata.StrataConfig;
import dev.strata.StrataException;
import dev.strata.Tenant;
import dev.strata.TenantStatus;
import dev.strata.Tier;
import dev.strata.internal.operation.JournalDetail;
import dev.strata.internal.operation.OperationRunner;
import dev.strata.internal.operation.ProvisionStep;
import dev.strata.internal.operation.RunningOperation;
import dev.strata.internal.registry.Registry;
import dev.strata.internal.registry.SubtreeLocks;
import dev.strata.internal.registry.TenantRules;
import dev.strata.internal.sql.Jdbc;
import dev.strata.internal.sql.SqlStates;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * Creates tenants: validates the request, registers the tenant ({@code provisioning}) with its
 * placement and its journalled operation in one transaction under the parent's subtree lock, then
 * runs the provisioning steps under the operation's lease and activates it. A failure rolls the
 * tenant back completely. Also creates the one T0. Thread-safe.
 */
final class TenantCreation {
    private static final Logger LOG = LoggerFactory.getLogger(TenantCreation.class);

    private final StrataConfig config;
    private final Registry registry;
    private final DataSource management;
    private final OperationRunner runner;
    private final PlacementPlanner planner;
    private final ProvisioningSteps steps;

    TenantCreation(StrataConfig config, Registry registry, OperationRunner runner, PlacementPlanner planner,
                   ProvisioningSteps steps) {
        this.config = config;
        this.registry = registry;
        this.management = registry.dataSource();
        this.runner = runner;
        this.planner = planner;
        this.steps = steps;
    }

    /** Makes sure the one T0 exists. */
    Tenant ensureOperator() {
        return Jdbc.inTransaction(management, "create the T0 operator", c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT pg_advisory_xact_lock(hashtext('strata:t0'))")) {
                ps.execute();
            }
            Optional<Tenant> existing = registry.t0(c);
            if (existing.isPresent()) {
                return existing.get();
            }
            UUID id = UUID.randomUUID();
            registry.insertTenant(c, id, "operator", "Platform operator", Tier.T0, null, TenantStatus.ACTIVE, config.region());
            registry.recordEvent(c, id, "created", "strata", null);
            return registry.findById(c, id).orElseThrow();
        });
    }

    /** What the registration transaction decided. */
    private record Registration(PlacementPlan plan, UUID operation) {
    }

    /**
     * Creates a tenant and, when {@code initialData} is given (an import, journalled as
     * {@link OperationKind#IMPORT}), loads it as the step {@link ProvisionStep#LOAD_DATA} before
     * the tenant becomes active; a failure there rolls the tenant back. With initial data the
     * request's id is a preference: a taken id is replaced by a random one. Without, a taken id is refused.
     */
    Tenant create(NewTenant request, String actor, InitialData initialData) {
        if (request.tier() == Tier.T0) {
            throw new StrataException(ErrorCode.INVALID_HIERARCHY,
                    "There is exactly one T0 (the operator) and Strata creates it; create T1 or T2 tenants");
        }
        String slug = TenantRules.requireValidSlug(request.slug());
        String displayName = TenantRules.requireValidDisplayName(request.displayName(), slug);
        String region = TenantRules.requireValidRegion(request.region());
        IsolationMode mode = request.mode() != null ? request.mode()
                : request.tier() == Tier.T1 ? IsolationMode.DATABASE : IsolationMode.RLS;
        OperationKind kind = initialData == null ? OperationKind.PROVISION : OperationKind.IMPORT;

        List<String> warnings = new ArrayList<>();
        Registration registration;
        try {
            registration = Jdbc.inTransaction(management, "register tenant '" + slug + "'", c -> {
                Tenant parent = lockParent(c, request);
                SubtreeLocks.lockSlug(c, slug);
                requireSlugFree(c, slug);
                UUID id = chooseId(c, request.id(), initialData != null);
                PlacementPlanner.PlaneChoice plane = planner.choosePlane(c, request.tier(), mode, request.plane(), region,
                        parent);
                registry.insertTenant(c, id, slug, displayName, request.tier(), parent.id(), TenantStatus.PROVISIONING,
                        region != null ? region : plane.region() != null ? plane.region() : parent.region());
                PlacementPlan p = planner.plan(c, id, slug, request.tier(), mode, parent, plane.key(), warnings);
                registry.insertPlacement(c, id, mode, p.database().dataPlane(), p.database().name(), p.schema());
                String detail = JournalDetail.json("mode", mode.wireName(), "database", p.database().name(),
                        "schema", p.schema());
                return new Registration(p, runner.open(c, kind, id, detail));
            });
        } catch (StrataException e) {
            if ("tenants_live_slug".equals(SqlStates.constraint(e))) {
                throw new StrataException(ErrorCode.DUPLICATE_SLUG,
                        "A live tenant already has the slug '" + slug + "': choose another", e);
            }
            throw e;
        }

        PlacementPlan plan = registration.plan();
        UUID id = plan.tenantId();
        MDC.put("tenant", id.toString());
        try (RunningOperation operation = runner.track(registration.operation(), kind)) {
            operation.plan(ProvisioningSteps.stepCount(plan, initialData != null));
            try {
                steps.build(plan, operation);
                if (initialData != null) {
                    operation.step(ProvisionStep.LOAD_DATA, () -> initialData.load(plan));
                }
                steps.activate(plan, operation, c -> {
                    registry.recordEvent(c, id, "created", actor, JournalDetail.json("tier", request.tier().name(),
                            "mode", mode.wireName(), "database", plan.database().name(), "schema", plan.schema()));
                    if (initialData != null) {
                        registry.recordEvent(c, id, "imported", actor, initialData.eventDetailJson());
                    }
                    for (String warning : warnings) {
                        registry.recordEvent(c, id, "schema_limit_warning", "strata", JournalDetail.json("message", warning));
                    }
                });
                warnings.forEach(LOG::warn);
                LOG.info("Provisioned {} tenant '{}' in {} mode ({}/{})", request.tier(), slug, mode.wireName(),
                        plan.database().name(), plan.schema());
            } catch (RuntimeException e) {
                LOG.error("Provisioning tenant '{}' failed; rolling back: {}", slug, e.getMessage());
                try {
                    steps.rollBack(plan, operation, OperationState.ROLLED_BACK, e.getMessage(), false);
                } catch (RuntimeException rollBack) {
                    e.addSuppressed(rollBack);
                    LOG.error("Could not roll back provisioning of '{}'; it stays in status provisioning and recovery "
                            + "rolls it back once its lease has expired: {}", slug, rollBack.getMessage());
                }
                throw e instanceof StrataException se ? se
                        : new StrataException(ErrorCode.INTERNAL, "Provisioning tenant '" + slug + "' failed: " + e.getMessage(), e);
            }
        } finally {
            MDC.remove("tenant");
        }
        return registry.findById(id).orElseThrow();
    }

    /**
     * The new tenant's parent, re-read and validated under the locks the creation needs: a T2's
     * parent T1's subtree lock (a new T1 needs none: its subtree does not exist yet).
     */
    private Tenant lockParent(Connection c, NewTenant request) throws SQLException {
        if (request.tier() == Tier.T1) {
            Tenant t0 = registry.t0(c).orElseThrow(() -> new StrataException(ErrorCode.INTERNAL, "No T0 operator registered"));
            if (request.parent() != null && !request.parent().isBlank()) {
                requireParentTier(request, resolveExistingParent(c, request.parent()));
            }
            return t0;
        }
        if (request.parent() == null || request.parent().isBlank()) {
            throw new StrataException(ErrorCode.INVALID_HIERARCHY, "A T2 tenant needs a parent: give the id or slug of its T1");
        }
        Tenant resolved = resolveExistingParent(c, request.parent());
        requireParentTier(request, resolved);
        SubtreeLocks.lockSubtree(c, resolved.id());
        Tenant parent = registry.findById(c, resolved.id()).orElseThrow();
        LifecycleRules.requireTakesChildren(parent);
        return parent;
    }

    private static void requireParentTier(NewTenant request, Tenant parent) {
        if (parent.tier() != request.tier().parentTier()) {
            throw new StrataException(ErrorCode.INVALID_HIERARCHY, "A " + request.tier() + " tenant's parent must be a "
                    + request.tier().parentTier() + ", but '" + parent.slug() + "' is a " + parent.tier());
        }
    }

    private Tenant resolveExistingParent(Connection c, String key) throws SQLException {
        try {
            return registry.resolve(c, key);
        } catch (StrataException e) {
            if (e.code() == ErrorCode.TENANT_NOT_FOUND) {
                throw new StrataException(ErrorCode.TENANT_NOT_FOUND, "The parent '" + TenantRules.printable(key.trim())
                        + "' does not exist: name an existing T1 by its id or slug", e);
            }
            throw e;
        }
    }

    /** The new tenant's id: the requested one if it is free (locked so no concurrent creation takes it too). */
    private UUID chooseId(Connection c, UUID requested, boolean preferenceOnly) throws SQLException {
        if (requested == null) {
            return UUID.randomUUID();
        }
        SubtreeLocks.lockNewId(c, requested);
        if (registry.findById(c, requested).isEmpty()) {
            return requested;
        }
        if (preferenceOnly) {
            return UUID.randomUUID();
        }
        throw new StrataException(ErrorCode.INVALID_ARGUMENT, "A tenant with id " + requested + " already exists");
    }

    private void requireSlugFree(Connection c, String slug) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT 1 FROM platform.tenants WHERE slug = ? AND status <> 'decommissioned'")) {
            ps.setString(1, slug);
            try (ResultSet rs = ps.executeQuery()) {
                if (rs.next()) {
                    throw new StrataException(ErrorCode.DUPLICATE_SLUG,
                            "A live tenant already has the slug '" + slug + "': choose another");
                }
            }
        }
    }
}

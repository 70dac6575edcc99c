package dev.strata.internal.provisioning;

import dev.strata.ErrorCode;
import dev.strata.OperationKind;
import dev.strata.OperationState;
import dev.strata.StrataException;
import dev.strata.Tenant;
import dev.strata.TenantStatus;
import dev.strata.internal.operation.JournalEntry;
import dev.strata.internal.operation.OperationHandler;
import dev.strata.internal.operation.ProvisionStep;
import dev.strata.internal.operation.RunningOperation;
import dev.strata.internal.registry.Registry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Optional;

/**
 * Resumes and compensates interrupted provisionings and imports. A provisioning is completed
 * (its steps are idempotent) unless its roll-back had begun; an import is always rolled back,
 * because the archive it was loading from is gone with the process. An operator's abort rolls
 * either back and ends it {@code aborted}. Thread-safe.
 */
final class ProvisionHandler implements OperationHandler {
    private static final Logger LOG = LoggerFactory.getLogger(ProvisionHandler.class);
    /** Detail key with which imports were journalled before they had a kind of their own. */
    private static final String LEGACY_INITIAL_DATA = "initial_data";

    private final OperationKind kind;
    private final Registry registry;
    private final ProvisioningSteps steps;

    ProvisionHandler(OperationKind kind, Registry registry, ProvisioningSteps steps) {
        this.kind = kind;
        this.registry = registry;
        this.steps = steps;
    }

    @Override
    public OperationKind kind() {
        return kind;
    }

    @Override
    public void recover(JournalEntry entry, RunningOperation operation) {
        Optional<Tenant> tenant = provisioning(entry, operation);
        if (tenant.isEmpty()) {
            return;
        }
        if (mustRollBack(entry)) {
            LOG.warn("Rolling back the interrupted {} of tenant '{}'", kind.wireName(), tenant.get().slug());
            steps.rollBack(steps.planOf(tenant.get()), operation, OperationState.ROLLED_BACK,
                    "The " + kind.wireName() + " of tenant '" + tenant.get().slug() + "' was interrupted", true);
        } else {
            complete(tenant.get(), operation, "strata-recovery");
        }
    }

    @Override
    public void requireResumable(JournalEntry entry) {
        if (mustRollBack(entry)) {
            throw new StrataException(ErrorCode.INVALID_STATE, "Operation " + entry.id() + " cannot be resumed: "
                    + (entry.started(ProvisionStep.ROLLBACK) ? "its roll-back had begun"
                    : "an interrupted import cannot be finished, the archive it was loading is gone")
                    + ". Abort it to remove the half-created tenant (then import or create it again)");
        }
    }

    @Override
    public void resume(JournalEntry entry, RunningOperation operation) {
        Optional<Tenant> tenant = provisioning(entry, operation);
        if (tenant.isPresent()) {
            complete(tenant.get(), operation, "strata-operator");
        }
    }

    @Override
    public void requireAbortable(JournalEntry entry) {
        Optional<Tenant> tenant = entry.tenantId() == null ? Optional.empty() : registry.findById(entry.tenantId());
        if (tenant.isPresent() && tenant.get().status() != TenantStatus.PROVISIONING) {
            throw new StrataException(ErrorCode.INVALID_STATE, "Operation " + entry.id() + " cannot be aborted: tenant '"
                    + tenant.get().slug() + "' is already " + tenant.get().status().wireName()
                    + " (decommission it to remove it)");
        }
    }

    @Override
    public void abort(JournalEntry entry, RunningOperation operation) {
        Optional<Tenant> tenant = entry.tenantId() == null ? Optional.empty() : registry.findById(entry.tenantId());
        if (tenant.isEmpty() || tenant.get().status() != TenantStatus.PROVISIONING) {
            operation.finish(OperationState.ABORTED, "Aborted by an operator; the tenant was no longer being provisioned");
            return;
        }
        LOG.warn("Aborting the {} of tenant '{}' at an operator's request", kind.wireName(), tenant.get().slug());
        steps.rollBack(steps.planOf(tenant.get()), operation, OperationState.ABORTED,
                "Aborted by an operator: tenant '" + tenant.get().slug() + "' was removed", true);
    }

    /** An import, a legacy import, or a provisioning whose roll-back had begun: only rolling back is right. */
    private boolean mustRollBack(JournalEntry entry) {
        var legacyImport = entry.detail(LEGACY_INITIAL_DATA);
        return kind == OperationKind.IMPORT || (legacyImport != null && legacyImport.asBoolean(false))
                || entry.started(ProvisionStep.ROLLBACK);
    }

    /** The tenant still provisioning; if it is not (activation committed), the operation is closed as succeeded. */
    private Optional<Tenant> provisioning(JournalEntry entry, RunningOperation operation) {
        Optional<Tenant> tenant = entry.tenantId() == null ? Optional.empty() : registry.findById(entry.tenantId());
        if (tenant.isEmpty()) {
            operation.finish(OperationState.ROLLED_BACK, "The tenant no longer exists");
            return Optional.empty();
        }
        if (tenant.get().status() != TenantStatus.PROVISIONING) {
            operation.finish(OperationState.SUCCEEDED, null);
            return Optional.empty();
        }
        return tenant;
    }

    private void complete(Tenant tenant, RunningOperation operation, String actor) {
        LOG.warn("Completing the interrupted provisioning of tenant '{}'", tenant.slug());
        PlacementPlan plan = steps.planOf(tenant);
        operation.plan(ProvisioningSteps.stepCount(plan, false));
        steps.build(plan, operation);
        steps.activate(plan, operation, c -> registry.recordEvent(c, tenant.id(), "created", actor, null));
    }
}

package dev.strata.internal.provisioning;

import com.fasterxml.jackson.databind.JsonNode;
import dev.strata.ErrorCode;
import dev.strata.OperationKind;
import dev.strata.OperationState;
import dev.strata.StrataException;
import dev.strata.Tenant;
import dev.strata.TenantStatus;
import dev.strata.Tier;
import dev.strata.internal.operation.DecommissionStep;
import dev.strata.internal.operation.JournalDetail;
import dev.strata.internal.operation.JournalEntry;
import dev.strata.internal.operation.OperationHandler;
import dev.strata.internal.operation.RunningOperation;
import dev.strata.internal.registry.Registry;
import dev.strata.internal.registry.SubtreeLocks;
import dev.strata.internal.sql.Jdbc;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Resumes and compensates decommissionings. Resuming (after a crash, or at an operator's request)
 * finishes removing the data: every removal step is idempotent. Aborting is possible only while
 * no data has been removed (no removal step has started): the members return to the status they
 * had before, which the operation's detail recorded (a member it did not record returns
 * suspended, never active: fail closed). Thread-safe.
 */
final class DecommissionHandler implements OperationHandler {
    private static final Logger LOG = LoggerFactory.getLogger(DecommissionHandler.class);

    private final Registry registry;
    private final Decommissioner decommissioner;
    private final ProvisioningListener listener;

    DecommissionHandler(Registry registry, Decommissioner decommissioner, ProvisioningListener listener) {
        this.registry = registry;
        this.decommissioner = decommissioner;
        this.listener = listener;
    }

    @Override
    public OperationKind kind() {
        return OperationKind.DECOMMISSION;
    }

    @Override
    public void recover(JournalEntry entry, RunningOperation operation) {
        Tenant tenant = registry.findById(entry.tenantId()).orElseThrow();
        LOG.warn("Taking over the interrupted decommissioning of tenant '{}'", tenant.slug());
        decommissioner.finish(tenant.id(), operation, "strata-recovery");
    }

    @Override
    public void resume(JournalEntry entry, RunningOperation operation) {
        decommissioner.finish(entry.tenantId(), operation, "strata-operator");
    }

    @Override
    public void requireAbortable(JournalEntry entry) {
        for (DecommissionStep step : DecommissionStep.values()) {
            if (step.removesData() && entry.started(step)) {
                throw new StrataException(ErrorCode.INVALID_STATE, "Operation " + entry.id() + " cannot be aborted: it "
                        + "has begun removing data (step " + step.wireName() + "), which cannot be undone. Resume it to "
                        + "finish the decommissioning");
            }
        }
        Tenant root = registry.findById(entry.tenantId()).orElseThrow();
        requireParentLive(entry, root);
    }

    @Override
    public void abort(JournalEntry entry, RunningOperation operation) {
        List<UUID> restored = Jdbc.inTransaction(registry.dataSource(), "abort decommissioning", c -> {
            Tenant root = registry.findById(c, entry.tenantId()).orElseThrow();
            SubtreeLocks.lockSubtree(c, LifecycleRules.subtreeOf(root));
            root = registry.findById(c, entry.tenantId()).orElseThrow();
            requireParentLive(entry, root);
            List<UUID> changed = new ArrayList<>();
            for (Map.Entry<UUID, TenantStatus> member : previousStatuses(c, entry, root).entrySet()) {
                if (registry.updateStatus(c, member.getKey(), TenantStatus.DECOMMISSIONING, member.getValue())) {
                    registry.recordEvent(c, member.getKey(), "decommission_aborted", "strata-operator",
                            JournalDetail.json("operation", entry.id().toString(), "status", member.getValue().wireName()));
                    changed.add(member.getKey());
                }
            }
            operation.finish(c, OperationState.ABORTED, "Aborted by an operator before any data was removed");
            return changed;
        });
        restored.forEach(listener::tenantChanged);
        LOG.warn("Aborted decommissioning operation {}: {} tenant(s) returned to their previous status", entry.id(),
                restored.size());
    }

    /** A T2 whose T1 is going away stays with it. */
    private void requireParentLive(JournalEntry entry, Tenant root) {
        if (root.tier() != Tier.T2) {
            return;
        }
        Tenant parent = registry.findById(root.parentId()).orElseThrow();
        if (parent.status() == TenantStatus.DECOMMISSIONING || parent.status() == TenantStatus.DECOMMISSIONED) {
            throw new StrataException(ErrorCode.INVALID_STATE, "Operation " + entry.id() + " cannot be aborted: the "
                    + "parent of '" + root.slug() + "' is " + parent.status().wireName());
        }
    }

    /**
     * What each member returns to: active or suspended as recorded; suspended if not recorded;
     * nothing for one that was already being decommissioned (by an earlier, failed operation).
     */
    private Map<UUID, TenantStatus> previousStatuses(Connection c, JournalEntry entry, Tenant root) throws SQLException {
        Map<UUID, TenantStatus> out = new LinkedHashMap<>();
        JsonNode recorded = entry.detail(Decommissioner.PREVIOUS_STATUSES);
        if (recorded != null && recorded.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = recorded.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> field = it.next();
                TenantStatus status = restorable(field.getValue().asText());
                if (status != null) {
                    out.put(UUID.fromString(field.getKey()), status);
                }
            }
            return out;
        }
        if (root.tier() == Tier.T1) {
            for (Tenant child : registry.liveChildren(c, root.id())) {
                if (child.status() == TenantStatus.DECOMMISSIONING) {
                    out.put(child.id(), TenantStatus.SUSPENDED);
                }
            }
        }
        JsonNode previous = entry.detail("previous_status");
        TenantStatus status = restorable(previous == null ? null : previous.asText());
        if (status != null) {
            out.put(root.id(), status);
        }
        return out;
    }

    private static TenantStatus restorable(String wire) {
        if (TenantStatus.DECOMMISSIONING.wireName().equals(wire)) {
            return null;
        }
        return TenantStatus.ACTIVE.wireName().equals(wire) ? TenantStatus.ACTIVE : TenantStatus.SUSPENDED;
    }
}

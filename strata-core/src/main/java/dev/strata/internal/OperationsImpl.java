package dev.strata.internal;

import dev.strata.ErrorCode;
import dev.strata.OperationFilter;
import dev.strata.OperationInfo;
import dev.strata.Operations;
import dev.strata.StrataException;
import dev.strata.Tenant;
import dev.strata.internal.operation.JournalEntry;
import dev.strata.internal.operation.OperationRunner;
import dev.strata.internal.registry.TenantRules;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;

/** {@link Operations} over the engine's operations runner and registry. */
public final class OperationsImpl implements Operations {
    private final StrataEngine engine;

    public OperationsImpl(StrataEngine engine) {
        this.engine = engine;
    }

    @Override
    public List<OperationInfo> list(OperationFilter filter) {
        OperationFilter f = Objects.requireNonNull(filter, "filter");
        UUID tenant = null;
        boolean removedTenant = false;
        if (f.tenant() != null) {
            Optional<UUID> id = TenantRules.parseIdOrValidateSlug(f.tenant());
            if (id.isPresent() && engine.registry().findById(id.get()).isEmpty()) {
                // a tenant whose provisioning was rolled back: only its operations remember it
                tenant = id.get();
                removedTenant = true;
            } else {
                Tenant t = engine.registry().resolve(f.tenant());
                tenant = t.id();
            }
        }
        List<JournalEntry> entries = runner().list(f.state(), f.kind(), tenant, f.limit(), f.after());
        if (removedTenant && entries.isEmpty() && runner().list(null, null, tenant, 1, null).isEmpty()) {
            throw new StrataException(ErrorCode.TENANT_NOT_FOUND, "No tenant with id '" + tenant + "'");
        }
        return entries.stream().map(JournalEntry::info).toList();
    }

    @Override
    public OperationInfo show(UUID id) {
        return runner().find(requireId(id)).info();
    }

    @Override
    public OperationInfo resume(UUID id) {
        return runner().resume(requireId(id)).info();
    }

    @Override
    public OperationInfo abort(UUID id) {
        return runner().abort(requireId(id)).info();
    }

    private OperationRunner runner() {
        return engine.operations();
    }

    private static UUID requireId(UUID id) {
        if (id == null) {
            throw new StrataException(ErrorCode.INVALID_ARGUMENT, "An operation id is required");
        }
        return id;
    }
}

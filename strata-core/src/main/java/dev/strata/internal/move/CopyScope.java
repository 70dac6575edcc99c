package dev.strata.internal.move;

import java.util.List;
import java.util.Objects;
import java.util.UUID;

/**
 * Which rows a tenant copy carries: the given tenant tables of the source schema (unqualified
 * names, found in the target schema under the same names), restricted to the rows whose
 * {@code tenant_id} is one of {@code tenantIds}. A T1's database moving as a whole carries the T1
 * and every T2 living in it. Immutable.
 *
 * @param tables    tenant tables (with {@code tenant_id}) and declared reference tables are not
 *                  copied: reference data comes from the target's own migrations
 * @param tenantIds the tenants whose rows move; never empty
 */
public record CopyScope(List<String> tables, List<UUID> tenantIds) {
    public CopyScope {
        tables = List.copyOf(tables);
        tenantIds = List.copyOf(tenantIds);
        if (tenantIds.isEmpty()) {
            throw new IllegalArgumentException("a copy carries the rows of at least one tenant");
        }
        Objects.requireNonNull(tables);
    }
}

package dev.strata.migration;

import java.util.List;
import java.util.Objects;
import java.util.UUID;

/**
 * Where one tenant's app schema stands ({@code strata tenants show}).
 *
 * @param tenant          the tenant
 * @param target          the schema holding its tables, as {@link MigrationTarget#target()} names it
 * @param version         the newest migration applied there ({@code null} if none)
 * @param expectedVersion what it should be at: the newer of the newest migration found and the version
 *                        of its T1's database ({@code null} if neither has any)
 * @param pending         the migrations found that are not applied there yet, oldest first
 * @param behind          whether its schema is behind what its T1 expects ({@code version} older than
 *                        {@code expectedVersion}): run {@code strata migrate apply}
 */
public record TenantSchemaStatus(UUID tenant, String target, String version, String expectedVersion,
                                 List<String> pending, boolean behind) {
    public TenantSchemaStatus {
        Objects.requireNonNull(tenant, "tenant");
        Objects.requireNonNull(target, "target");
        pending = List.copyOf(pending);
    }
}

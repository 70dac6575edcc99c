package dev.strata;

/**
 * Work run inside one tenant's transaction that returns nothing.
 *
 * @param <X> the checked exception the work may throw
 */
@FunctionalInterface
public interface TenantAction<X extends Exception> {
    void run(TenantScope scope) throws X;
}

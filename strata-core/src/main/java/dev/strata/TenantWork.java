package dev.strata;

/**
 * Work run inside one tenant's transaction. Checked exceptions pass through unchanged.
 *
 * @param <R> the result
 * @param <X> the checked exception the work may throw
 */
@FunctionalInterface
public interface TenantWork<R, X extends Exception> {
    R run(TenantScope scope) throws X;
}

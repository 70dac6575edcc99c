package dev.strata.server.testing;

import dev.strata.NewTenant;
import dev.strata.OperationFilter;
import dev.strata.OperationInfo;
import dev.strata.OperationKind;
import dev.strata.OperationState;
import dev.strata.Strata;
import dev.strata.Tenant;
import dev.strata.internal.operation.ProvisionStep;

import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Operations left in the states the operations API deals with, made in the test's own server
 * process: one whose process "died" in the middle (its lease given up, as when its thread ended
 * without finishing), and one whose owner is alive and working on it (paused at a step).
 */
public final class InterruptedOperations {
    private InterruptedOperations() {
    }

    /** Stands for the process dying in the middle of a step. */
    public static final class Crash extends Error {
        Crash() {
            super("simulated crash");
        }
    }

    /** Creates the tenant and dies at its {@code register_locally} step; returns the operation left running, lease expired. */
    public static UUID crashedProvisioning(Strata strata, NewTenant request) {
        strata.internals().operations().leases().stepHook((operation, kind, step, qualifier) -> {
            if (kind == OperationKind.PROVISION && step == ProvisionStep.REGISTER_LOCALLY) {
                throw new Crash();
            }
        });
        try {
            strata.tenants().create(request);
            throw new AssertionError("the provisioning was expected to crash");
        } catch (Crash expected) {
            // the operation stays running, its lease given up
        } finally {
            strata.internals().operations().leases().stepHook(null);
        }
        return runningOperationOf(strata, strata.tenants().get(request.slug()));
    }

    /** A provisioning its owner (this process) is working on, paused until {@link #close()}. */
    public record Paused(UUID operation, Tenant tenant, CountDownLatch wake, CompletableFuture<Tenant> creation)
            implements AutoCloseable {
        @Override
        public void close() {
            wake.countDown();
            creation.orTimeout(60, TimeUnit.SECONDS).join();
        }
    }

    public static Paused pausedProvisioning(Strata strata, NewTenant request) throws InterruptedException {
        CountDownLatch paused = new CountDownLatch(1);
        CountDownLatch wake = new CountDownLatch(1);
        strata.internals().operations().leases().stepHook((operation, kind, step, qualifier) -> {
            if (step == ProvisionStep.DATABASE && paused.getCount() > 0) {
                paused.countDown();
                try {
                    wake.await(120, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        });
        CompletableFuture<Tenant> creation = CompletableFuture.supplyAsync(() -> strata.tenants().create(request));
        if (!paused.await(60, TimeUnit.SECONDS)) {
            throw new AssertionError("the provisioning did not reach its database step");
        }
        Tenant half = strata.tenants().get(request.slug());
        return new Paused(runningOperationOf(strata, half), half, wake, creation);
    }

    private static UUID runningOperationOf(Strata strata, Tenant tenant) {
        List<OperationInfo> running = strata.operations().list(OperationFilter.all().withTenant(tenant.id().toString())
                .withState(OperationState.RUNNING));
        if (running.size() != 1) {
            throw new AssertionError("expected one running operation of " + tenant.slug() + ", found " + running);
        }
        return running.get(0).id();
    }
}

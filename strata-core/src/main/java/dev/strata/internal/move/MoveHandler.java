package dev.strata.internal.move;

import dev.strata.OperationKind;
import dev.strata.OperationState;
import dev.strata.internal.operation.JournalEntry;
import dev.strata.internal.operation.OperationHandler;
import dev.strata.internal.operation.RunningOperation;
import dev.strata.internal.provisioning.MoveStorage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;

/**
 * Resumes and compensates interrupted moves. After a crash, recovery gives a move back to its
 * source if its initial copy had not finished (nothing much is lost, and the tenant is unfrozen
 * soonest), and finishes it otherwise. An operator's {@code resume} finishes it from wherever it
 * stands; {@code abort} gives the tenant back to its source, and is refused once the routing has
 * flipped (the move is finished but for the clean-up of its source). Thread-safe.
 */
final class MoveHandler implements OperationHandler {
    private static final Logger LOG = LoggerFactory.getLogger(MoveHandler.class);

    private final MoveRun run;

    MoveHandler(MoveRun run) {
        this.run = run;
    }

    @Override
    public OperationKind kind() {
        return OperationKind.MOVE;
    }

    @Override
    public void recover(JournalEntry entry, RunningOperation operation) {
        MovePlan plan = MovePlan.fromJson(entry.detailJson());
        boolean copied = entry.doneSteps().contains(MoveStep.INITIAL_COPY.wireName());
        if (!copied && !run.flipped(plan)) {
            LOG.warn("Giving tenant '{}' back to its source: its move was interrupted before its copy finished", plan.slug());
            run.compensate(plan, operation, OperationState.ROLLED_BACK,
                    "The move was interrupted before its initial copy finished and was rolled back; move the tenant again");
            return;
        }
        LOG.warn("Finishing the interrupted move of tenant '{}'", plan.slug());
        run.forward(plan, locals(entry), operation, "strata-recovery");
    }

    @Override
    public void resume(JournalEntry entry, RunningOperation operation) {
        MovePlan plan = MovePlan.fromJson(entry.detailJson());
        LOG.warn("Resuming the move of tenant '{}' at an operator's request", plan.slug());
        run.forward(plan, locals(entry), operation, "strata-operator");
    }

    @Override
    public void requireAbortable(JournalEntry entry) {
        MovePlan plan = MovePlan.fromJson(entry.detailJson());
        if (run.flipped(plan)) {
            throw MoveRun.afterFlipRefusal(plan, entry.id());
        }
    }

    @Override
    public void abort(JournalEntry entry, RunningOperation operation) {
        MovePlan plan = MovePlan.fromJson(entry.detailJson());
        LOG.warn("Aborting the move of tenant '{}' at an operator's request", plan.slug());
        run.compensate(plan, operation, OperationState.ABORTED,
                "Aborted by an operator: tenant '" + plan.slug() + "' is back at " + plan.source().name());
    }

    private static List<MoveStorage.LocalTenant> locals(JournalEntry entry) {
        return Moves.locals(entry.detail("locals"));
    }
}

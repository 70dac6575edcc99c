package dev.strata.internal.migration;

import dev.strata.OperationKind;
import dev.strata.OperationState;
import dev.strata.internal.operation.JournalEntry;
import dev.strata.internal.operation.OperationHandler;
import dev.strata.internal.operation.RunningOperation;
import dev.strata.internal.sql.Jdbc;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the operations runner does with a migration run whose owner is gone: recovery and an
 * operator's resume finish it (every target is migrated in a transaction of its own and its
 * history says what is applied, so continuing is always safe); an abort ends it as
 * {@code aborted}, leaving each target as it is (migrated or not, never half). Thread-safe.
 */
final class MigrateHandler implements OperationHandler {
    private static final Logger LOG = LoggerFactory.getLogger(MigrateHandler.class);

    private final SchemaMigrationsImpl migrations;

    MigrateHandler(SchemaMigrationsImpl migrations) {
        this.migrations = migrations;
    }

    @Override
    public OperationKind kind() {
        return OperationKind.MIGRATE;
    }

    @Override
    public void recover(JournalEntry entry, RunningOperation operation) {
        LOG.warn("Resuming interrupted migration run {}", entry.id());
        migrations.continueClaimed(entry, operation);
    }

    @Override
    public void resume(JournalEntry entry, RunningOperation operation) {
        migrations.continueClaimed(entry, operation);
    }

    @Override
    public void abort(JournalEntry entry, RunningOperation operation) {
        Jdbc.useTransaction(migrations.management(), "abort migration run " + entry.id(), c ->
                operation.finish(c, OperationState.ABORTED, "aborted by an operator after " + entry.done() + " of "
                        + entry.total() + " targets; every target is either migrated or as it was (apply again to go on)"));
    }
}

package db.javamig;

import org.flywaydb.core.api.migration.BaseJavaMigration;
import org.flywaydb.core.api.migration.Context;

/** A Java migration, which Strata refuses as a tenant migration (TenantMigrationSetTest). */
public class V2__Java_migration extends BaseJavaMigration {
    @Override
    public void migrate(Context context) {
    }
}

package dev.strata.internal.migration;

import java.util.Objects;

/**
 * One of the application's tenant migrations as found in the configured locations, ready to run:
 * Flyway's naming ({@code V<version>__<description>.sql}), checksum and placeholders.
 *
 * @param version     Flyway's version text, e.g. {@code 2} or {@code 2.1}
 * @param description from the file name, underscores as spaces
 * @param script      the file name as recorded in the history ({@code V2__add_tags.sql})
 * @param checksum    Flyway's checksum of the script (recorded in the history; compared by validate)
 * @param sql         the script with its placeholders replaced
 */
public record TenantMigration(String version, String description, String script, int checksum, String sql) {
    public TenantMigration {
        Objects.requireNonNull(version, "version");
        Objects.requireNonNull(description, "description");
        Objects.requireNonNull(script, "script");
        Objects.requireNonNull(sql, "sql");
    }
}

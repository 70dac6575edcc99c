package dev.strata.migration;

/**
 * An applied migration that no longer matches the migrations found: changed since it was applied
 * (checksum drift), or missing from the configured locations. Never silently re-run.
 *
 * @param target           the app schema
 * @param version          the migration's version
 * @param script           the script name recorded when it was applied
 * @param appliedChecksum  the checksum recorded in the target's history
 * @param resolvedChecksum the checksum of the migration found now, {@code null} if it is missing
 * @param problem          what is wrong, in words
 */
public record MigrationDrift(String target, String version, String script, Integer appliedChecksum,
                             Integer resolvedChecksum, String problem) {
}

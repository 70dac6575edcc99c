/**
 * Scheduled and on-demand tenant backups: tenant archives written to a backup directory and
 * recorded in the management database, restorable with {@link dev.strata.Tenants#restore}.
 */
package dev.strata.backup;

/** Internal: tenant backups (files, records, schedules) and their scheduler. Not public API. */
package dev.strata.internal.backup;

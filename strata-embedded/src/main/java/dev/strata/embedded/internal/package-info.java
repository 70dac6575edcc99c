/**
 * The embedded PostgreSQL's cluster on disk, below {@link dev.strata.embedded.LocalPostgres}:
 * owner-only
 * files and directories, the extracted binaries, {@code initdb} with password authentication, the
 * {@code pg_hba.conf} Strata insists on, {@code postmaster.pid}, and the lock that serialises
 * starts on one data directory.
 */
package dev.strata.embedded.internal;

/**
 * The application's own tenant schema: its migrations, applied to every app schema (the
 * template, every tenant database, every tenant schema, every shared RLS database), their status,
 * and checksum validation. Reached through {@link dev.strata.Strata#migrations()}.
 */
package dev.strata.migration;

/**
 * The {@code strata} commands: {@code serve} and {@code demo} run in-process; the admin commands
 * ({@code tenants ...}, {@code audit}) are thin clients of the REST API that map its problems to
 * exit codes.
 */
package dev.strata.server.cli;

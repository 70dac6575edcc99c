/**
 * The isolation audit: every tenant database's catalog checked against the rules that keep
 * tenants apart (roles, privileges, row level security, keys, views, functions).
 */
package dev.strata.audit;

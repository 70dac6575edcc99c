/**
 * What the commands run on: the environment, the data directory and its admin key file, and the
 * PostgreSQL server (a URL, or the embedded one started or attached to).
 */
package dev.strata.server.runtime;

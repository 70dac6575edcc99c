/**
 * {@code strata demo}: the specification's example topology, documents written as each tenant, and
 * isolation checks that attack it the way a buggy or hostile application would.
 */
package dev.strata.server.demo;

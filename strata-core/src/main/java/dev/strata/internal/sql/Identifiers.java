package dev.strata.internal.sql;

import java.util.regex.Pattern;

/**
 * The one place identifiers and the rare unavoidable literals are written into SQL text.
 * Strata never puts user text into SQL: physical names derive from tenant ids and the namespace.
 */
public final class Identifiers {
    private static final Pattern SAFE_NAME = Pattern.compile("[a-z_][a-z0-9_]{0,62}");

    private Identifiers() {
    }

    /** Double-quotes an identifier, doubling embedded quotes. */
    public static String quote(String identifier) {
        if (identifier == null || identifier.isEmpty() || identifier.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("Not a valid identifier: " + identifier);
        }
        return '"' + identifier.replace("\"", "\"\"") + '"';
    }

    /** Quotes {@code schema.name}. */
    public static String qualified(String schema, String name) {
        return quote(schema) + "." + quote(name);
    }

    /**
     * Single-quotes a string literal for statements that take no bind parameters (CREATE ROLE ...
     * PASSWORD). Assumes {@code standard_conforming_strings = on}, the default since PostgreSQL 9.1.
     */
    public static String literal(String value) {
        if (value.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("NUL in literal");
        }
        return "'" + value.replace("'", "''") + "'";
    }

    /** Whether a name Strata generated is a plain lower-case identifier (a guard, not an escape). */
    public static boolean isSafeName(String name) {
        return name != null && SAFE_NAME.matcher(name).matches();
    }

    /** Refuses anything but a plain lower-case identifier. */
    public static String requireSafeName(String name) {
        if (!isSafeName(name)) {
            throw new IllegalArgumentException("Unexpected physical name: " + name);
        }
        return name;
    }
}

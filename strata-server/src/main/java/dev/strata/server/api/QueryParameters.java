package dev.strata.server.api;

import dev.strata.ErrorCode;
import dev.strata.IsolationMode;
import dev.strata.StrataException;
import dev.strata.TenantStatus;
import dev.strata.Tier;
import io.javalin.http.Context;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * The query parameters of one request, read as strictly as JSON bodies: only the endpoint's own
 * names, each at most once and never empty, and values in their exact wire form (no case folding,
 * no white space, no {@code +1} or {@code 01}). Every violation is {@link ErrorCode#INVALID_ARGUMENT}
 * naming the parameter.
 */
final class QueryParameters {
    private final Map<String, List<String>> values;

    private QueryParameters(Map<String, List<String>> values) {
        this.values = values;
    }

    /** The request's parameters, refused if any is unknown, repeated or empty. */
    static QueryParameters of(Context ctx, String... allowed) {
        Map<String, List<String>> all = ctx.queryParamMap();
        Set<String> known = Set.of(allowed);
        Set<String> unknown = all.keySet().stream().filter(k -> !known.contains(k)).collect(Collectors.toCollection(TreeSet::new));
        if (!unknown.isEmpty()) {
            throw invalid("Unknown query parameter " + unknown.stream().map(QueryParameters::printable)
                    .collect(Collectors.joining(", ", "[", "]")) + (allowed.length == 0 ? ": this endpoint takes none"
                    : ": use " + String.join(", ", Arrays.stream(allowed).sorted().toList())));
        }
        for (Map.Entry<String, List<String>> e : all.entrySet()) {
            if (e.getValue().size() > 1) {
                throw invalid("Query parameter '" + e.getKey() + "' is given " + e.getValue().size() + " times: give it once");
            }
        }
        return new QueryParameters(all);
    }

    /** The value, or {@code null} if absent; refused if empty. */
    String get(String name) {
        String value = raw(name);
        if (value != null && value.isEmpty()) {
            throw invalid("Query parameter '" + name + "' is empty: give a value or leave it out");
        }
        return value;
    }

    /** The value as given (possibly empty, for the caller to refuse with its own message), or {@code null} if absent. */
    String value(String name) {
        return raw(name);
    }

    private String raw(String name) {
        List<String> v = values.get(name);
        return v == null || v.isEmpty() ? (v == null ? null : "") : v.get(0);
    }

    /** A boolean flag: exactly {@code true} or {@code false}; {@code false} if absent. */
    boolean flag(String name) {
        String text = raw(name);
        if (text == null) {
            return false;
        }
        return switch (text) {
            case "true" -> true;
            case "false" -> false;
            default -> throw invalid("Query parameter '" + name + "' must be true or false, was '" + printable(text) + "'");
        };
    }

    /** A tier filter: exactly {@code 0}, {@code 1} or {@code 2}. */
    Tier tier(String name) {
        String text = raw(name);
        if (text == null) {
            return null;
        }
        return switch (text) {
            case "0" -> Tier.T0;
            case "1" -> Tier.T1;
            case "2" -> Tier.T2;
            default -> throw invalid("Query parameter '" + name + "' must be 0, 1 or 2, was '" + printable(text) + "'");
        };
    }

    /** A status filter: exactly one of the status names. */
    TenantStatus status(String name) {
        String text = raw(name);
        if (text == null) {
            return null;
        }
        for (TenantStatus s : TenantStatus.values()) {
            if (s.wireName().equals(text)) {
                return s;
            }
        }
        throw invalid("Query parameter '" + name + "' must be one of " + Arrays.stream(TenantStatus.values())
                .map(TenantStatus::wireName).collect(Collectors.joining(", ")) + ", was '" + printable(text) + "'");
    }

    /** An isolation mode: exactly {@code rls}, {@code schema} or {@code database}. */
    IsolationMode mode(String name) {
        return mode(name, raw(name));
    }

    /** An isolation mode given as {@code field}: exactly its wire name, or {@code null} if absent. */
    static IsolationMode mode(String field, String text) {
        if (text == null) {
            return null;
        }
        for (IsolationMode m : IsolationMode.values()) {
            if (m.wireName().equals(text)) {
                return m;
            }
        }
        throw invalid("'" + field + "' must be rls, schema or database, was '" + printable(text) + "'");
    }

    /** A whole number from {@code min} to {@code max} in plain decimal digits, or {@code fallback} if absent. */
    int integer(String name, int min, int max, int fallback) {
        String text = raw(name);
        if (text == null) {
            return fallback;
        }
        if (!text.matches("0|[1-9][0-9]{0,9}")) {
            throw invalid("Query parameter '" + name + "' must be a whole number from " + min + " to " + max
                    + ", was '" + printable(text) + "'");
        }
        long value = Long.parseLong(text);
        if (value < min || value > max) {
            throw invalid("Query parameter '" + name + "' must be a whole number from " + min + " to " + max + ", was " + value);
        }
        return (int) value;
    }

    static String printable(String text) {
        return dev.strata.internal.registry.TenantRules.printable(text);
    }

    static StrataException invalid(String message) {
        return new StrataException(ErrorCode.INVALID_ARGUMENT, message);
    }
}

package dev.strata.server.api;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Cursor pagination of a list endpoint: {@code ?limit=} (1 to {@value #MAX_LIMIT}, default
 * {@value #DEFAULT_LIMIT}) and {@code ?cursor=}, the {@code next_cursor} of the previous page.
 * A cursor is opaque to clients: it holds the list it belongs to, a fingerprint of that request's
 * filters and the position of the last item shown, so the next page starts right after it in the
 * list's stable order, whatever was added or removed in between, and a check sum that catches a
 * cut or altered cursor (not a secret: a cursor is no credential). A cursor that is malformed, was
 * issued by another list, or for other filters is {@link dev.strata.ErrorCode#INVALID_ARGUMENT}
 * naming {@code cursor}; a cursor grants nothing (the request is authorized and filtered as any other).
 * Immutable.
 *
 * @param limit    the page's size
 * @param position the position after which the page starts, or {@code null} for the first page
 */
record Pagination(String list, String fingerprint, int limit, String position) {
    static final int DEFAULT_LIMIT = 100;
    static final int MAX_LIMIT = 1000;
    static final String LIMIT = "limit";
    static final String CURSOR = "cursor";
    private static final String VERSION = "c1";
    private static final int MAX_CURSOR_LENGTH = 1024;

    /** The query parameter names pagination adds to an endpoint's own. */
    static String[] withPaging(String... names) {
        String[] all = java.util.Arrays.copyOf(names, names.length + 2);
        all[names.length] = LIMIT;
        all[names.length + 1] = CURSOR;
        return all;
    }

    /**
     * The page asked for: {@code list} names the endpoint, {@code filters} are the request's other
     * parameters in a fixed order (a cursor is valid only with the same ones).
     */
    static Pagination of(QueryParameters query, String list, String... filters) {
        int limit = query.integer(LIMIT, 1, MAX_LIMIT, DEFAULT_LIMIT);
        String fingerprint = fingerprint(filters);
        String cursor = query.value(CURSOR);
        if (cursor == null) {
            return new Pagination(list, fingerprint, limit, null);
        }
        return new Pagination(list, fingerprint, limit, decode(cursor, list, fingerprint));
    }

    /** The cursor of the page after the one ending with the item at {@code position}. */
    String cursorAfter(String position) {
        String payload = VERSION + "\n" + list + "\n" + fingerprint + "\n" + position;
        String text = payload + "\n" + fingerprint(payload);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }

    /** One page of an already ordered list, and the cursor of the next page ({@code null} on the last). */
    record Page<T>(List<T> items, String nextCursor) {
        /** A list endpoint's answer: the page's items under {@code field}, then {@code next_cursor}. */
        Map<String, Object> answer(String field) {
            Map<String, Object> answer = new java.util.LinkedHashMap<>();
            answer.put(field, items);
            answer.put("next_cursor", nextCursor);
            return answer;
        }
    }

    /**
     * Cuts a page from {@code ordered}, which is in the list's order with {@code position} giving
     * each item's place, comparable as text with {@code comparator} consistent with that order.
     */
    <T> Page<T> page(List<T> ordered, Function<T, String> position, java.util.Comparator<String> comparator) {
        int from = 0;
        if (this.position != null) {
            while (from < ordered.size() && comparator.compare(position.apply(ordered.get(from)), this.position) <= 0) {
                from++;
            }
        }
        int to = Math.min(ordered.size(), from + limit);
        List<T> items = List.copyOf(ordered.subList(from, to));
        String next = to < ordered.size() && !items.isEmpty() ? cursorAfter(position.apply(items.get(items.size() - 1))) : null;
        return new Page<>(items, next);
    }

    private static String decode(String cursor, String list, String fingerprint) {
        if (cursor.isEmpty()) {
            throw QueryParameters.invalid("Query parameter 'cursor' is empty: give the next_cursor of the previous page, "
                    + "or leave it out for the first page");
        }
        String text;
        try {
            if (cursor.length() > MAX_CURSOR_LENGTH) {
                throw new IllegalArgumentException("too long");
            }
            byte[] bytes = Base64.getUrlDecoder().decode(cursor);
            text = StandardCharsets.UTF_8.newDecoder().decode(java.nio.ByteBuffer.wrap(bytes)).toString();
        } catch (IllegalArgumentException | java.nio.charset.CharacterCodingException e) {
            throw badCursor();
        }
        int lastBreak = text.lastIndexOf('\n');
        if (lastBreak < 0 || !text.substring(lastBreak + 1).equals(fingerprint(text.substring(0, lastBreak)))) {
            throw badCursor(); // cut, altered or made up
        }
        String[] parts = text.substring(0, lastBreak).split("\n", -1);
        if (parts.length != 4 || !parts[0].equals(VERSION) || parts[3].isEmpty()) {
            throw badCursor();
        }
        if (!parts[1].equals(list)) {
            throw QueryParameters.invalid("Query parameter 'cursor' belongs to another list: give the next_cursor this "
                    + "endpoint answered with");
        }
        if (!parts[2].equals(fingerprint)) {
            throw QueryParameters.invalid("Query parameter 'cursor' was issued for other filters: repeat the request's "
                    + "other query parameters exactly, or start again without a cursor");
        }
        return parts[3];
    }

    private static RuntimeException badCursor() {
        return QueryParameters.invalid("Query parameter 'cursor' is not a cursor this server issued: give the "
                + "next_cursor of the previous page, or leave it out for the first page");
    }

    private static String fingerprint(String... filters) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            for (String f : filters) {
                sha.update((f == null ? "\u0000" : f + "\u0001").getBytes(StandardCharsets.UTF_8));
            }
            return HexFormat.of().formatHex(sha.digest(), 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is always available", e);
        }
    }
}

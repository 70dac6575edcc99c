package dev.strata.internal.context;

import java.util.concurrent.ConcurrentHashMap;

/**
 * The text of a statement that carries the context in the same round trip: the context statement,
 * then the caller's SQL. Every transaction's first prepared statement sends one, so the text is
 * made once per (context, SQL) pair and the same {@code String} instance is handed out afterwards:
 * its hash code is computed once, and the driver's statement cache finds its entry by identity
 * instead of hashing and comparing a few hundred characters per transaction. Thread-safe; bounded
 * (the cache is emptied when full, as {@link StatementEffects}' is).
 */
final class PrefixedSql {
    private static final int CACHE_LIMIT = 4096;
    private static final ConcurrentHashMap<Key, String> CACHE = new ConcurrentHashMap<>();

    private record Key(String context, String sql) {
    }

    private PrefixedSql() {
    }

    /** {@code context + ";\n" + sql}, the same instance for equal arguments while cached. */
    static String of(String context, String sql) {
        Key key = new Key(context, sql);
        String cached = CACHE.get(key);
        if (cached != null) {
            return cached;
        }
        String text = context + ";\n" + sql;
        if (CACHE.size() >= CACHE_LIMIT) {
            CACHE.clear();
        }
        CACHE.putIfAbsent(key, text);
        return text;
    }
}

package dev.strata.internal.context;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What a SQL text sent on a tenant connection may do beyond its transaction. The text is split
 * into statements by a lexer that knows PostgreSQL's quoting (standard and {@code E''} strings,
 * quoted identifiers, dollar quotes, nested block comments and line comments), so neither a
 * {@code SET} hidden after a {@code SELECT} nor a {@code 'SET'} inside a string is misread.
 * <p>
 * A statement is <em>transaction-clean</em> only when its first keyword is on a positive list
 * (queries and DML, transaction control, {@code SET LOCAL}/{@code SET TRANSACTION}, cursors without
 * {@code HOLD}, {@code LOCK}, {@code SHOW}, {@code EXPLAIN}, {@code NOTIFY}, {@code COPY}) and it
 * names none of the functions that change session state from inside a query ({@code set_config},
 * session advisory locks, functions that run SQL given as text). Everything else leaves the
 * connection possibly carrying session state: Strata cleans it before anyone else uses it.
 * Statements whose effect outlives any session ({@code ALTER ROLE ... SET/PASSWORD},
 * {@code DROP/REASSIGN OWNED}, {@code GRANT}, {@code REVOKE}, {@code LOAD}, and {@code DO}, which can
 * run any of them) are refused. Classifying errs towards "session state": a false alarm costs
 * one clean-up, a miss would cost isolation. Thread-safe; results are cached per text (bounded).
 */
final class StatementEffects {

    /** The outcome for one SQL text (all its statements). */
    /**
     * @param outlivesTransaction the text may leave session state that even a rolled-back
     *        transaction keeps (prepared statements, session advisory locks, code run from text,
     *        procedures, statements this lexer cannot read): a pooled endpoint refuses it, because
     *        there Strata can clean only inside the transaction (see {@link ContextConnection})
     */
    record Effect(boolean sessionState, boolean transactionBoundary, String refusal, boolean outlivesTransaction) {
        Effect(boolean sessionState, boolean transactionBoundary, String refusal) {
            this(sessionState, transactionBoundary, refusal, false);
        }

        boolean refused() {
            return refusal != null;
        }
    }

    private static final Effect CLEAN = new Effect(false, false, null);
    private static final int CACHE_LIMIT = 4096;
    private static final ConcurrentHashMap<String, Effect> CACHE = new ConcurrentHashMap<>();

    /** First keywords of statements that change nothing beyond their transaction (given the checks below). */
    private static final Set<String> CLEAN_FIRST = Set.of("select", "insert", "update", "delete", "merge", "with",
            "values", "table", "savepoint", "release", "show", "explain", "lock", "fetch", "move", "close", "declare",
            "notify", "copy", "commit", "end", "rollback", "abort", "begin", "start", "set");

    /** Statements after which the transaction in force may not be the one the context was sent in. */
    private static final Set<String> BOUNDARY_FIRST = Set.of("commit", "end", "rollback", "abort", "begin", "start",
            "prepare");

    /** First keywords refused outright: their effects outlive the session (or, for DO, may). */
    private static final Set<String> REFUSED_FIRST = Set.of("alter", "do", "reassign", "grant", "revoke", "load");

    /** Functions that change session state, or run SQL given as text, from inside any statement. */
    private static final Set<String> SESSION_FUNCTIONS = Set.of("set_config", "pg_advisory_lock",
            "pg_advisory_lock_shared", "pg_try_advisory_lock", "pg_try_advisory_lock_shared", "pg_advisory_unlock",
            "pg_advisory_unlock_shared", "pg_advisory_unlock_all", "query_to_xml", "query_to_xmlschema",
            "query_to_xml_and_xmlschema", "cursor_to_xml", "cursor_to_xmlschema", "ts_stat", "ts_rewrite", "setseed",
            "lo_open", "lo_import", "lo_export");

    /**
     * Functions whose session effects survive a rollback (session advisory locks, the random seed,
     * large-object descriptors) or that run SQL given as text, whose effects are unknown.
     */
    private static final Set<String> NON_TRANSACTIONAL_FUNCTIONS = Set.of("pg_advisory_lock",
            "pg_advisory_lock_shared", "pg_try_advisory_lock", "pg_try_advisory_lock_shared", "pg_advisory_unlock",
            "pg_advisory_unlock_shared", "pg_advisory_unlock_all", "query_to_xml", "query_to_xmlschema",
            "query_to_xml_and_xmlschema", "cursor_to_xml", "cursor_to_xmlschema", "ts_stat", "ts_rewrite", "setseed",
            "lo_open", "lo_import", "lo_export");

    /** First keywords of statements whose session effects may survive a rollback (or that may commit by themselves). */
    private static final Set<String> NON_TRANSACTIONAL_FIRST = Set.of("prepare", "call", "execute");

    /** Settings that change how the server lexes the statements after them. */
    private static final Set<String> LEXICAL_SETTINGS = Set.of("standard_conforming_strings", "backslash_quote");

    private StatementEffects() {
    }

    /** Classifies a SQL text; never null. */
    static Effect of(String sql) {
        Effect cached = CACHE.get(sql);
        if (cached != null) {
            return cached;
        }
        Effect effect = classify(sql);
        if (CACHE.size() >= CACHE_LIMIT) {
            CACHE.clear();
        }
        CACHE.put(sql, effect);
        return effect;
    }

    /** The effect of several texts run together (a batch). */
    static Effect ofAll(List<String> sqls) {
        boolean session = false;
        boolean boundary = false;
        boolean outlives = false;
        for (String sql : sqls) {
            Effect e = of(sql);
            if (e.refused()) {
                return e;
            }
            session |= e.sessionState();
            boundary |= e.transactionBoundary();
            outlives |= e.outlivesTransaction();
        }
        return session || boundary ? new Effect(session, boundary, null, outlives) : CLEAN;
    }

    /**
     * The first keyword (lower case) of each statement of a text, or {@code ""} for a statement that
     * does not start with one; comments and empty statements are dropped.
     */
    static List<String> leadingKeywords(String sql) {
        List<String> out = new ArrayList<>();
        for (List<Token> statement : Lexer.statements(sql)) {
            Token first = firstWord(statement);
            out.add(first == null ? "" : first.text);
        }
        return out;
    }

    // ---------------------------------------------------------------- classification

    private static Effect classify(String sql) {
        boolean session = false;
        boolean boundary = false;
        boolean outlives = false;
        for (List<Token> statement : Lexer.statements(sql)) {
            Token first = firstWord(statement);
            if (first == null) {
                if (!statement.isEmpty()) {
                    session = true; // something that is not a plain statement: assume the worst
                    outlives = true;
                }
                continue;
            }
            String keyword = first.text;
            if (keyword.equals("call") && statement.get(0).kind == Kind.PUNCT && statement.get(0).text.equals("{")) {
                keyword = "select"; // the JDBC escape {call f(?)} runs as SELECT * FROM f(?)
            }
            if (NON_TRANSACTIONAL_FIRST.contains(keyword) || namesNonTransactionalState(statement)) {
                outlives = true;
            }
            if (REFUSED_FIRST.contains(keyword) || isDropOrReassignOwned(statement)) {
                return new Effect(true, true, "A tenant connection does not run " + keyword.toUpperCase(Locale.ROOT)
                        + " statements: their effects (on roles, privileges, session defaults or loaded code) outlive "
                        + "the transaction and would reach other tenants. Run such changes as Strata's administrator, "
                        + "outside tenant work");
            }
            if (BOUNDARY_FIRST.contains(keyword)) {
                boundary = true;
            }
            if (!CLEAN_FIRST.contains(keyword) || !cleanStatement(keyword, statement)) {
                session = true;
            }
        }
        return session || boundary ? new Effect(session, boundary, null, outlives) : CLEAN;
    }

    /** Whether a statement names a function (or a name this lexer cannot read) whose effects survive a rollback. */
    private static boolean namesNonTransactionalState(List<Token> statement) {
        for (Token t : statement) {
            if (t.kind == Kind.OPAQUE) {
                return true;
            }
            if ((t.kind == Kind.WORD || t.kind == Kind.QUOTED)
                    && (NON_TRANSACTIONAL_FUNCTIONS.contains(t.text) || t.text.startsWith("dblink"))) {
                return true;
            }
        }
        return false;
    }

    private static boolean isDropOrReassignOwned(List<Token> statement) {
        Token first = firstWord(statement);
        if (first == null || !first.text.equals("drop")) {
            return false;
        }
        Token second = word(statement, 1);
        return second != null && second.text.equals("owned");
    }

    /** The checks for statements whose first keyword is on the positive list. */
    private static boolean cleanStatement(String keyword, List<Token> statement) {
        Token previousWord = null;
        for (int i = 0; i < statement.size(); i++) {
            Token t = statement.get(i);
            if (t.kind == Kind.OPAQUE) {
                return false;
            }
            if (t.kind == Kind.WORD || t.kind == Kind.QUOTED) {
                if (SESSION_FUNCTIONS.contains(t.text) || t.text.startsWith("dblink")) {
                    return false;
                }
                if (t.kind == Kind.WORD) {
                    // SELECT ... INTO creates a table; INSERT INTO and MERGE INTO do not.
                    if (t.text.equals("into") && (previousWord == null
                            || !(previousWord.text.equals("insert") || previousWord.text.equals("merge")))) {
                        return false;
                    }
                    // DECLARE ... WITH HOLD keeps a cursor open past the transaction.
                    if (t.text.equals("hold") && previousWord != null && previousWord.text.equals("with")) {
                        return false;
                    }
                    previousWord = t;
                }
            }
        }
        return switch (keyword) {
            case "set" -> transactionLocalSet(statement);
            case "explain" -> explainsDataStatement(statement);
            case "prepare" -> false;
            default -> true;
        };
    }

    /** SET LOCAL (not of a lexical setting), SET TRANSACTION, SET CONSTRAINTS. */
    private static boolean transactionLocalSet(List<Token> statement) {
        Token second = word(statement, 1);
        if (second == null) {
            return false;
        }
        return switch (second.text) {
            case "transaction", "constraints" -> true;
            case "local" -> {
                Token name = nameAfter(statement, 2);
                yield name != null && !LEXICAL_SETTINGS.contains(name.text);
            }
            default -> false;
        };
    }

    /** EXPLAIN [options] followed by a query or DML statement (not CREATE TABLE AS, EXECUTE, DECLARE). */
    private static boolean explainsDataStatement(List<Token> statement) {
        Set<String> data = Set.of("select", "insert", "update", "delete", "merge", "with", "values", "table");
        for (int i = 1; i < statement.size(); i++) {
            Token t = statement.get(i);
            if (t.kind == Kind.WORD && data.contains(t.text)) {
                return true;
            }
            if (t.kind == Kind.WORD && Set.of("create", "execute", "declare", "prepare").contains(t.text)) {
                return false;
            }
        }
        return false;
    }

    private static Token firstWord(List<Token> statement) {
        for (Token t : statement) {
            if (t.kind == Kind.WORD) {
                return t;
            }
            if (t.kind == Kind.PUNCT && (t.text.equals("(") || t.text.equals("{") || t.text.equals("?")
                    || t.text.equals("="))) {
                continue; // (SELECT ...), JDBC escapes {call ...} and {? = call ...}
            }
            return null;
        }
        return null;
    }

    /** The n-th word token (0-based) of a statement. */
    private static Token word(List<Token> statement, int n) {
        int seen = 0;
        for (Token t : statement) {
            if (t.kind == Kind.WORD) {
                if (seen++ == n) {
                    return t;
                }
            }
        }
        return null;
    }

    /** The name token (word or quoted) after the first {@code skipWords} words. */
    private static Token nameAfter(List<Token> statement, int skipWords) {
        int seen = 0;
        for (Token t : statement) {
            if (seen == skipWords && (t.kind == Kind.WORD || t.kind == Kind.QUOTED)) {
                return t;
            }
            if (t.kind == Kind.WORD) {
                seen++;
            }
        }
        return null;
    }

    // ---------------------------------------------------------------- lexer

    private enum Kind {
        /** An unquoted word, lower-cased. */
        WORD,
        /** A quoted identifier, lower-cased (so that "SET_CONFIG" is treated like set_config: the safe side). */
        QUOTED,
        /** A unicode-escaped identifier (U&"..."), which this lexer does not decode. */
        OPAQUE,
        /** A string constant (contents dropped). */
        STRING,
        PUNCT
    }

    private record Token(Kind kind, String text) {
    }

    /** Splits a SQL text into statements of tokens, dropping comments and the contents of strings. */
    static final class Lexer {
        private final String s;
        private int i;

        private Lexer(String s) {
            this.s = s;
        }

        static List<List<Token>> statements(String sql) {
            return new Lexer(sql).run();
        }

        private List<List<Token>> run() {
            List<List<Token>> out = new ArrayList<>();
            List<Token> current = new ArrayList<>();
            int n = s.length();
            while (i < n) {
                char c = s.charAt(i);
                if (Character.isWhitespace(c)) {
                    i++;
                } else if (c == '-' && peek(1) == '-') {
                    while (i < n && s.charAt(i) != '\n' && s.charAt(i) != '\r') {
                        i++;
                    }
                } else if (c == '/' && peek(1) == '*') {
                    blockComment();
                } else if (c == ';') {
                    i++;
                    if (!current.isEmpty()) {
                        out.add(current);
                        current = new ArrayList<>();
                    }
                } else if (c == '\'') {
                    string(false);
                    current.add(new Token(Kind.STRING, ""));
                } else if (c == '"') {
                    current.add(new Token(Kind.QUOTED, quotedIdentifier()));
                } else if (c == '$' && dollarTag() != null) {
                    dollarString(dollarTag());
                    current.add(new Token(Kind.STRING, ""));
                } else if (isWordStart(c)) {
                    int start = i;
                    if ((c == 'e' || c == 'E') && peek(1) == '\'') {
                        i++;
                        string(true);
                        current.add(new Token(Kind.STRING, ""));
                        continue;
                    }
                    if ((c == 'u' || c == 'U') && peek(1) == '&' && (peek(2) == '"' || peek(2) == '\'')) {
                        i += 2;
                        if (s.charAt(i) == '"') {
                            quotedIdentifier();
                            current.add(new Token(Kind.OPAQUE, ""));
                        } else {
                            string(false);
                            current.add(new Token(Kind.STRING, ""));
                        }
                        continue;
                    }
                    if ((c == 'b' || c == 'B' || c == 'x' || c == 'X' || c == 'n' || c == 'N') && peek(1) == '\'') {
                        i++;
                        string(false);
                        current.add(new Token(Kind.STRING, ""));
                        continue;
                    }
                    while (i < n && isWordPart(s.charAt(i))) {
                        i++;
                    }
                    current.add(new Token(Kind.WORD, s.substring(start, i).toLowerCase(Locale.ROOT)));
                } else {
                    current.add(new Token(Kind.PUNCT, String.valueOf(c)));
                    i++;
                }
            }
            if (!current.isEmpty()) {
                out.add(current);
            }
            return out;
        }

        private char peek(int ahead) {
            int j = i + ahead;
            return j < s.length() ? s.charAt(j) : '\0';
        }

        private void blockComment() {
            int depth = 0;
            int n = s.length();
            while (i < n) {
                if (s.charAt(i) == '/' && peek(1) == '*') {
                    depth++;
                    i += 2;
                } else if (s.charAt(i) == '*' && peek(1) == '/') {
                    depth--;
                    i += 2;
                    if (depth == 0) {
                        return;
                    }
                } else {
                    i++;
                }
            }
        }

        /** At an opening quote; moves past the closing one. Backslash escapes only in E'' strings. */
        private void string(boolean escapes) {
            int n = s.length();
            i++;
            while (i < n) {
                char c = s.charAt(i);
                if (escapes && c == '\\') {
                    i += 2;
                } else if (c == '\'') {
                    if (peek(1) == '\'') {
                        i += 2;
                    } else {
                        i++;
                        return;
                    }
                } else {
                    i++;
                }
            }
        }

        private String quotedIdentifier() {
            StringBuilder out = new StringBuilder();
            int n = s.length();
            i++;
            while (i < n) {
                char c = s.charAt(i);
                if (c == '"') {
                    if (peek(1) == '"') {
                        out.append('"');
                        i += 2;
                    } else {
                        i++;
                        break;
                    }
                } else {
                    out.append(c);
                    i++;
                }
            }
            return out.toString().toLowerCase(Locale.ROOT);
        }

        /** The tag ({@code $tag$} or {@code $$}) starting here, or null if this is no dollar quote. */
        private String dollarTag() {
            if (i > 0 && isWordPart(s.charAt(i - 1))) {
                return null; // part of an identifier such as a$b
            }
            int j = i + 1;
            int n = s.length();
            while (j < n && s.charAt(j) != '$') {
                char c = s.charAt(j);
                boolean ok = j == i + 1 ? isWordStart(c) : isWordPart(c) && c != '$';
                if (!ok) {
                    return null;
                }
                j++;
            }
            return j < n ? s.substring(i, j + 1) : null;
        }

        private void dollarString(String tag) {
            int end = s.indexOf(tag, i + tag.length());
            i = end < 0 ? s.length() : end + tag.length();
        }

        private static boolean isWordStart(char c) {
            return Character.isLetter(c) || c == '_' || c > 127;
        }

        private static boolean isWordPart(char c) {
            return Character.isLetterOrDigit(c) || c == '_' || c == '$' || c > 127;
        }
    }
}

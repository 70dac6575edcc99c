package dev.strata.internal.migration;

import dev.strata.ErrorCode;
import dev.strata.StrataException;
import org.flywaydb.core.api.FlywayException;
import org.flywaydb.core.api.configuration.ClassicConfiguration;
import org.flywaydb.core.internal.parser.ParsingContext;
import org.flywaydb.core.internal.resource.StringResource;
import org.flywaydb.core.internal.sqlscript.SqlStatement;
import org.flywaydb.core.internal.sqlscript.SqlStatementIterator;
import org.flywaydb.database.postgresql.PostgreSQLParser;

import java.util.regex.Pattern;

/**
 * Checks, with Flyway's PostgreSQL parser, that a tenant migration can run inside the one
 * transaction Strata gives each target: no statement that ends or escapes it (transaction
 * control, {@code SET ROLE}, {@code SET SESSION AUTHORIZATION}), none that PostgreSQL refuses in a
 * transaction ({@code CREATE INDEX CONCURRENTLY}, {@code VACUUM}...). Stateless and thread-safe.
 */
final class MigrationStatements {
    private static final Pattern COMMENTS = Pattern.compile("(?s)(--[^\\n]*\\n?|/\\*.*?\\*/)");
    private static final Pattern FORBIDDEN = Pattern.compile(
            "^(BEGIN|START\\s+TRANSACTION|COMMIT|END|ROLLBACK|ABORT|SAVEPOINT|RELEASE|PREPARE\\s+TRANSACTION"
                    + "|SET\\s+(SESSION\\s+|LOCAL\\s+)?ROLE|SET\\s+(SESSION\\s+|LOCAL\\s+)?SESSION\\s+AUTHORIZATION"
                    + "|SET\\s+SESSION\\s+CHARACTERISTICS|RESET\\s+(ROLE|SESSION|ALL)|DISCARD)\\b.*",
            Pattern.CASE_INSENSITIVE | Pattern.DOTALL);

    private MigrationStatements() {
    }

    static void requireRunnableInTransaction(String path, String sql) {
        ClassicConfiguration configuration = new ClassicConfiguration(MigrationStatements.class.getClassLoader());
        configuration.setPlaceholderReplacement(false);
        PostgreSQLParser parser = new PostgreSQLParser(configuration, new ParsingContext());
        try (SqlStatementIterator statements = parser.parse(new StringResource(sql))) {
            while (statements.hasNext()) {
                SqlStatement statement = statements.next();
                String text = COMMENTS.matcher(statement.getSql()).replaceAll(" ").strip();
                if (FORBIDDEN.matcher(text).matches()) {
                    throw new StrataException(ErrorCode.INVALID_CONFIGURATION, "Tenant migration " + path + " line "
                            + statement.getLineNumber() + ": '" + firstWords(text) + "' is not allowed: Strata runs all "
                            + "pending migrations of a schema in one transaction, as its administrator, so a migration "
                            + "neither ends it nor changes role. Remove the statement");
                }
                if (!statement.canExecuteInTransaction()) {
                    throw new StrataException(ErrorCode.INVALID_CONFIGURATION, "Tenant migration " + path + " line "
                            + statement.getLineNumber() + ": '" + firstWords(text) + "' cannot run inside a transaction, "
                            + "and Strata migrates each schema in one transaction (all or nothing). Use the "
                            + "transactional form (e.g. CREATE INDEX without CONCURRENTLY)");
                }
            }
        } catch (FlywayException e) {
            throw new StrataException(ErrorCode.INVALID_CONFIGURATION, "Tenant migration " + path
                    + " cannot be parsed: " + e.getMessage(), e);
        }
    }

    private static String firstWords(String text) {
        String oneLine = text.replaceAll("\\s+", " ");
        return oneLine.length() > 60 ? oneLine.substring(0, 60) + "..." : oneLine;
    }
}

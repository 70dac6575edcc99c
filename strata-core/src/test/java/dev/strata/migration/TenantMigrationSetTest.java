package dev.strata.migration;

import dev.strata.ErrorCode;
import dev.strata.StrataException;
import dev.strata.internal.migration.TenantMigration;
import dev.strata.internal.migration.TenantMigrationSet;
import org.flywaydb.core.api.resource.LoadableResource;
import org.flywaydb.core.internal.resolver.ChecksumCalculator;
import org.flywaydb.core.internal.resource.filesystem.FileSystemResource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Resolution of the application's tenant migrations from Flyway locations (no database needed). */
class TenantMigrationSetTest {
    @TempDir
    Path dir;

    private static void assertInvalid(Runnable resolve, String... fragments) {
        assertThatThrownBy(resolve::run).isInstanceOfSatisfying(StrataException.class, e -> {
            assertThat(e.code()).isEqualTo(ErrorCode.INVALID_CONFIGURATION);
            assertThat(e.getMessage()).contains(fragments);
        });
    }

    @Test
    void migrations_are_found_on_the_classpath_and_in_directories_and_ordered_by_flyways_version_ordering() {
        MigrationFiles files = MigrationFiles.withDocuments(dir.resolve("a"))
                .add("V1_10__tens.sql", "SELECT 1;")
                .add("V1.9__nines.sql", "SELECT 1;")
                .add("V2__two.sql", "SELECT 1;")
                .add("README.txt", "not a migration");

        TenantMigrationSet set = TenantMigrationSet.resolve(List.of(files.location()));

        assertThat(set.migrations()).extracting(TenantMigration::version).containsExactly("1", "1.9", "1.10", "2");
        assertThat(set.migrations()).extracting(TenantMigration::description).containsExactly("documents", "nines", "tens", "two");
        assertThat(set.migrations().get(2).script()).isEqualTo("V1_10__tens.sql");
        assertThat(set.latestVersion()).contains("2");
        assertThat(set.pendingAfter(null)).hasSize(4);
        assertThat(set.pendingAfter("1.9")).extracting(TenantMigration::version).containsExactly("1.10", "2");
        assertThat(set.pendingAfter("2")).isEmpty();
        assertThat(TenantMigrationSet.resolve(List.of("classpath:db/test-app")).latestVersion()).contains("1");
    }

    @Test
    void no_location_means_no_migrations() {
        assertThat(TenantMigrationSet.resolve(List.of()).migrations()).isEmpty();
        assertThat(TenantMigrationSet.resolve(List.of()).latestVersion()).isEmpty();
    }

    @Test
    void the_checksum_is_flyways_of_the_script_as_written() {
        MigrationFiles files = MigrationFiles.withDocuments(dir);
        TenantMigration v1 = TenantMigrationSet.resolve(List.of(files.location())).migrations().get(0);

        LoadableResource resource = new FileSystemResource(null, dir.resolve("V1__documents.sql").toString(),
                StandardCharsets.UTF_8, false);
        assertThat(v1.checksum()).isEqualTo(ChecksumCalculator.calculate(resource));
        assertThat(v1.sql()).isEqualTo(MigrationFiles.DOCUMENTS);
    }

    @Test
    void a_missing_location_is_refused() {
        assertInvalid(() -> TenantMigrationSet.resolve(List.of("filesystem:" + dir.resolve("nowhere"))), "nowhere");
        assertInvalid(() -> TenantMigrationSet.resolve(List.of("classpath:db/no-such-migrations")), "no-such-migrations");
    }

    @Test
    void a_badly_named_script_is_refused_with_the_naming_rule() {
        MigrationFiles files = MigrationFiles.withDocuments(dir).add("V2_missing_separator.sql", "SELECT 1;");
        assertInvalid(() -> TenantMigrationSet.resolve(List.of(files.location())), "V2_missing_separator.sql",
                "V<version>__<description>.sql");

        files.remove("V2_missing_separator.sql").add("add_notes.sql", "SELECT 1;");
        assertInvalid(() -> TenantMigrationSet.resolve(List.of(files.location())), "add_notes.sql");
    }

    @Test
    void two_scripts_with_one_version_are_refused_even_across_locations() {
        MigrationFiles a = MigrationFiles.withDocuments(dir.resolve("a")).add("V2__first.sql", "SELECT 1;");
        MigrationFiles b = new MigrationFiles(dir.resolve("b")).add("V2.0__second.sql", "SELECT 2;");
        assertInvalid(() -> TenantMigrationSet.resolve(List.of(a.location(), b.location())), "Two tenant migrations have version 2",
                "V2__first.sql", "V2.0__second.sql");
    }

    @Test
    void java_migrations_are_refused() {
        assertInvalid(() -> TenantMigrationSet.resolve(List.of("classpath:db/javamig")), "Java migrations are not supported",
                "V2__Java_migration", "SQL scripts");
    }

    @Test
    void repeatable_undo_and_callback_scripts_are_refused() {
        for (String name : List.of("R__view.sql", "U1__undo.sql", "afterMigrate.sql")) {
            MigrationFiles files = MigrationFiles.withDocuments(dir.resolve(name.replace('.', '_'))).add(name, "SELECT 1;");
            assertInvalid(() -> TenantMigrationSet.resolve(List.of(files.location())), name);
        }
    }

    @Test
    void statements_that_end_the_transaction_or_switch_role_are_refused_with_their_line() {
        Map<String, String> forbidden = Map.of(
                "COMMIT;", "COMMIT",
                "BEGIN;", "BEGIN",
                "ROLLBACK;", "ROLLBACK",
                "SET ROLE postgres;", "SET ROLE",
                "SET SESSION AUTHORIZATION postgres;", "SET SESSION AUTHORIZATION",
                "RESET ROLE;", "RESET ROLE",
                "CREATE INDEX CONCURRENTLY documents_title ON documents (title);", "cannot run inside a transaction");
        forbidden.forEach((statement, expected) -> {
            MigrationFiles files = MigrationFiles.withDocuments(dir.resolve(Integer.toHexString(statement.hashCode())))
                    .add("V2__bad.sql", "-- a comment\nCREATE TABLE x (tenant_id uuid);\n" + statement + "\n");
            assertInvalid(() -> TenantMigrationSet.resolve(List.of(files.location())), "V2__bad.sql", "line 3", expected);
        });
    }

    @Test
    void a_function_body_mentioning_commit_is_not_a_commit() {
        MigrationFiles files = MigrationFiles.withDocuments(dir).add("V2__function.sql", """
                CREATE FUNCTION note() RETURNS text LANGUAGE sql AS $$ SELECT 'COMMIT; SET ROLE x' $$;
                """);
        assertThat(TenantMigrationSet.resolve(List.of(files.location())).migrations()).hasSize(2);
    }

    @Test
    void placeholders_without_a_value_are_refused_and_given_ones_are_replaced() {
        MigrationFiles files = MigrationFiles.withDocuments(dir)
                .add("V2__placeholder.sql", "COMMENT ON TABLE documents IS '${owner} in ${flyway:defaultSchema}';");
        assertInvalid(() -> TenantMigrationSet.resolve(List.of(files.location())), "V2__placeholder.sql", "owner");

        TenantMigration v2 = TenantMigrationSet.resolve(List.of(files.location()), Map.of("owner", "team a"))
                .migrations().get(1);
        assertThat(v2.sql()).isEqualTo("COMMENT ON TABLE documents IS 'team a in ${flyway:defaultSchema}';");
    }
}

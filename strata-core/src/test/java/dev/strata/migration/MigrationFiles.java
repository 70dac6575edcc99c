package dev.strata.migration;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** A directory of tenant migrations for a test, used as a {@code filesystem:} location. */
public final class MigrationFiles {
    /** The tests' {@code documents} table, as {@code db/test-app/V1__documents.sql} has it. */
    public static final String DOCUMENTS = """
            CREATE TABLE documents (
                tenant_id   uuid NOT NULL REFERENCES platform.tenants (id),
                id          uuid NOT NULL DEFAULT gen_random_uuid(),
                title       text NOT NULL,
                body        text NOT NULL DEFAULT '',
                created_at  timestamptz NOT NULL DEFAULT now(),
                PRIMARY KEY (tenant_id, id)
            );
            """;

    private final Path dir;

    public MigrationFiles(Path dir) {
        this.dir = dir;
    }

    /** A directory holding {@code V1__documents.sql}. */
    public static MigrationFiles withDocuments(Path dir) {
        return new MigrationFiles(dir).add("V1__documents.sql", DOCUMENTS);
    }

    public MigrationFiles add(String name, String sql) {
        try {
            Files.createDirectories(dir);
            Files.writeString(dir.resolve(name), sql, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return this;
    }

    public MigrationFiles remove(String name) {
        try {
            Files.deleteIfExists(dir.resolve(name));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return this;
    }

    /** The Flyway location, {@code filesystem:<dir>}. */
    public String location() {
        return "filesystem:" + dir.toAbsolutePath();
    }

    public Path dir() {
        return dir;
    }
}

package dev.strata.migration;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The application migrations the fan-out tests deploy, one version after another, each set a
 * directory of its own ({@code filesystem:} location): V1 creates a tenant table, V2 adds a column
 * and an index (waiting first, in any database where a test holds {@link #GATE}, for it to be
 * released), V3 fails where a tenant stored a row with the note {@link #POISON}.
 */
final class MigrationSets {
    /** The advisory lock V2 takes (shared) first: a test holding it exclusively in a database holds V2 there. */
    static final long GATE = 4242_1313L;
    static final String POISON = "poison";

    static final String V1 = """
            CREATE TABLE items (
                tenant_id uuid NOT NULL,
                id bigint GENERATED ALWAYS AS IDENTITY,
                note text,
                PRIMARY KEY (tenant_id, id)
            );
            """;
    static final String V2 = "SELECT pg_advisory_xact_lock_shared(" + GATE + ");\n"
            + "ALTER TABLE items ADD COLUMN tags text;\n"
            + "CREATE INDEX items_tags ON items (tenant_id, tags);\n";
    static final String V3 = """
            DO $$
            BEGIN
                IF EXISTS (SELECT 1 FROM items WHERE note = 'poison') THEN
                    RAISE EXCEPTION 'a poisoned row stops this migration here';
                END IF;
            END
            $$;
            ALTER TABLE items ADD COLUMN rating integer;
            """;

    private MigrationSets() {
    }

    /** A location with V1 up to the given version. */
    static String upTo(Path root, int version) {
        return write(root.resolve("v" + version), version, null);
    }

    /** Like {@link #upTo}, but V2's script is changed (after it was applied elsewhere). */
    static String upToWithChangedV2(Path root, int version) {
        return write(root.resolve("v" + version + "-changed"), version, V2 + "-- changed after it was applied\n");
    }

    private static String write(Path dir, int version, String v2) {
        try {
            Files.createDirectories(dir);
            String[] scripts = {V1, v2 == null ? V2 : v2, V3};
            String[] names = {"V1__items.sql", "V2__item_tags.sql", "V3__item_rating.sql"};
            for (int i = 0; i < version; i++) {
                Files.writeString(dir.resolve(names[i]), scripts[i]);
            }
            return "filesystem:" + dir.toAbsolutePath();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

package dev.strata.internal.migration;

import dev.strata.ErrorCode;
import dev.strata.StrataException;
import org.flywaydb.core.api.FlywayException;
import org.flywaydb.core.api.Location;
import org.flywaydb.core.api.MigrationVersion;
import org.flywaydb.core.api.configuration.ClassicConfiguration;
import org.flywaydb.core.api.migration.JavaMigration;
import org.flywaydb.core.api.resource.LoadableResource;
import org.flywaydb.core.internal.parser.PlaceholderReplacingReader;
import org.flywaydb.core.internal.resolver.ChecksumCalculator;
import org.flywaydb.core.internal.resource.ResourceName;
import org.flywaydb.core.internal.resource.ResourceNameParser;
import org.flywaydb.core.internal.scanner.Scanner;

import java.io.IOException;
import java.io.Reader;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The application's tenant migrations, resolved once from the configured Flyway locations
 * ({@link dev.strata.StrataConfig#tenantMigrations()}), ordered by Flyway's version ordering.
 * Immutable and thread-safe.
 *
 * <p>Flyway does the resolution: its scanner reads {@code classpath:} and {@code filesystem:}
 * locations (failing on a missing one), its parser validates the {@code V<version>__<desc>.sql}
 * naming, its checksum is the one recorded in each history (so Flyway tooling agrees with
 * Strata), and its placeholder reader replaces {@code ${name}} placeholders. Only versioned SQL
 * migrations are supported: Java migrations, repeatable ({@code R__}), undo ({@code U<n>__}) and
 * callback scripts are refused, since every app schema must reach the same state from its
 * history alone, inside one transaction per target.
 *
 * <p>The per-target Flyway placeholders ({@link #TARGET_PLACEHOLDERS}, e.g.
 * {@code ${flyway:defaultSchema}}) are left in {@link TenantMigration#sql()} and replaced by
 * {@link SchemaMigrator} for each schema; every other placeholder must have a value at resolve time.
 */
public final class TenantMigrationSet {
    /** Flyway's built-in placeholders whose value depends on the target, replaced when it is migrated. */
    public static final List<String> TARGET_PLACEHOLDERS = List.of("flyway:defaultSchema", "flyway:database",
            "flyway:user", "flyway:table", "flyway:timestamp", "flyway:filename", "flyway:workingDirectory",
            "flyway:environment");

    private static final TenantMigrationSet EMPTY = new TenantMigrationSet(List.of());

    private final List<TenantMigration> migrations;

    private TenantMigrationSet(List<TenantMigration> migrations) {
        this.migrations = List.copyOf(migrations);
    }

    /** A set without migrations (an application that keeps no tables of its own yet). */
    public static TenantMigrationSet empty() {
        return EMPTY;
    }

    /**
     * Resolves the migrations in the given locations.
     *
     * @throws dev.strata.StrataException {@link dev.strata.ErrorCode#INVALID_CONFIGURATION} for a
     *         missing location, a badly named script, or two scripts with one version
     */
    public static TenantMigrationSet resolve(List<String> locations) {
        return resolve(locations, Map.of());
    }

    /**
     * Resolves the migrations in the given locations, replacing the given placeholders
     * ({@code ${name}}) in their text (checksums are of the scripts as written, as Flyway's are).
     *
     * @throws dev.strata.StrataException {@link dev.strata.ErrorCode#INVALID_CONFIGURATION} for a
     *         missing location, a badly named or unsupported script, two scripts with one version,
     *         a Java migration, or a placeholder without a value
     */
    public static TenantMigrationSet resolve(List<String> locations, Map<String, String> placeholders) {
        if (locations.isEmpty()) {
            return EMPTY;
        }
        ClassicConfiguration configuration = new ClassicConfiguration(TenantMigrationSet.class.getClassLoader());
        try {
            configuration.setLocationsAsStrings(locations.toArray(String[]::new));
        } catch (FlywayException e) {
            throw invalid("Tenant migration locations " + locations + " are not valid: " + e.getMessage(), e);
        }
        configuration.setFailOnMissingLocations(true);
        configuration.setValidateMigrationNaming(true);
        configuration.setPlaceholders(placeholders);

        Collection<LoadableResource> resources;
        Collection<Class<? extends JavaMigration>> classes;
        try {
            Location[] scanned = configuration.getLocations();
            Scanner<JavaMigration> scanner = new Scanner<>(JavaMigration.class, configuration, scanned);
            resources = scanner.getResources("", configuration.getSqlMigrationSuffixes());
            classes = scanner.getClasses();
        } catch (FlywayException e) {
            throw invalid("Cannot read the tenant migrations in " + locations + ": " + e.getMessage()
                    + ". Check that every location exists (classpath:<package path> or filesystem:<directory>)", e);
        }
        if (!classes.isEmpty()) {
            throw invalid("Java migrations are not supported as tenant migrations: " + classes.stream().map(Class::getName)
                    .sorted().toList() + " in " + locations + ". Write them as SQL scripts V<version>__<description>.sql");
        }

        ResourceNameParser parser = new ResourceNameParser(configuration);
        Map<MigrationVersion, TenantMigration> byVersion = new HashMap<>();
        Map<MigrationVersion, String> where = new HashMap<>();
        for (LoadableResource resource : resources) {
            String file = resource.getFilename();
            ResourceName name = parser.parse(file);
            String path = resource.getAbsolutePath();
            if (!name.isValid()) {
                throw invalid("Tenant migration " + path + " is badly named: " + name.getValidityMessage()
                        + ". Name it V<version>__<description>.sql, e.g. V2__add_invoices.sql");
            }
            if (!configuration.getSqlMigrationPrefix().equals(name.getPrefix()) || name.getVersion() == null) {
                throw invalid("Tenant migration " + path + " is not a versioned migration (prefix '" + name.getPrefix()
                        + "'): repeatable, undo and callback scripts are not supported. Name it V<version>__<description>.sql");
            }
            MigrationVersion version = name.getVersion();
            if (byVersion.containsKey(version)) {
                throw invalid("Two tenant migrations have version " + version + ": " + where.get(version) + " and " + path
                        + ". Give each migration a version of its own");
            }
            String sql;
            try {
                sql = replacePlaceholders(resource, placeholders);
            } catch (FlywayException e) {
                throw invalid("Tenant migration " + path + ": " + e.getMessage()
                        + ". Give the placeholder a value or escape it", e);
            }
            MigrationStatements.requireRunnableInTransaction(path, sql);
            int checksum = ChecksumCalculator.calculate(resource);
            byVersion.put(version, new TenantMigration(version.getVersion(), name.getDescription(), file, checksum, sql));
            where.put(version, path);
        }
        List<TenantMigration> ordered = new ArrayList<>(byVersion.values());
        ordered.sort(Comparator.comparing(m -> MigrationVersion.fromVersion(m.version())));
        return new TenantMigrationSet(ordered);
    }

    private static String replacePlaceholders(LoadableResource resource, Map<String, String> placeholders) {
        Map<String, String> values = new LinkedHashMap<>(placeholders);
        for (String target : TARGET_PLACEHOLDERS) {
            values.put(target, "${" + target + "}");
        }
        StringWriter out = new StringWriter();
        try (Reader in = new PlaceholderReplacingReader("${", "}", ":", values, resource.read())) {
            in.transferTo(out);
        } catch (IOException e) {
            throw invalid("Cannot read tenant migration " + resource.getAbsolutePath() + ": " + e.getMessage(), e);
        }
        String text = out.toString();
        return text.startsWith("\uFEFF") ? text.substring(1) : text;
    }

    private static StrataException invalid(String message, Throwable cause) {
        return new StrataException(ErrorCode.INVALID_CONFIGURATION, message, cause);
    }

    private static StrataException invalid(String message) {
        return new StrataException(ErrorCode.INVALID_CONFIGURATION, message);
    }

    /** Every migration, oldest first. */
    public List<TenantMigration> migrations() {
        return migrations;
    }

    /** The newest version, empty if there are no migrations. */
    public Optional<String> latestVersion() {
        return migrations.isEmpty() ? Optional.empty() : Optional.of(migrations.get(migrations.size() - 1).version());
    }

    /**
     * The migrations newer than {@code appliedVersion} ({@code null}: none applied), oldest first,
     * by Flyway's version ordering ({@code 1.10} is newer than {@code 1.9}).
     */
    public List<TenantMigration> pendingAfter(String appliedVersion) {
        if (appliedVersion == null) {
            return migrations;
        }
        MigrationVersion applied = MigrationVersion.fromVersion(appliedVersion);
        return migrations.stream().filter(m -> MigrationVersion.fromVersion(m.version()).isNewerThan(applied)).toList();
    }

    /**
     * Compares two version texts by Flyway's ordering ({@code null} is older than any version).
     */
    public static int compareVersions(String a, String b) {
        if (a == null || b == null) {
            return a == null ? (b == null ? 0 : -1) : 1;
        }
        return MigrationVersion.fromVersion(a).compareTo(MigrationVersion.fromVersion(b));
    }

    /** Whether {@code version} is a valid Flyway version text. */
    public static boolean isVersion(String version) {
        try {
            MigrationVersion.fromVersion(version);
            return version != null && !version.isBlank();
        } catch (RuntimeException e) {
            return false;
        }
    }
}

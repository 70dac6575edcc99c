package dev.strata.server.cli;

import dev.strata.server.runtime.Environment;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The application's tenant migrations of a command that starts Strata: the {@code --migrations}
 * options (repeatable, in order), else {@code STRATA_MIGRATIONS} (comma-separated), else the
 * command's default. Checked before anything starts: each must be {@code classpath:<path>} or
 * {@code filesystem:<existing directory>}, none twice; the message names the option or variable.
 */
final class MigrationLocations {
    /** The environment variable read when no {@code --migrations} is given. */
    static final String VARIABLE = "STRATA_MIGRATIONS";
    static final String OPTION = "--migrations";

    private static final Pattern LOCATION = Pattern.compile("(classpath|filesystem):\\S.*");

    private MigrationLocations() {
    }

    /**
     * @param options  the {@code --migrations} values ({@code null} or empty: none given)
     * @param fallback used when neither the option nor the variable is given
     * @throws ParameterException a usage error (exit code 2) naming the option or variable
     */
    static List<String> resolve(CommandSpec spec, List<String> options, Environment env, List<String> fallback) {
        List<String> given;
        String source;
        if (options != null && !options.isEmpty()) {
            given = options;
            source = OPTION;
        } else if (env.variables().containsKey(VARIABLE) && env.get(VARIABLE).isEmpty()) {
            throw new ParameterException(spec.commandLine(), VARIABLE + " is set but empty: give one or more "
                    + "locations separated by commas (classpath:<path> or filesystem:<dir>), or unset it");
        } else if (env.get(VARIABLE).isPresent()) {
            given = List.of(env.get(VARIABLE).get().split(",", -1));
            source = VARIABLE;
        } else {
            return fallback;
        }
        List<String> locations = new ArrayList<>();
        Set<String> seen = new LinkedHashSet<>();
        for (String raw : given) {
            String location = raw == null ? "" : raw.strip();
            if (location.isEmpty()) {
                throw new ParameterException(spec.commandLine(), "Invalid value for " + source + ": an empty location"
                        + (source.equals(VARIABLE) ? " (two commas in a row, or one at either end)" : "")
                        + ": give classpath:<path> or filesystem:<dir>");
            }
            if (!LOCATION.matcher(location).matches()) {
                throw new ParameterException(spec.commandLine(), "Invalid value for " + source + ": '" + location
                        + "': use classpath:<path> (e.g. classpath:db/tenant) or filesystem:<dir> (e.g. filesystem:/srv/app/migrations)");
            }
            if (location.startsWith("filesystem:")) {
                Path dir = Path.of(location.substring("filesystem:".length()));
                if (!Files.isDirectory(dir)) {
                    throw new ParameterException(spec.commandLine(), "Invalid value for " + source + ": '" + location
                            + "': " + dir.toAbsolutePath().normalize() + (Files.exists(dir) ? " is not a directory"
                            : " does not exist") + "; give the directory holding the V<version>__<description>.sql scripts");
                }
            }
            if (!seen.add(location)) {
                throw new ParameterException(spec.commandLine(), "Invalid value for " + source + ": '" + location
                        + "' is given twice: give each location once");
            }
            locations.add(location);
        }
        return List.copyOf(locations);
    }
}

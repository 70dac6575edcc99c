package dev.strata.server.runtime;

import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * What a command reads from its surroundings: environment variables, the user's home, and the raw
 * standard input and output (for archives given as {@code -}). Passed in rather than read from
 * {@link System} so tests can run commands with an environment of their own.
 *
 * @param variables environment variables
 * @param userHome  the user's home directory
 * @param stdin     standard input, as bytes
 * @param stdout    standard output, as bytes (commands print text through picocli's writer instead)
 */
public record Environment(Map<String, String> variables, Path userHome, InputStream stdin, OutputStream stdout) {

    public Environment {
        variables = Map.copyOf(variables);
    }

    /** An environment with this process's standard input and output. */
    public Environment(Map<String, String> variables, Path userHome) {
        this(variables, userHome, System.in, System.out);
    }

    /** This process's environment. */
    public static Environment system() {
        return new Environment(System.getenv(), Path.of(System.getProperty("user.home")));
    }

    /** A variable's value, if set and not blank. */
    public Optional<String> get(String name) {
        String value = variables.get(name);
        return value == null || value.isBlank() ? Optional.empty() : Optional.of(value);
    }

    /**
     * The data directory: the option if given, else {@code STRATA_HOME}, else {@code ~/.strata}.
     * It holds the embedded PostgreSQL ({@code pg/}), its superuser password and the admin API key.
     */
    public Path dataDir(Path option) {
        if (option != null) {
            return option.toAbsolutePath().normalize();
        }
        return get("STRATA_HOME").map(Path::of).orElse(userHome.resolve(".strata")).toAbsolutePath().normalize();
    }
}

package dev.strata.server.cli;

import java.util.Locale;
import java.util.Optional;

/** How a client command prints what the API answered: a table (or key-value block) for people, or the data as JSON or YAML. */
enum OutputFormat {
    TABLE, JSON, YAML;

    static Optional<OutputFormat> parse(String text) {
        for (OutputFormat f : values()) {
            if (f.name().toLowerCase(Locale.ROOT).equals(text.strip())) {
                return Optional.of(f);
            }
        }
        return Optional.empty();
    }
}

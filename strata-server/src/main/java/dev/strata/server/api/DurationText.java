package dev.strata.server.api;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Durations as people type them, shared by the REST API and the CLI: a whole number and a unit
 * ({@code 500ms}, {@code 30s}, {@code 5m}, {@code 2h}, {@code 1d}), or ISO-8601 ({@code PT5M});
 * a bare {@code 0} is zero.
 */
public final class DurationText {
    /** What {@link #parse} accepts, for messages. */
    public static final String ACCEPTED = "a whole number with ms, s, m, h or d (500ms, 30s, 5m, 2h, 1d) or ISO-8601 (PT5M)";

    private static final Pattern SHORT = Pattern.compile("(\\d{1,18})(ms|s|m|h|d)");

    private DurationText() {
    }

    /** The duration, or empty if the text is neither form (negative ISO-8601 durations parse). */
    public static Optional<Duration> parse(String text) {
        if (text == null) {
            return Optional.empty();
        }
        String t = text.strip().toLowerCase(Locale.ROOT);
        if (t.equals("0")) {
            return Optional.of(Duration.ZERO);
        }
        Matcher m = SHORT.matcher(t);
        try {
            if (m.matches()) {
                long n = Long.parseLong(m.group(1));
                return Optional.of(switch (m.group(2)) {
                    case "ms" -> Duration.ofMillis(n);
                    case "s" -> Duration.ofSeconds(n);
                    case "m" -> Duration.ofMinutes(n);
                    case "h" -> Duration.ofHours(n);
                    default -> Duration.ofDays(n);
                });
            }
            if (t.startsWith("p") || t.startsWith("-p")) {
                return Optional.of(Duration.parse(t));
            }
        } catch (ArithmeticException | DateTimeParseException | NumberFormatException e) {
            return Optional.empty();
        }
        return Optional.empty();
    }

    /** The shortest exact form in the largest unit that divides it ({@code 1500ms}, {@code 2s}, {@code 5m}, ...). */
    public static String format(Duration d) {
        long ms = d.toMillis();
        if (ms != 0 && ms % 86_400_000 == 0) {
            return ms / 86_400_000 + "d";
        }
        if (ms != 0 && ms % 3_600_000 == 0) {
            return ms / 3_600_000 + "h";
        }
        if (ms != 0 && ms % 60_000 == 0) {
            return ms / 60_000 + "m";
        }
        if (ms % 1000 == 0) {
            return ms / 1000 + "s";
        }
        return ms + "ms";
    }
}

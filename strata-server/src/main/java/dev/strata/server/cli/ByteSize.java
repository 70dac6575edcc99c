package dev.strata.server.cli;

import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Byte counts as people type them: a whole number, optionally with a binary unit ({@code 1048576},
 * {@code 512k}, {@code 256MiB}, {@code 1g}; k, m and g are 1024-based).
 */
final class ByteSize {
    static final String ACCEPTED = "a whole number of bytes, optionally with k, m or g (KiB, MiB, GiB): 1048576, 512k, 256m, 1g";
    private static final Pattern SIZE = Pattern.compile("([0-9]{1,18})\\s*(|b|k|kb|kib|m|mb|mib|g|gb|gib)");

    private ByteSize() {
    }

    /** The count, or empty if the text is not one or is zero or overflows. */
    static Optional<Long> parse(String text) {
        if (text == null) {
            return Optional.empty();
        }
        Matcher m = SIZE.matcher(text.strip().toLowerCase(Locale.ROOT));
        if (!m.matches()) {
            return Optional.empty();
        }
        long n = Long.parseLong(m.group(1));
        int shift = switch (m.group(2)) {
            case "k", "kb", "kib" -> 10;
            case "m", "mb", "mib" -> 20;
            case "g", "gb", "gib" -> 30;
            default -> 0;
        };
        if (n == 0 || n > (Long.MAX_VALUE >> shift)) {
            return Optional.empty();
        }
        return Optional.of(n << shift);
    }
}

package dev.strata.internal.registry;

import dev.strata.ErrorCode;
import dev.strata.StrataException;

import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;

/** Validation of user-supplied tenant keys, shared by the API, the CLI and the library. */
public final class TenantRules {
    private static final Pattern SLUG = Pattern.compile("[a-z][a-z0-9-]{1,62}");
    private static final Pattern UUID_TEXT =
            Pattern.compile("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");
    private static final int MAX_DISPLAY_NAME = 200;
    private static final int MAX_REGION = 64;

    private TenantRules() {
    }

    /**
     * Checks a slug for a new tenant: 2-63 characters of a-z, 0-9 and '-', starting with a letter,
     * and not shaped like a tenant id (a slug such as {@code abcdef01-2345-...} would be read as
     * an id wherever a tenant is named by id or slug).
     */
    public static String requireValidSlug(String slug) {
        if (slug == null || slug.isEmpty()) {
            throw new StrataException(ErrorCode.INVALID_SLUG, "A slug is required: 2-63 characters of a-z, 0-9 and '-', starting with a letter");
        }
        if (!SLUG.matcher(slug).matches()) {
            throw new StrataException(ErrorCode.INVALID_SLUG, "Invalid slug '" + printable(slug)
                    + "': use 2-63 characters of a-z, 0-9 and '-', starting with a letter");
        }
        if (UUID_TEXT.matcher(slug).matches()) {
            throw new StrataException(ErrorCode.INVALID_SLUG, "Invalid slug '" + slug
                    + "': it has the shape of a tenant id (UUID), so it would be read as an id; choose a slug that is not a UUID");
        }
        return slug;
    }

    /**
     * Checks a display name (optional: blank gives {@code fallback}): at most
     * {@value #MAX_DISPLAY_NAME} characters (code points), surrounding white space stripped, and
     * none of the characters that can disguise text: controls (Unicode Cc, including tab and line
     * feed), format characters (Cf: bidirectional overrides and isolates, zero-width characters,
     * the byte-order mark, ...), line and paragraph separators (Zl, Zp), unpaired surrogates,
     * private-use and unassigned code points.
     */
    public static String requireValidDisplayName(String name, String fallback) {
        if (name == null || name.isBlank()) {
            return fallback;
        }
        String stripped = name.strip();
        int length = stripped.codePointCount(0, stripped.length());
        if (length > MAX_DISPLAY_NAME) {
            throw new StrataException(ErrorCode.INVALID_ARGUMENT,
                    "Display name is " + length + " characters long: at most " + MAX_DISPLAY_NAME + " are allowed");
        }
        for (int i = 0; i < stripped.length(); ) {
            int cp = stripped.codePointAt(i);
            String kind = disallowed(cp);
            if (kind != null) {
                throw new StrataException(ErrorCode.INVALID_ARGUMENT, String.format(
                        "Display name contains %s U+%04X at character %d: use visible characters and spaces only",
                        kind, cp, stripped.codePointCount(0, i) + 1));
            }
            i += Character.charCount(cp);
        }
        return stripped;
    }

    /** What kind of character a display name may not hold, or {@code null} if it may hold it. */
    private static String disallowed(int cp) {
        return switch (Character.getType(cp)) {
            case Character.CONTROL -> "the control character";
            case Character.FORMAT -> "the invisible format character";
            case Character.LINE_SEPARATOR, Character.PARAGRAPH_SEPARATOR -> "the line separator";
            case Character.SURROGATE -> "an unpaired surrogate";
            case Character.PRIVATE_USE -> "the private-use character";
            case Character.UNASSIGNED -> "the unassigned code point";
            default -> null;
        };
    }

    /** Checks a region label (optional). */
    public static String requireValidRegion(String region) {
        if (region == null || region.isBlank()) {
            return null;
        }
        if (region.length() > MAX_REGION || !region.matches("[A-Za-z0-9._-]+")) {
            throw new StrataException(ErrorCode.INVALID_ARGUMENT,
                    "Invalid region '" + printable(region) + "': use up to 64 letters, digits, '.', '_' or '-'");
        }
        return region;
    }

    /** A tenant key is either an id or a slug; says which, or refuses text that is neither. */
    public static Optional<UUID> parseIdOrValidateSlug(String key) {
        if (key == null || key.isBlank()) {
            throw new StrataException(ErrorCode.INVALID_ARGUMENT, "A tenant id or slug is required");
        }
        String k = key.trim();
        if (UUID_TEXT.matcher(k).matches()) {
            return Optional.of(UUID.fromString(k));
        }
        if (!SLUG.matcher(k).matches()) {
            throw new StrataException(ErrorCode.INVALID_ARGUMENT,
                    "'" + printable(k) + "' is neither a tenant id (UUID) nor a valid slug");
        }
        return Optional.empty();
    }

    /** Parses a tenant id. */
    public static UUID parseId(String text) {
        if (text == null || !UUID_TEXT.matcher(text.trim()).matches()) {
            throw new StrataException(ErrorCode.INVALID_ARGUMENT, "'" + printable(text) + "' is not a tenant id (UUID)");
        }
        return UUID.fromString(text.trim());
    }

    /** Shortens and neutralises user text before it is echoed in an error message. */
    public static String printable(String text) {
        if (text == null) {
            return "null";
        }
        StringBuilder cleaned = new StringBuilder();
        text.codePoints().forEach(cp -> cleaned.appendCodePoint(disallowed(cp) == null ? cp : '?'));
        return cleaned.length() > 80 ? cleaned.substring(0, 77) + "..." : cleaned.toString();
    }
}

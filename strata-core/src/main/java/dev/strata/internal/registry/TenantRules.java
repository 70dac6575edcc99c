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

    /** Checks a slug for a new tenant. */
    public static String requireValidSlug(String slug) {
        if (slug == null || slug.isEmpty()) {
            throw new StrataException(ErrorCode.INVALID_SLUG, "A slug is required: 2-63 characters of a-z, 0-9 and '-', starting with a letter");
        }
        if (!SLUG.matcher(slug).matches()) {
            throw new StrataException(ErrorCode.INVALID_SLUG, "Invalid slug '" + printable(slug)
                    + "': use 2-63 characters of a-z, 0-9 and '-', starting with a letter");
        }
        return slug;
    }

    /** Checks a display name (optional, bounded, no control characters). */
    public static String requireValidDisplayName(String name, String fallback) {
        if (name == null || name.isBlank()) {
            return fallback;
        }
        if (name.length() > MAX_DISPLAY_NAME || name.chars().anyMatch(c -> c < 0x20)) {
            throw new StrataException(ErrorCode.INVALID_ARGUMENT,
                    "Display name must be at most " + MAX_DISPLAY_NAME + " characters without control characters");
        }
        return name.strip();
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
        String cleaned = text.replaceAll("\\p{Cntrl}", "?");
        return cleaned.length() > 80 ? cleaned.substring(0, 77) + "..." : cleaned;
    }
}

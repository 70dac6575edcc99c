package dev.strata.internal.neon;

import dev.strata.ErrorCode;
import dev.strata.StrataException;

import java.net.URI;
import java.util.Objects;

/**
 * Where a Neon plane's API is and the key that opens it. Immutable; {@link #toString()} never shows
 * the key.
 *
 * @param apiUrl the API's base URL ({@code https://console.neon.tech/api/v2}, or a neon-local's)
 * @param apiKey the Neon API key
 */
public record NeonAccount(URI apiUrl, String apiKey) {
    /** Neon's own API. */
    public static final URI NEON = URI.create("https://console.neon.tech/api/v2");

    public NeonAccount {
        Objects.requireNonNull(apiUrl, "apiUrl");
        if (!"https".equals(apiUrl.getScheme()) && !"http".equals(apiUrl.getScheme())) {
            throw new StrataException(ErrorCode.INVALID_CONFIGURATION,
                    "The Neon API URL must be http(s)://...: '" + apiUrl + "'");
        }
        if (apiKey == null || apiKey.isBlank()) {
            throw new StrataException(ErrorCode.INVALID_CONFIGURATION, "The Neon API key is empty");
        }
        apiKey = apiKey.strip();
        String text = apiUrl.toString();
        if (text.endsWith("/")) {
            apiUrl = URI.create(text.substring(0, text.length() - 1));
        }
    }

    @Override
    public String toString() {
        return "NeonAccount[" + apiUrl + ", key ***]";
    }
}

package dev.strata.internal.plane;

import dev.strata.NeonOptions;

import java.net.URI;

/**
 * A registered Neon plane's settings, as read from the registry. Holds the API key, so it never
 * leaves Strata's internals; {@link #toString()} never shows it. Immutable.
 */
public record NeonPlaneSettings(String key, URI apiUrl, String apiKey, String region, NeonOptions.Layout placement,
                                String templateProject, String templateBranch, boolean pooled,
                                java.time.Duration coldStartTimeout) {
    public NeonPlaneSettings {
        coldStartTimeout = coldStartTimeout == null ? NeonOptions.DEFAULT_COLD_START_TIMEOUT : coldStartTimeout;
    }

    @Override
    public String toString() {
        return "NeonPlaneSettings[" + key + ", " + apiUrl + ", key ***, " + placement.wireName() + "]";
    }
}

package dev.strata;

import java.net.URI;
import java.util.Objects;

/**
 * How a Neon plane ({@link NewPlane#neon}) reaches its Neon account and places T1s there.
 * Immutable; {@link #toString()} never shows the API key.
 *
 * @param apiUrl          the API's base URL ({@link #NEON_API} unless a stand-in's, e.g. {@code strata neon-local})
 * @param apiKey          the Neon API key (kept like the other plane credentials: only Strata's
 *                        administrator role reads it)
 * @param placement       a Neon project per T1 ({@link Layout#PROJECT}, Neon's own guidance) or a branch
 *                        per T1 in shared projects ({@link Layout#BRANCH})
 * @param templateProject branch placement: the project whose default branch T1 branches are made from;
 *                        {@code null} for none
 * @param templateBranch  branch placement: the branch (id) T1 branches are made from, {@code null} for
 *                        none; without either, Strata makes a shared project whose default branch
 *                        it migrates and uses as the template
 * @param pooled          whether tenant traffic goes through each endpoint's pooled address (Neon's
 *                        {@code -pooler} host, PgBouncer in transaction mode)
 * @param coldStartTimeout how long a connection to a suspended compute is retried while it wakes
 *                        (default {@link #DEFAULT_COLD_START_TIMEOUT}); 1 s to 5 min
 */
public record NeonOptions(URI apiUrl, String apiKey, Layout placement, String templateProject, String templateBranch,
                          boolean pooled, java.time.Duration coldStartTimeout) {
    /** How long a connection to a waking compute is retried unless configured otherwise. */
    public static final java.time.Duration DEFAULT_COLD_START_TIMEOUT = java.time.Duration.ofSeconds(10);
    /** Neon's own API. */
    public static final URI NEON_API = URI.create("https://console.neon.tech/api/v2");

    /** Where a T1's data goes on a Neon plane. */
    public enum Layout {
        /** A Neon project per T1. */
        PROJECT,
        /** A child branch of a template branch per T1, in projects the plane shares. */
        BRANCH;

        public String wireName() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }

        /**
         * @throws StrataException {@link ErrorCode#INVALID_ARGUMENT} for anything but {@code project} or {@code branch}
         */
        public static Layout fromWire(String text) {
            if (text != null) {
                for (Layout l : values()) {
                    if (l.wireName().equals(text.strip().toLowerCase(java.util.Locale.ROOT))) {
                        return l;
                    }
                }
            }
            throw new StrataException(ErrorCode.INVALID_ARGUMENT, "Unknown Neon placement '" + text
                    + "': use 'project' (a Neon project per T1) or 'branch' (a branch per T1)");
        }
    }

    public NeonOptions {
        Objects.requireNonNull(apiUrl, "apiUrl");
        if (!"https".equals(apiUrl.getScheme()) && !"http".equals(apiUrl.getScheme())) {
            throw new StrataException(ErrorCode.INVALID_ARGUMENT, "The Neon API URL must be http(s)://...: '" + apiUrl + "'");
        }
        if (apiKey == null || apiKey.isBlank()) {
            throw new StrataException(ErrorCode.INVALID_ARGUMENT, "The Neon API key is empty");
        }
        apiKey = apiKey.strip();
        placement = placement == null ? Layout.PROJECT : placement;
        coldStartTimeout = coldStartTimeout == null ? DEFAULT_COLD_START_TIMEOUT : coldStartTimeout;
        if (coldStartTimeout.compareTo(java.time.Duration.ofSeconds(1)) < 0
                || coldStartTimeout.compareTo(java.time.Duration.ofMinutes(5)) > 0) {
            throw new StrataException(ErrorCode.INVALID_ARGUMENT, "The cold-start timeout must be between 1 s and 5 min, not "
                    + coldStartTimeout.toMillis() + " ms");
        }
        templateProject = blankToNull(templateProject);
        templateBranch = blankToNull(templateBranch);
        if (templateProject != null && templateBranch != null) {
            throw new StrataException(ErrorCode.INVALID_ARGUMENT,
                    "Give one of --template-project and --template-branch, not both");
        }
        if (placement == Layout.PROJECT && (templateProject != null || templateBranch != null)) {
            throw new StrataException(ErrorCode.INVALID_ARGUMENT, "A template project or branch applies to branch placement"
                    + " only: Neon cannot copy a branch into another project, so in project placement each new project"
                    + " is migrated by Strata. Use --placement branch with a template, or leave the template out");
        }
    }

    /** Project placement on the given API. */
    public static NeonOptions of(URI apiUrl, String apiKey) {
        return new NeonOptions(apiUrl, apiKey, Layout.PROJECT, null, null, false, null);
    }

    public NeonOptions withPlacement(Layout value) {
        return new NeonOptions(apiUrl, apiKey, value, templateProject, templateBranch, pooled, coldStartTimeout);
    }

    public NeonOptions withTemplateProject(String value) {
        return new NeonOptions(apiUrl, apiKey, placement, value, templateBranch, pooled, coldStartTimeout);
    }

    public NeonOptions withTemplateBranch(String value) {
        return new NeonOptions(apiUrl, apiKey, placement, templateProject, value, pooled, coldStartTimeout);
    }

    public NeonOptions withPooled(boolean value) {
        return new NeonOptions(apiUrl, apiKey, placement, templateProject, templateBranch, value, coldStartTimeout);
    }

    public NeonOptions withColdStartTimeout(java.time.Duration value) {
        return new NeonOptions(apiUrl, apiKey, placement, templateProject, templateBranch, pooled, value);
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.strip();
    }

    @Override
    public String toString() {
        return "NeonOptions[" + apiUrl + ", key ***, placement " + placement.wireName()
                + (templateProject != null ? ", template project " + templateProject : "")
                + (templateBranch != null ? ", template branch " + templateBranch : "") + (pooled ? ", pooled" : "") + "]";
    }
}

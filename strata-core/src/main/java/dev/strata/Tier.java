package dev.strata;

/**
 * A tenant's level in the hierarchy: the one operator (T0), its partners (T1), their customers (T2).
 */
public enum Tier {
    T0(0), T1(1), T2(2);

    private final int level;

    Tier(int level) {
        this.level = level;
    }

    /** 0, 1 or 2, as stored in {@code platform.tenants.tier} and passed to {@code set_tenant_context}. */
    public int level() {
        return level;
    }

    /** The tier a parent of this tier must have, or {@code null} for T0. */
    public Tier parentTier() {
        return this == T0 ? null : values()[level - 1];
    }

    /**
     * Reads a tier from its level (0, 1, 2) or name ({@code T1}, {@code t2}).
     *
     * @throws StrataException {@link ErrorCode#INVALID_ARGUMENT} for anything else
     */
    public static Tier parse(String text) {
        if (text != null) {
            String t = text.trim().toUpperCase(java.util.Locale.ROOT);
            for (Tier tier : values()) {
                if (t.equals(tier.name()) || t.equals(Integer.toString(tier.level))) {
                    return tier;
                }
            }
        }
        throw new StrataException(ErrorCode.INVALID_ARGUMENT,
                "Unknown tier '" + text + "': use 0, 1 or 2 (T0 is the operator, T1 a partner, T2 a customer)");
    }

    /** The tier with the given level. */
    public static Tier ofLevel(int level) {
        if (level < 0 || level > 2) {
            throw new StrataException(ErrorCode.INVALID_ARGUMENT, "Unknown tier level " + level + ": use 0, 1 or 2");
        }
        return values()[level];
    }
}

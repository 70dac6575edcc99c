package dev.strata.neonlocal;

import java.security.SecureRandom;
import java.util.UUID;

/** Neon-style identifiers ({@code br-quiet-sun-a1b2c3d4}) and passwords. Thread-safe. */
final class Ids {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final String[] ADJECTIVES = {"quiet", "bold", "misty", "rapid", "silent", "young", "wild",
            "calm", "dark", "green", "proud", "lucky", "small", "sweet", "cool", "plain"};
    private static final String[] NOUNS = {"sun", "river", "leaf", "hill", "cloud", "wave", "field", "stone",
            "frost", "bird", "moon", "star", "lake", "wind", "pond", "snow"};
    private static final String ALNUM = "abcdefghijklmnopqrstuvwxyz0123456789";

    private Ids() {
    }

    static String project() {
        return words() + "-" + digits(8);
    }

    static String branch() {
        return "br-" + words() + "-" + alnum(8);
    }

    static String endpoint() {
        return "ep-" + words() + "-" + alnum(8);
    }

    static String operation() {
        return UUID.randomUUID().toString();
    }

    static String password() {
        return "npg_" + alnum(16);
    }

    private static String words() {
        return ADJECTIVES[RANDOM.nextInt(ADJECTIVES.length)] + "-" + NOUNS[RANDOM.nextInt(NOUNS.length)];
    }

    private static String digits(int n) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < n; i++) {
            b.append((char) ('0' + RANDOM.nextInt(10)));
        }
        return b.toString();
    }

    private static String alnum(int n) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < n; i++) {
            b.append(ALNUM.charAt(RANDOM.nextInt(ALNUM.length())));
        }
        return b.toString();
    }
}

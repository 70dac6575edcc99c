package dev.strata.server.runtime;

/** The root of a command line ({@code Main}, or the client-only {@code ClientMain}): what its commands run in. */
public interface CommandRoot {
    /** The environment the command runs in. */
    Environment environment();
}

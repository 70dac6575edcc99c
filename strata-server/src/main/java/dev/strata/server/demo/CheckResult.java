package dev.strata.server.demo;

/**
 * The outcome of one isolation check.
 *
 * @param name   what is checked, as a snake_case specification
 * @param passed whether isolation held
 * @param detail what was observed (counts, refusals), or why it failed
 */
public record CheckResult(String name, boolean passed, String detail) {

    static CheckResult pass(String name, String detail) {
        return new CheckResult(name, true, detail);
    }

    static CheckResult fail(String name, String detail) {
        return new CheckResult(name, false, detail);
    }
}

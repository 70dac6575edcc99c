package dev.strata.bench;

/**
 * One benchmark figure with the baseline measured in the same run.
 *
 * @param name     stable identifier
 * @param value    the measured figure
 * @param unit     its unit
 * @param baseline the same figure for the baseline
 * @param ratio    {@code value / baseline}
 * @param target   the target in words ({@code "ratio >= 0.95"}, {@code "value <= 250"}), or {@code null}
 * @param met      whether the target was met, {@code null} without a target
 */
record Result(String name, double value, String unit, double baseline, double ratio, String target, Boolean met) {

    /** A figure whose ratio to the baseline must be at least {@code min} (throughputs). */
    static Result atLeast(String name, double value, String unit, double baseline, double min) {
        double ratio = value / baseline;
        return new Result(name, value, unit, baseline, ratio, "ratio >= " + min, ratio >= min);
    }

    /** A figure whose ratio to the baseline must be at most {@code max} (latencies). */
    static Result atMost(String name, double value, String unit, double baseline, double max) {
        double ratio = value / baseline;
        return new Result(name, value, unit, baseline, ratio, "ratio <= " + max, ratio <= max);
    }

    /** A figure whose value must be at most {@code max} in its unit. */
    static Result valueAtMost(String name, double value, String unit, double baseline, double max) {
        return new Result(name, value, unit, baseline, value / baseline, "value <= " + max, value <= max);
    }

    /** A figure reported with its baseline but without a target. */
    static Result reported(String name, double value, String unit, double baseline) {
        return new Result(name, value, unit, baseline, value / baseline, null, null);
    }
}

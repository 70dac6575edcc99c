package dev.strata.server.cli;

import dev.strata.server.runtime.Environment;
import dev.strata.server.runtime.Logging;
import picocli.CommandLine;
import picocli.CommandLine.Option;

import java.time.DateTimeException;
import java.time.ZoneId;

/** {@code --log-level}, {@code --log-format}, {@code --log-zone}: on the root, inherited by every command. */
public final class LogOptions {
    @Option(names = "--log-level", paramLabel = "LEVEL", scope = CommandLine.ScopeType.INHERIT,
            description = "Log level: error, warn, info, debug or trace (default: $STRATA_LOG_LEVEL, else info).")
    String level;

    @Option(names = "--log-format", paramLabel = "text|json", scope = CommandLine.ScopeType.INHERIT,
            description = "Log format on standard error: text lines or one JSON object per line "
                    + "(default: $STRATA_LOG_FORMAT, else text).")
    String format;

    @Option(names = "--log-zone", paramLabel = "ZONE", scope = CommandLine.ScopeType.INHERIT,
            description = "Time zone of the log timestamps, e.g. UTC or Europe/Berlin (default: $STRATA_LOG_ZONE, else "
                    + "the system's); they always carry date, time and offset.")
    String zone;

    /**
     * Applies the options (or their variables); a bad value is a usage error. With none given the
     * logging backend is left alone (it starts with logback.xml's defaults when first used), so a
     * client command that logs nothing does not pay for starting it.
     */
    void apply(CommandLine commandLine, Environment environment) {
        String lvl = setting(level, environment, "STRATA_LOG_LEVEL");
        String fmt = setting(format, environment, "STRATA_LOG_FORMAT");
        String zn = setting(zone, environment, "STRATA_LOG_ZONE");
        if (lvl == null && fmt == null && zn == null && !Logging.configured()) {
            return;
        }
        var parsedLevel = Logging.level(lvl == null ? "info" : lvl).orElseThrow(() -> new CommandLine.ParameterException(
                commandLine, "Invalid log level '" + lvl + "' (" + source(level, "--log-level", "STRATA_LOG_LEVEL")
                        + "): use error, warn, info, debug or trace"));
        var parsedFormat = Logging.format(fmt == null ? "text" : fmt).orElseThrow(() -> new CommandLine.ParameterException(
                commandLine, "Invalid log format '" + fmt + "' (" + source(format, "--log-format", "STRATA_LOG_FORMAT")
                        + "): use text or json"));
        ZoneId zoneId;
        try {
            zoneId = zn == null ? ZoneId.systemDefault() : ZoneId.of(zn.strip());
        } catch (DateTimeException e) {
            throw new CommandLine.ParameterException(commandLine, "Invalid log zone '" + zn + "' ("
                    + source(zone, "--log-zone", "STRATA_LOG_ZONE") + "): use a zone id such as UTC or Europe/Berlin");
        }
        Logging.configure(parsedLevel, parsedFormat, zoneId);
    }

    private static String setting(String option, Environment environment, String variable) {
        return option != null ? option : environment.get(variable).orElse(null);
    }

    private static String source(String option, String flag, String variable) {
        return option != null ? flag : variable;
    }
}

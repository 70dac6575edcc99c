package dev.strata.server.cli;

import dev.strata.server.api.DurationText;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

import java.time.Duration;

/** Option values such as {@code 500ms}, {@code 2s}, {@code 1m} or {@code PT5M}; anything else is a usage error. */
final class DurationConverter implements ITypeConverter<Duration> {
    @Override
    public Duration convert(String value) {
        return DurationText.parse(value).orElseThrow(() ->
                new TypeConversionException("'" + value + "' is not a duration: use " + DurationText.ACCEPTED));
    }
}

package dev.strata.server.runtime;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.CoreConstants;
import ch.qos.logback.core.LayoutBase;
import ch.qos.logback.core.encoder.Encoder;
import ch.qos.logback.core.encoder.LayoutWrappingEncoder;
import com.fasterxml.jackson.core.io.JsonStringEncoder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The process's log output on standard error (standard output carries command output): level,
 * format ({@code text}, one line per event, or {@code json}, one JSON object per line) and the
 * zone of the timestamps, which always carry date, time and offset. Every line about a tenant's
 * work carries its id ({@code tenant=<id>}, or the {@code tenant} field), from the MDC. Applied
 * once per command, before it runs; not meant to be changed concurrently.
 */
public final class Logging {
    /** The appender of {@code logback.xml}. */
    static final String APPENDER = "STDERR";
    static final String TEXT_PATTERN = "%d{yyyy-MM-dd'T'HH:mm:ss.SSSXXX,ZONE} %-5level [%thread] %logger{24} tenant=%X{tenant:--} - %msg%n";

    /** A log format. */
    public enum Format { TEXT, JSON }

    private static volatile boolean configured;

    private Logging() {
    }

    /** Whether {@link #configure} ran in this process (so a later command without options goes back to the defaults). */
    public static boolean configured() {
        return configured;
    }

    /** The level named (error, warn, info, debug or trace, any case), if it is one. */
    public static Optional<Level> level(String text) {
        return switch (text.strip().toLowerCase(Locale.ROOT)) {
            case "error" -> Optional.of(Level.ERROR);
            case "warn", "warning" -> Optional.of(Level.WARN);
            case "info" -> Optional.of(Level.INFO);
            case "debug" -> Optional.of(Level.DEBUG);
            case "trace" -> Optional.of(Level.TRACE);
            default -> Optional.empty();
        };
    }

    public static Optional<Format> format(String text) {
        return switch (text.strip().toLowerCase(Locale.ROOT)) {
            case "text" -> Optional.of(Format.TEXT);
            case "json" -> Optional.of(Format.JSON);
            default -> Optional.empty();
        };
    }

    /** Applies level, format and zone to the root logger's console appenders. */
    public static void configure(Level level, Format format, ZoneId zone) {
        if (!(LoggerFactory.getILoggerFactory() instanceof LoggerContext context)) {
            return; // another SLF4J backend: its own configuration rules
        }
        configured = true;
        ch.qos.logback.classic.Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
        root.setLevel(level);
        for (var it = root.iteratorForAppenders(); it.hasNext(); ) {
            if (it.next() instanceof ConsoleAppender<ILoggingEvent> console) {
                reformat(context, console, format, zone);
            }
        }
    }

    /** Gives a console appender (logback.xml's {@value #APPENDER}, or a test configuration's) the format asked for. */
    private static void reformat(LoggerContext context, ConsoleAppender<ILoggingEvent> console, Format format, ZoneId zone) {
        Encoder<ILoggingEvent> encoder;
        if (format == Format.JSON) {
            LayoutWrappingEncoder<ILoggingEvent> json = new LayoutWrappingEncoder<>();
            JsonLineLayout layout = new JsonLineLayout(zone);
            layout.setContext(context);
            layout.start();
            json.setLayout(layout);
            json.setCharset(StandardCharsets.UTF_8);
            encoder = json;
        } else {
            PatternLayoutEncoder text = new PatternLayoutEncoder();
            text.setPattern(TEXT_PATTERN.replace("ZONE", zone.getId()));
            text.setCharset(StandardCharsets.UTF_8);
            encoder = text;
        }
        encoder.setContext(context);
        encoder.start();
        console.stop();
        console.setEncoder(encoder);
        console.start();
    }

    /** One JSON object per event: timestamp (ISO 8601 with offset), level, logger, thread, tenant, message, MDC, exception. */
    static final class JsonLineLayout extends LayoutBase<ILoggingEvent> {
        private final DateTimeFormatter timestamps;

        JsonLineLayout(ZoneId zone) {
            this.timestamps = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSXXX").withZone(zone);
        }

        @Override
        public String doLayout(ILoggingEvent event) {
            StringBuilder b = new StringBuilder(256).append('{');
            field(b, "timestamp", timestamps.format(Instant.ofEpochMilli(event.getTimeStamp())));
            field(b.append(','), "level", event.getLevel().toString());
            field(b.append(','), "logger", event.getLoggerName());
            field(b.append(','), "thread", event.getThreadName());
            Map<String, String> mdc = event.getMDCPropertyMap() == null ? Map.of() : new TreeMap<>(event.getMDCPropertyMap());
            String tenant = mdc.remove("tenant");
            if (tenant != null) {
                field(b.append(','), "tenant", tenant);
            }
            field(b.append(','), "message", event.getFormattedMessage());
            if (!mdc.isEmpty()) {
                b.append(",\"mdc\":{");
                boolean first = true;
                for (Map.Entry<String, String> e : mdc.entrySet()) {
                    if (!first) {
                        b.append(',');
                    }
                    field(b, e.getKey(), e.getValue());
                    first = false;
                }
                b.append('}');
            }
            if (event.getThrowableProxy() != null) {
                field(b.append(','), "exception", ThrowableProxyUtil.asString(event.getThrowableProxy()));
            }
            return b.append('}').append(CoreConstants.LINE_SEPARATOR).toString();
        }

        private static void field(StringBuilder b, String name, String value) {
            b.append('"').append(JsonStringEncoder.getInstance().quoteAsString(name)).append("\":");
            if (value == null) {
                b.append("null");
            } else {
                b.append('"').append(JsonStringEncoder.getInstance().quoteAsString(value)).append('"');
            }
        }
    }
}

package dev.strata.server.testing;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import org.slf4j.LoggerFactory;

import java.util.List;

/** The events of a few loggers while a test runs; close to stop capturing. */
public final class CapturedLogs implements AutoCloseable {
    private final ListAppender<ILoggingEvent> appender = new ListAppender<>();
    private final List<Logger> loggers;

    public CapturedLogs(Class<?>... sources) {
        appender.start();
        loggers = java.util.Arrays.stream(sources).map(c -> (Logger) LoggerFactory.getLogger(c)).toList();
        loggers.forEach(l -> l.addAppender(appender));
    }

    /** Formatted messages at exactly this level. */
    public synchronized List<String> at(Level level) {
        return appender.list.stream().filter(e -> e.getLevel() == level).map(ILoggingEvent::getFormattedMessage).toList();
    }

    /** Every event so far. */
    public synchronized List<ILoggingEvent> events() {
        return List.copyOf(appender.list);
    }

    /** Events that carried a stack trace. */
    public List<ILoggingEvent> withStackTraces() {
        return appender.list.stream().filter(e -> e.getThrowableProxy() != null).toList();
    }

    @Override
    public void close() {
        loggers.forEach(l -> l.detachAppender(appender));
        appender.stop();
    }
}

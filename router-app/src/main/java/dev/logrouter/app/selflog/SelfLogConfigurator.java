package dev.logrouter.app.selflog;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.filter.ThresholdFilter;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ConfiguratorRank;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.spi.ContextAwareBase;

/**
 * Configures the router's own logging in code (no XML parsing at start-up): every line goes into the
 * journal through {@link JournalAppender}; warnings and errors also go to stderr, so a console sink
 * does not print each line twice. {@code LOGROUTER_LOG_LEVEL} sets the level (default {@code INFO}).
 * With {@code -Dlogback.configurationFile=...} the given file is used instead.
 */
@ConfiguratorRank(ConfiguratorRank.CUSTOM_HIGH_PRIORITY)
public final class SelfLogConfigurator extends ContextAwareBase implements Configurator {

    @Override
    public ExecutionStatus configure(LoggerContext context) {
        if (System.getProperty("logback.configurationFile") != null) {
            return ExecutionStatus.INVOKE_NEXT_IF_ANY;
        }
        JournalAppender journal = new JournalAppender();
        journal.setContext(context);
        journal.setName("JOURNAL");
        journal.start();

        PatternLayoutEncoder encoder = new PatternLayoutEncoder();
        encoder.setContext(context);
        encoder.setPattern("%d{yyyy-MM-dd'T'HH:mm:ss.SSSXXX,UTC} logrouter %level %logger{20}: %msg%n");
        encoder.start();
        ThresholdFilter warnings = new ThresholdFilter();
        warnings.setLevel("WARN");
        warnings.start();
        ConsoleAppender<ILoggingEvent> stderr = new ConsoleAppender<>();
        stderr.setContext(context);
        stderr.setName("STDERR");
        stderr.setTarget("System.err");
        stderr.setEncoder(encoder);
        stderr.addFilter(warnings);
        stderr.start();

        Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
        root.setLevel(Level.toLevel(System.getenv("LOGROUTER_LOG_LEVEL"), Level.INFO));
        root.addAppender(journal);
        root.addAppender(stderr);
        context.getLogger("io.netty").setLevel(Level.WARN);
        context.getLogger("reactor").setLevel(Level.WARN);
        // The Kafka producer logs its whole config at INFO, and a warning per reconnect attempt while
        // brokers are down; the kafka sink's state already carries the last error.
        context.getLogger("org.apache.kafka").setLevel(Level.WARN);
        context.getLogger("org.apache.kafka.clients.NetworkClient").setLevel(Level.ERROR);
        return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
    }
}

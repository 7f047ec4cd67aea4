package dev.logrouter.sinks.kafka;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.Uuid;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;
import org.awaitility.core.TerminalFailureException;

/**
 * A real Apache Kafka broker (the {@code kafka_2.13} server artifact) in KRaft combined mode
 * (broker and controller in one process), run as a child JVM on 127.0.0.1 with free ports and its
 * log dir in a temp dir. The storage is formatted first with {@code kafka.tools.StorageTool}, as
 * {@code kafka-storage format} does. {@link #stop()} and {@link #kill()} wait for the process to
 * end; {@link #start()} starts it again on the same ports and data.
 */
final class KafkaBroker implements AutoCloseable {

    static final String SASL_USER = "router";
    static final String SASL_PASSWORD = "router-secret";

    private final Path dir;
    private final Path config;
    private final Path log;
    private final int port;
    private final int controllerPort;
    private final int saslPort;
    private Process process;

    /**
     * @param dir            a fresh temp dir for the config, data and the broker's output
     * @param messageMaxBytes the broker's {@code message.max.bytes}
     */
    KafkaBroker(Path dir, int messageMaxBytes) throws IOException, InterruptedException {
        this.dir = dir;
        this.port = freePort();
        int c;
        do {
            c = freePort();
        } while (c == port);
        this.controllerPort = c;
        int sp;
        do {
            sp = freePort();
        } while (sp == port || sp == controllerPort);
        this.saslPort = sp;
        this.config = dir.resolve("server.properties");
        this.log = dir.resolve("broker.log");
        Properties p = new Properties();
        p.putAll(Map.ofEntries(
                Map.entry("process.roles", "broker,controller"),
                Map.entry("node.id", "1"),
                Map.entry("controller.quorum.voters", "1@127.0.0.1:" + controllerPort),
                Map.entry("listeners", "PLAINTEXT://127.0.0.1:" + port + ",SASL_PLAINTEXT://127.0.0.1:" + saslPort
                        + ",CONTROLLER://127.0.0.1:" + controllerPort),
                Map.entry("advertised.listeners", "PLAINTEXT://127.0.0.1:" + port + ",SASL_PLAINTEXT://127.0.0.1:"
                        + saslPort),
                // a SASL/PLAIN listener with one client user, SASL_USER / SASL_PASSWORD
                Map.entry("sasl.enabled.mechanisms", "PLAIN"),
                Map.entry("listener.name.sasl_plaintext.plain.sasl.jaas.config",
                        "org.apache.kafka.common.security.plain.PlainLoginModule required username=\"admin\""
                                + " password=\"admin-secret\" user_admin=\"admin-secret\" user_" + SASL_USER + "=\""
                                + SASL_PASSWORD + "\";"),
                Map.entry("controller.listener.names", "CONTROLLER"),
                Map.entry("inter.broker.listener.name", "PLAINTEXT"),
                Map.entry("listener.security.protocol.map",
                        "PLAINTEXT:PLAINTEXT,SASL_PLAINTEXT:SASL_PLAINTEXT,CONTROLLER:PLAINTEXT"),
                Map.entry("log.dirs", dir.resolve("data").toString()),
                Map.entry("num.partitions", "3"),
                Map.entry("auto.create.topics.enable", "true"),
                Map.entry("offsets.topic.replication.factor", "1"),
                Map.entry("offsets.topic.num.partitions", "1"),
                Map.entry("transaction.state.log.replication.factor", "1"),
                Map.entry("transaction.state.log.min.isr", "1"),
                Map.entry("share.coordinator.state.topic.replication.factor", "1"),
                Map.entry("share.coordinator.state.topic.min.isr", "1"),
                Map.entry("group.initial.rebalance.delay.ms", "0"),
                // a restarted broker waits for its previous registration's session to expire
                Map.entry("broker.session.timeout.ms", "2000"),
                Map.entry("broker.heartbeat.interval.ms", "500"),
                Map.entry("num.network.threads", "2"),
                Map.entry("num.io.threads", "2"),
                Map.entry("background.threads", "2"),
                Map.entry("log.flush.interval.messages", String.valueOf(Long.MAX_VALUE)),
                Map.entry("message.max.bytes", String.valueOf(messageMaxBytes))));
        try (var w = Files.newBufferedWriter(config)) {
            p.store(w, "logrouter test broker");
        }
        Files.writeString(dir.resolve("logback.xml"), """
                <configuration>
                  <appender name="OUT" class="ch.qos.logback.core.ConsoleAppender">
                    <encoder><pattern>%d{HH:mm:ss.SSS} %-5level %logger{30} - %msg%n</pattern></encoder>
                  </appender>
                  <root level="WARN"><appender-ref ref="OUT"/></root>
                </configuration>
                """);
        Process format = java("kafka.tools.StorageTool", "format", "--config", config.toString(),
                "--cluster-id", Uuid.randomUuid().toString(), "--ignore-formatted");
        if (!format.waitFor(60, TimeUnit.SECONDS)) {
            format.destroyForcibly().waitFor();
            throw new IOException("kafka storage format timed out: " + output());
        }
        if (format.exitValue() != 0) {
            throw new IOException("kafka storage format failed (" + format.exitValue() + "): " + output());
        }
    }

    String bootstrap() {
        return "127.0.0.1:" + port;
    }

    /** The SASL_PLAINTEXT listener (mechanism PLAIN, user {@link #SASL_USER}). */
    String saslBootstrap() {
        return "127.0.0.1:" + saslPort;
    }

    /** Starts the broker and waits until it answers (at most 90 s). */
    void start() throws IOException, InterruptedException {
        if (process != null && process.isAlive()) {
            return;
        }
        process = java("kafka.Kafka", config.toString());
        Properties a = new Properties();
        a.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap());
        a.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "2000");
        a.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "3000");
        a.put(AdminClientConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, "200");
        Process started = process;
        try (Admin admin = Admin.create(a)) {
            Awaitility.await("kafka broker answering on " + bootstrap()).atMost(Duration.ofSeconds(90))
                    .pollInterval(Duration.ofMillis(200))
                    .failFast("kafka broker exited", () -> !started.isAlive())
                    .until(() -> answers(admin));
        } catch (TerminalFailureException exited) {
            throw new IOException("kafka broker exited (" + started.exitValue() + "): " + output(), exited);
        } catch (ConditionTimeoutException silent) {
            throw new IOException("kafka broker did not answer within 90 s: " + output(), silent);
        }
    }

    private static boolean answers(Admin admin) throws InterruptedException {
        try {
            return !admin.describeCluster().nodes().get(3, TimeUnit.SECONDS).isEmpty();
        } catch (ExecutionException | java.util.concurrent.TimeoutException notYet) {
            return false; // not listening yet
        }
    }

    /** Stops the broker with SIGKILL (a crash) and waits for it. */
    void kill() throws InterruptedException {
        if (process != null) {
            process.destroyForcibly();
            process.waitFor(30, TimeUnit.SECONDS);
        }
    }

    /** Stops the broker with SIGTERM (an orderly shutdown), SIGKILL after 20 s, and waits for it. */
    void stop() throws InterruptedException {
        if (process != null && process.isAlive()) {
            process.destroy();
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                kill();
            }
        }
    }

    /** CPU time the broker process has used so far, or zero when unknown. */
    Duration cpu() {
        return process == null ? Duration.ZERO : process.toHandle().info().totalCpuDuration().orElse(Duration.ZERO);
    }

    boolean running() {
        return process != null && process.isAlive();
    }

    @Override
    public void close() throws InterruptedException {
        stop();
    }

    /** The broker's output so far (last 4000 characters). */
    String output() {
        try {
            String s = Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "";
            return s.length() > 4000 ? s.substring(s.length() - 4000) : s;
        } catch (IOException e) {
            return "(cannot read " + log + ": " + e + ")";
        }
    }

    private Process java(String mainClass, String... args) throws IOException {
        String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        // Tests want a quick start and a small heap; bench/kafka passes the options of a real broker.
        String opts = System.getProperty("kafka.broker.jvm.options",
                "-Xms64m -Xmx512m -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Xss512k");
        cmd.addAll(List.of(opts.trim().split("\\s+")));
        cmd.addAll(List.of("-Djava.awt.headless=true", "-Dlogback.configurationFile=" + dir.resolve("logback.xml"),
                "-cp", cp, mainClass));
        cmd.addAll(List.of(args));
        return new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket()) {
            s.bind(new InetSocketAddress("127.0.0.1", 0));
            return s.getLocalPort();
        }
    }
}

package dev.logrouter.core.exec;

import dev.logrouter.core.framing.StreamLineReader;
import dev.logrouter.core.record.Level;
import dev.logrouter.core.record.LevelPrefix;
import dev.logrouter.core.record.LogRecord;
import dev.logrouter.core.source.Demand;
import dev.logrouter.core.source.LogSource;
import dev.logrouter.core.source.SourceHealth;
import dev.logrouter.core.source.SourceFlux;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;
import reactor.util.retry.Retry;

/**
 * Runs a command and turns its stdout and stderr into records of one service ({@code stream}
 * {@code stdout} / {@code stderr}), restarting it per {@link RestartPolicy} with exponential backoff.
 * Start, exit and exit code are reported as records of service {@code logrouter} with fields
 * {@code exec}, {@code pid} and {@code exit_code}; a failed start and a non-zero exit are also
 * logged (stderr) and show in {@link #health()}. With {@code level_prefix} a line's leading
 * {@code <N>} sets its level ({@link LevelPrefix}).
 *
 * <p>{@link #records()}: cold; each subscription runs its own process. Lines are read on two threads
 * per process; when the subscriber has no demand they are buffered in the flux until requested (the
 * router always requests without bound). Cancelling sends SIGTERM to the process and its
 * descendants, then SIGKILL after {@link ExecSpec#stopTimeout()}. Nothing is replayed.
 */
public final class ExecSource implements LogSource {

    private static final Logger LOG = LoggerFactory.getLogger(ExecSource.class);

    /** A command that ended and must run again: what {@link #restartBackoff()} retries. */
    private static final Restart RESTART = new Restart();

    /** Retry.backoff skips the timer for a zero delay; the state and restart count need it armed. */
    private static final Duration MIN_DELAY = Duration.ofMillis(1);

    private final ExecSpec spec;
    private final Scheduler timer;
    private final AtomicReference<String> state = new AtomicReference<>("running");
    /** Whether the run that ended before the pending restart failed (read when the restart timer is armed). */
    private final java.util.concurrent.atomic.AtomicBoolean failedBeforeRestart = new java.util.concurrent.atomic.AtomicBoolean();
    private final AtomicLong errors = new AtomicLong();
    private final AtomicLong restarts = new AtomicLong();
    private volatile String lastError;
    private volatile Integer lastExitCode;

    public ExecSource(ExecSpec spec) {
        // a restart starts a process (fork/exec blocks): on a thread that may block, never parallel()
        this(spec, Schedulers.boundedElastic());
    }

    /** @param timer drives restart backoff and idle flushes (a virtual-time scheduler in tests) */
    public ExecSource(ExecSpec spec, Scheduler timer) {
        this.spec = spec;
        this.timer = timer;
    }

    @Override
    public String name() {
        return spec.name();
    }

    @Override
    public String type() {
        return "exec";
    }

    public ExecSpec spec() {
        return spec;
    }

    @Override
    public SourceHealth health() {
        return new SourceHealth(state.get(), errors.get(), lastError, restarts.get(), lastExitCode);
    }

    @Override
    public Flux<LogRecord> records() {
        return Flux.defer(() -> {
            AtomicReference<Integer> lastExit = new AtomicReference<>();
            return Flux.defer(() -> runOnce(lastExit))
                    .concatWith(Mono.defer(() -> afterExit(lastExit.get())))
                    .retryWhen(restartBackoff());
        });
    }

    /** Ends the records, or signals {@link #RESTART} for {@link #restartBackoff()} to run the command again. */
    private Mono<LogRecord> afterExit(Integer exit) {
        boolean failed = exit == null || exit != 0;
        if (!shouldRestart(exit)) {
            state.set(failed ? "failed" : "stopped");
            return Mono.empty();
        }
        failedBeforeRestart.set(failed);
        return Mono.error(RESTART);
    }

    /**
     * Restart number n (0-based) waits {@code backoff_min * 2^n}, capped at {@code backoff_max}. The
     * count never starts again: a command that keeps exiting waits longer and longer, whatever it
     * printed (so not {@code transientErrors}). No jitter: one process on one host, nothing to spread.
     */
    private Retry restartBackoff() {
        // Retry.backoff needs 0 < min <= max; the config checks min <= max, a spec built in code may not
        Duration min = spec.backoffMin().compareTo(MIN_DELAY) < 0 ? MIN_DELAY : spec.backoffMin();
        Duration max = spec.backoffMax().compareTo(min) < 0 ? min : spec.backoffMax();
        return Retry.backoff(Long.MAX_VALUE, min).maxBackoff(max).jitter(0)
                .filter(e -> e == RESTART)
                .scheduler(new ArmingTimer())
                .doAfterRetry(signal -> restarts.incrementAndGet());
    }

    /**
     * The timer, telling when a restart delay is armed on it: only then does the state say
     * "restarting" (or "exited"), so whoever sees that state can move (virtual) time and see the restart.
     */
    private final class ArmingTimer implements Scheduler {
        @Override
        public Disposable schedule(Runnable task) {
            return timer.schedule(task);
        }

        @Override
        public Disposable schedule(Runnable task, long delay, TimeUnit unit) {
            Disposable armed = timer.schedule(task, delay, unit);
            state.set(failedBeforeRestart.get() ? "restarting" : "exited");
            return armed;
        }

        @Override
        public Worker createWorker() {
            return timer.createWorker();
        }

        @Override
        public long now(TimeUnit unit) {
            return timer.now(unit);
        }
    }

    /** A signal, not a failure: one shared instance, without a stack trace. */
    private static final class Restart extends RuntimeException {
        Restart() {
            super("exec: restart", null, false, false);
        }
    }

    boolean shouldRestart(Integer exit) {
        switch (spec.restart()) {
            case ALWAYS:
                return true;
            case ON_FAILURE:
                return exit == null || exit != 0;
            default:
                return false;
        }
    }

    private Flux<LogRecord> runOnce(AtomicReference<Integer> lastExit) {
        return SourceFlux.create(sink -> {
            ProcessBuilder pb = new ProcessBuilder(spec.command());
            pb.environment().putAll(spec.env());
            if (spec.workingDir() != null) {
                pb.directory(spec.workingDir().toFile());
            }
            pb.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
            Process p;
            try {
                p = pb.start();
            } catch (IOException | RuntimeException e) {
                lastExit.set(null);
                String msg = "cannot start " + spec.command() + ": " + reason(e);
                failure(msg);
                LOG.error(ALREADY_RECORDED, "exec {}: {}", spec.name(), msg);
                sink.next(event(Level.ERR, "exec " + spec.name() + ": " + msg, -1, null));
                sink.complete();
                return;
            }
            state.set("running");
            long pid = p.pid();
            sink.next(event(Level.INFO, "exec " + spec.name() + ": started pid " + pid + " " + spec.command(), pid, null));
            // the child's pipes are read only while there is demand: a full block sink blocks the child's writes
            Demand<LogRecord> demand = Demand.of(sink);
            Thread out = reader(demand.gate(p.getInputStream()), "stdout", demand);
            Thread err = reader(demand.gate(p.getErrorStream()), "stderr", demand);
            Thread waiter = new Thread(() -> {
                try {
                    int code = p.waitFor();
                    out.join();
                    err.join();
                    lastExit.set(code);
                    lastExitCode = code;
                    if (code != 0) {
                        failure("pid " + pid + " exited with code " + code);
                        LOG.warn(ALREADY_RECORDED, "exec {}: pid {} exited with code {}", spec.name(), pid, code);
                    }
                    Level level = code == 0 ? Level.INFO : Level.WARNING;
                    sink.next(event(level, "exec " + spec.name() + ": pid " + pid + " exited with code " + code,
                            pid, code));
                    sink.complete();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }, "exec-" + spec.name() + "-wait");
            waiter.setDaemon(true);
            waiter.start();
            sink.onDispose(() -> {
                if (p.isAlive()) {
                    stop(p);
                }
            });
        });
    }

    private void failure(String msg) {
        errors.incrementAndGet();
        lastError = msg;
    }

    /** The reason of a failed start without Java class names ("No such file or directory"). */
    private static String reason(Exception e) {
        String m = e.getMessage() == null ? e.toString() : e.getMessage();
        int i = m.indexOf("error=");
        if (i >= 0 && m.indexOf(", ", i) > 0) {
            return m.substring(m.indexOf(", ", i) + 2);
        }
        return m;
    }

    private Thread reader(InputStream in, String stream, Demand<LogRecord> sink) {
        // only the first piece of a line cut into partial pieces can carry a level prefix
        boolean[] continuation = {false};
        StreamLineReader.LineConsumer records = (line, partial, readTime) -> {
            LogRecord r = LogRecord.ofUtf8(readTime, spec.name(), spec.service(), stream,
                    Level.INFO, line, Map.of(), partial ? LogRecord.Kind.PARTIAL : LogRecord.Kind.NORMAL);
            if (spec.levelPrefix() && !continuation[0]) {
                r = LevelPrefix.apply(r);
            }
            continuation[0] = partial;
            sink.next(r);
        };
        StreamLineReader lines = new StreamLineReader(spec.maxLineBytes(), spec.idleFlush(), timer, records);
        Thread t = new Thread(() -> {
            try (in) {
                lines.readToEnd(in);
            } catch (IOException e) {
                // the pipe closes when the process is killed; what was read is already flushed
            }
        }, "exec-" + spec.name() + "-" + stream);
        t.setDaemon(true);
        t.start();
        return t;
    }

    private void stop(Process p) {
        p.descendants().forEach(ProcessHandle::destroy);
        p.destroy();
        try {
            if (!p.waitFor(spec.stopTimeout().toMillis(), TimeUnit.MILLISECONDS)) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
                p.waitFor(spec.stopTimeout().toMillis(), TimeUnit.MILLISECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            p.destroyForcibly();
        }
    }

    private LogRecord event(Level level, String msg, long pid, Integer exitCode) {
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("exec", spec.name());
        if (pid >= 0) {
            f.put("pid", pid);
        }
        if (exitCode != null) {
            f.put("exit_code", exitCode);
        }
        return new LogRecord(LogRecord.NO_CURSOR, LogRecord.now(), spec.name(), LogRecord.SELF_SERVICE, "log", level,
                msg, java.util.Collections.unmodifiableMap(f), LogRecord.Kind.NORMAL);
    }
}

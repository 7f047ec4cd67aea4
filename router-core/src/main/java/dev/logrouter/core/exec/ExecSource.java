package dev.logrouter.core.exec;

import dev.logrouter.core.framing.StreamLineReader;
import dev.logrouter.core.record.Level;
import dev.logrouter.core.record.LogRecord;
import dev.logrouter.core.source.LogSource;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import reactor.core.publisher.Flux;
import reactor.core.publisher.FluxSink;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * Runs a command and turns its stdout and stderr into records of one service ({@code stream}
 * {@code stdout} / {@code stderr}), restarting it per {@link RestartPolicy} with exponential backoff.
 * Start, exit and exit code are reported as records of service {@code logrouter} with fields
 * {@code exec}, {@code pid} and {@code exit_code}.
 *
 * <p>{@link #records()}: cold; each subscription runs its own process. Lines are read on two threads
 * per process; when the subscriber has no demand they are buffered in the flux until requested (the
 * router always requests without bound). Cancelling sends SIGTERM to the process and its
 * descendants, then SIGKILL after {@link ExecSpec#stopTimeout()}. Nothing is replayed.
 */
public final class ExecSource implements LogSource {

    private final ExecSpec spec;
    private final Scheduler timer;

    public ExecSource(ExecSpec spec) {
        this(spec, Schedulers.parallel());
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
    public Flux<LogRecord> records() {
        return Flux.defer(() -> {
            AtomicReference<Integer> lastExit = new AtomicReference<>();
            AtomicInteger attempt = new AtomicInteger();
            return Flux.defer(() -> runOnce(lastExit))
                    .repeatWhen(exits -> exits
                            .takeWhile(ignored -> shouldRestart(lastExit.get()))
                            .concatMap(ignored -> Mono.delay(backoff(attempt.getAndIncrement()), timer)));
        });
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

    /** Delay before restart number {@code n} (0-based): min * 2^n, capped at max. */
    Duration backoff(int n) {
        long min = spec.backoffMin().toMillis();
        long max = spec.backoffMax().toMillis();
        long d = n >= 30 ? max : Math.min(max, min << n);
        return Duration.ofMillis(Math.max(d, 0));
    }

    private Flux<LogRecord> runOnce(AtomicReference<Integer> lastExit) {
        return Flux.create(sink -> {
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
                sink.next(event(Level.ERR, "exec " + spec.name() + ": cannot start " + spec.command() + ": "
                        + e.getMessage(), -1, null));
                sink.complete();
                return;
            }
            long pid = p.pid();
            sink.next(event(Level.INFO, "exec " + spec.name() + ": started pid " + pid + " " + spec.command(), pid, null));
            Thread out = reader(p.getInputStream(), "stdout", sink);
            Thread err = reader(p.getErrorStream(), "stderr", sink);
            Thread waiter = new Thread(() -> {
                try {
                    int code = p.waitFor();
                    out.join();
                    err.join();
                    lastExit.set(code);
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
        }, FluxSink.OverflowStrategy.BUFFER);
    }

    private Thread reader(InputStream in, String stream, FluxSink<LogRecord> sink) {
        StreamLineReader lines = new StreamLineReader(spec.maxLineBytes(), spec.idleFlush(), timer, (line, partial) ->
                sink.next(new LogRecord(LogRecord.NO_CURSOR, LogRecord.now(), spec.name(), spec.service(), stream,
                        Level.INFO, line, Map.of(), partial ? LogRecord.Kind.PARTIAL : LogRecord.Kind.NORMAL)));
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

package dev.logrouter.core.kmsg;

import dev.logrouter.core.metrics.CounterSet;
import dev.logrouter.core.record.Level;
import dev.logrouter.core.record.LogRecord;
import dev.logrouter.core.source.DeliveryReport;
import dev.logrouter.core.source.LogSource;
import dev.logrouter.core.source.SourceFlux;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.FluxSink;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * The kernel log ({@code type: kmsg}): reads {@code /dev/kmsg} one record per {@code read()} on a
 * thread of its own and turns each record into a {@link LogRecord} with {@link KmsgRecordParser}
 * (service and stream {@code kernel}). Wall time is boot time (realtime minus monotonic, re-derived
 * every {@link KmsgSpec#clockRefresh()}) plus the record's µs timestamp.
 *
 * <ul>
 * <li>Records overwritten in the kernel ring before they were read (EPIPE, or any jump in
 * {@code seq}) become one gap record (service {@code logrouter}, stream {@code gap}) with the exact
 * count from the jump and fields {@code first_seq}/{@code last_seq}, just before the next record.
 * <li>A {@code seq} that goes backwards (the ring restarted, a rewritten fixture) is logged and its
 * records are forwarded, none dropped.
 * <li>With a state file, the last forwarded seq (with boot id and timestamp) is saved every
 * {@link KmsgSpec#stateInterval()} and on stop. Under a router ({@link #trackDelivery}) it is the
 * last seq that every sink routed from this source has delivered (or its disk buffer persisted)
 * instead, so a crash while a sink is behind re-sends those records (duplicates) rather than skips
 * them; the next start forwards exactly the records after
 * it (or a gap for those overwritten meanwhile). After a reboot (other boot id) it reads the new
 * boot's ring from its start. A saved state takes precedence over {@link KmsgSpec#from()}.
 * <li>A device that cannot be opened (no permission: non-root, {@code kernel.dmesg_restrict})
 * gives one error record (service {@code logrouter}) and one log line, then the flux completes;
 * other sources are not affected.
 * </ul>
 *
 * <p>{@link #records()}: cold; each subscription opens the device and starts its own reader thread
 * (use one subscriber per state file). Backpressure: the thread reads the next record only when the
 * subscriber has demand, so nothing piles up in memory; the kernel ring holds what is not read, and
 * what it overwrites meanwhile is reported as a gap. Before the first subscriber nothing is opened;
 * nothing is replayed to a later subscriber (it reads the device again from {@code from} or the
 * state file). Cancelling closes the device (waking a blocked read), stops the thread and saves
 * the state.
 *
 * <p>When {@code path} is a regular file it is read as a fixture of record groups in the device's
 * text format and followed like {@code tail -f} (see {@code docs/kmsg.md}).
 */
public final class KmsgSource implements LogSource {

    private static final Logger LOG = LoggerFactory.getLogger(KmsgSource.class);

    /** Opens the device of one subscription. */
    interface DeviceOpener {
        KmsgDevice open() throws IOException;
    }

    private final KmsgSpec spec;
    private final DeviceOpener opener;
    private final BootClockFactory clocks;
    private final Scheduler timer;
    private final CounterSet counters = new CounterSet();
    private final AtomicLong read = counters.counter("records_read");
    private final AtomicLong malformed = counters.counter("malformed");
    private final AtomicLong lost = counters.counter("lost");
    private final AtomicLong overwritten = counters.counter("overwritten_events");
    /** Set once a router reports deliveries: the state file then follows {@link #delivered}. */
    private volatile boolean deliveryTracked;
    /** Newest record every routed sink delivered or persisted, or null before the first. */
    private volatile Position delivered;
    private volatile Reader current;

    /** A kernel record's place: its seq and its µs timestamp. */
    private record Position(long seq, long clock) {
    }

    /** Makes the boot clock of one subscription. */
    interface BootClockFactory {
        BootClock create();
    }

    public KmsgSource(KmsgSpec spec) {
        // the timer writes the state file: on a thread that may block, never parallel()
        this(spec, Schedulers.boundedElastic());
    }

    /** @param timer runs the periodic state-file save */
    public KmsgSource(KmsgSpec spec, Scheduler timer) {
        this(spec, () -> openPath(spec), () -> BootClock.system(spec.clockRefresh()), timer);
    }

    KmsgSource(KmsgSpec spec, DeviceOpener opener, BootClockFactory clocks, Scheduler timer) {
        this.spec = spec;
        this.opener = opener;
        this.clocks = clocks;
        this.timer = timer;
    }

    static KmsgDevice openPath(KmsgSpec spec) throws IOException {
        Path p = spec.path();
        if (Files.isRegularFile(p)) {
            return new KmsgFileDevice(p, spec.filePoll().toMillis());
        }
        return new KmsgCharDevice(p, spec.bufferSize());
    }

    @Override
    public String name() {
        return spec.name();
    }

    @Override
    public String type() {
        return "kmsg";
    }

    public KmsgSpec spec() {
        return spec;
    }

    /** records_read, malformed, lost, overwritten_events (all subscriptions). */
    @Override
    public CounterSet counters() {
        return counters;
    }

    /** Kernel records read (all subscriptions). */
    public long recordsRead() {
        return read.get();
    }

    /** Records that could not be parsed and were forwarded with a {@code parse_error} field. */
    public long malformed() {
        return malformed.get();
    }

    /** Records lost in the kernel ring (sum of the gap records' counts). */
    public long lost() {
        return lost.get();
    }

    /** Times the device answered EPIPE. */
    public long overwrittenEvents() {
        return overwritten.get();
    }

    /** With a state file, the state follows what the sinks delivered; see the class comment. */
    @Override
    public DeliveryReport trackDelivery() {
        if (spec.stateFile() == null) {
            return null;
        }
        deliveryTracked = true;
        return r -> {
            long seq = KmsgRecordParser.seqOf(r);
            if (seq >= 0) {
                delivered = new Position(seq, KmsgRecordParser.clockOf(r));
                Reader rd = current;
                if (rd != null && rd.stopped) {
                    rd.saveSoon(); // sinks drain after the source stopped: keep the state up with them
                }
            }
        };
    }

    @Override
    public Flux<LogRecord> records() {
        return SourceFlux.create(sink -> {
            Reader reader = new Reader(sink);
            current = reader;
            sink.onRequest(n -> reader.demandChanged());
            sink.onDispose(() -> {
                // stopping joins the reader thread and writes the state file: never on a non-blocking
                // thread (a timer's cancel, e.g. take(Duration)); elsewhere at once, so the state is saved
                if (Schedulers.isInNonBlockingThread()) {
                    Schedulers.boundedElastic().schedule(reader::stop);
                } else {
                    reader.stop();
                }
            });
            reader.start();
        });
    }

    /** Message of the error record for a device that cannot be opened. */
    static String openErrorMessage(String name, Path path, IOException e) {
        String m = String.valueOf(e.getMessage());
        boolean denied = e instanceof AccessDeniedException || m.contains("Operation not permitted")
                || m.contains("Permission denied");
        if (denied) {
            return "kmsg source '" + name + "': no permission to read " + path
                    + " (needs root or CAP_SYSLOG; kernel.dmesg_restrict=" + dmesgRestrict()
                    + "); the kernel log is not collected";
        }
        return "kmsg source '" + name + "': cannot open " + path + ": " + e + "; the kernel log is not collected";
    }

    private static String dmesgRestrict() {
        try {
            return Files.readString(Path.of("/proc/sys/kernel/dmesg_restrict"), StandardCharsets.US_ASCII).trim();
        } catch (IOException | RuntimeException e) {
            return "?";
        }
    }

    /** One subscription: its device, thread, position and state. */
    private final class Reader {
        private final FluxSink<LogRecord> sink;
        private final Object demandLock = new Object();
        private final KmsgRecordParser parser = new KmsgRecordParser(spec.name());
        private final Thread thread;
        private volatile boolean stopped;
        private final java.util.concurrent.atomic.AtomicBoolean savePending = new java.util.concurrent.atomic.AtomicBoolean();
        private KmsgDevice device;
        private volatile long lastSaveNanos = System.nanoTime() - TimeUnit.SECONDS.toNanos(1);
        private volatile Disposable persistTask;
        private String bootId;
        /** Last forwarded record; written by the reader thread, saved by the timer. */
        private volatile long forwardedSeq = -1;
        private volatile long forwardedClock = -1;
        private long savedSeq = -1;
        /** The record being handed to the subscriber; a cancel from inside its onNext means it was delivered. */
        private long inFlightSeq = -1;
        private long inFlightClock = -1;

        Reader(FluxSink<LogRecord> sink) {
            this.sink = sink;
            this.thread = new Thread(this::run, "kmsg-" + spec.name());
            thread.setDaemon(true);
        }

        void start() {
            thread.start();
        }

        void demandChanged() {
            synchronized (demandLock) {
                demandLock.notifyAll();
            }
        }

        void stop() {
            if (Thread.currentThread() == thread && inFlightSeq >= 0) {
                forwardedClock = inFlightClock;
                forwardedSeq = inFlightSeq;
            }
            stopped = true;
            demandChanged();
            closeDevice();
            if (Thread.currentThread() != thread) {
                // no interrupt: the thread may be inside the subscriber's onNext; closing the device
                // wakes a blocked read and every other wait of the loop is bounded
                try {
                    thread.join(TimeUnit.SECONDS.toMillis(2));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            stopPersisting();
            saveState();
        }

        private void stopPersisting() {
            Disposable t = persistTask;
            if (t != null) {
                t.dispose();
            }
        }

        private void closeDevice() {
            KmsgDevice d;
            synchronized (this) {
                d = device;
            }
            if (d != null) {
                try {
                    d.close();
                } catch (IOException e) {
                    LOG.debug("closing {}: {}", spec.path(), e.toString());
                }
            }
        }

        private void run() {
            KmsgDevice dev;
            try {
                dev = opener.open();
            } catch (IOException e) {
                String msg = openErrorMessage(spec.name(), spec.path(), e);
                LOG.error(ALREADY_RECORDED, msg);
                sink.next(selfRecord(Level.ERR, msg, e.toString()));
                sink.complete();
                return;
            }
            synchronized (this) {
                device = dev;
            }
            if (stopped) {
                closeDevice();
                return;
            }
            Exception failure = null;
            try {
                readLoop(dev);
            } catch (IOException | RuntimeException e) {
                failure = e;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                // state saved before the subscriber hears of the end
                closeDevice();
                stopPersisting();
                saveState();
            }
            if (!stopped) {
                if (failure != null) {
                    String msg = "kmsg source '" + spec.name() + "': reading " + spec.path() + " failed: " + failure
                            + "; the kernel log is no longer collected";
                    LOG.error(ALREADY_RECORDED, msg);
                    sink.next(selfRecord(Level.ERR, msg, failure.toString()));
                }
                sink.complete();
            }
        }

        private void readLoop(KmsgDevice dev) throws IOException, InterruptedException {
            BootClock clock = clocks.create();
            bootId = dev.bootId();
            long resumeAfter = -1;
            long resumeClock = -1;
            if (spec.stateFile() != null) {
                KmsgState st = loadState();
                if (st != null && bootId != null && st.bootId() != null && !bootId.equals(st.bootId())) {
                    LOG.info("kmsg source '{}': the machine rebooted since the state was saved (seq {}); "
                            + "reading this boot's kernel log from its start", spec.name(), st.seq());
                } else if (st != null) {
                    resumeAfter = st.seq();
                    resumeClock = st.clock();
                    savedSeq = st.seq();
                    forwardedSeq = st.seq();
                    forwardedClock = st.clock();
                }
                persistTask = timer.schedulePeriodically(this::saveState, spec.stateInterval().toMillis(),
                        spec.stateInterval().toMillis(), TimeUnit.MILLISECONDS);
                if (stopped) {
                    stopPersisting(); // stop() ran before the task existed
                }
            }
            long skipBeforeUsec = -1;
            if (resumeAfter < 0 && spec.from() == KmsgFrom.END && !dev.seekEnd()) {
                skipBeforeUsec = clock.monotonicNanos() / 1000;
            }
            boolean resuming = resumeAfter >= 0;
            boolean first = true;
            boolean epipe = false;
            long lastSeq = -1;
            byte[] buf = new byte[spec.bufferSize()];
            while (!stopped) {
                awaitDemand();
                if (stopped) {
                    break;
                }
                int n = dev.read(buf);
                if (n == KmsgDevice.END) {
                    break;
                }
                if (n == KmsgDevice.AGAIN) {
                    dev.awaitData(1000);
                    continue;
                }
                if (n == KmsgDevice.OVERWRITTEN) {
                    overwritten.incrementAndGet();
                    epipe = true;
                    continue;
                }
                read.incrementAndGet();
                LogRecord rec = parser.parse(buf, 0, n, clock.bootEpochNanos());
                long seq = KmsgRecordParser.seqOf(rec);
                long usec = KmsgRecordParser.clockOf(rec);
                if (seq >= 0) {
                    if (resuming) {
                        boolean otherBoot = first && seq <= resumeAfter && resumeClock >= 0 && usec > resumeClock;
                        boolean backwards = lastSeq >= 0 && seq <= lastSeq;
                        first = false;
                        if (!otherBoot && !backwards && seq <= resumeAfter) {
                            lastSeq = seq;
                            continue;
                        }
                        resuming = false;
                        // past the saved position: count what was overwritten while we were away
                        lastSeq = otherBoot || backwards ? -1 : resumeAfter;
                    }
                    if (skipBeforeUsec >= 0) {
                        if (usec < skipBeforeUsec) {
                            lastSeq = seq;
                            epipe = false;
                            continue;
                        }
                        skipBeforeUsec = -1;
                    }
                    if (lastSeq >= 0 && seq > lastSeq + 1) {
                        emitGap(rec.time(), lastSeq + 1, seq - 1);
                    } else if (lastSeq >= 0 && seq <= lastSeq) {
                        LOG.info("kmsg source '{}': seq went back from {} to {} (kernel ring restarted?); "
                                + "forwarding from there", spec.name(), lastSeq, seq);
                    } else if (epipe && lastSeq < 0) {
                        LOG.warn("kmsg source '{}': records were overwritten before the first one was read; "
                                + "their number is unknown", spec.name());
                    }
                    epipe = false;
                    lastSeq = seq;
                }
                if (KmsgRecordParser.isMalformed(rec)) {
                    malformed.incrementAndGet();
                }
                inFlightSeq = seq;
                inFlightClock = usec;
                sink.next(rec);
                if (seq >= 0) {
                    forwardedClock = usec;
                    forwardedSeq = seq;
                }
                inFlightSeq = -1;
            }
        }

        private void awaitDemand() throws InterruptedException {
            synchronized (demandLock) {
                while (!stopped && sink.requestedFromDownstream() <= 0) {
                    demandLock.wait(1000);
                }
            }
        }

        private void emitGap(long time, long firstSeq, long lastSeq) {
            long count = lastSeq - firstSeq + 1;
            lost.addAndGet(count);
            LogRecord g = LogRecord.gap(time, "kernel ring " + spec.path(), count);
            Map<String, Object> f = new LinkedHashMap<>(g.fields());
            f.put("first_seq", firstSeq);
            f.put("last_seq", lastSeq);
            sink.next(new LogRecord(LogRecord.NO_CURSOR, time, spec.name(), g.service(), g.stream(), g.level(),
                    g.msg(), Collections.unmodifiableMap(f), LogRecord.Kind.GAP));
        }

        private KmsgState loadState() {
            try {
                return KmsgState.read(spec.stateFile());
            } catch (IOException e) {
                LOG.warn(ALREADY_RECORDED, "kmsg source '{}': ignoring unreadable state file: {}; starting from {}",
                        spec.name(),
                        e.getMessage(), spec.from().name().toLowerCase(java.util.Locale.ROOT));
                sink.next(selfRecord(Level.WARNING, "kmsg source '" + spec.name()
                        + "': ignoring unreadable state file " + spec.stateFile(), e.getMessage()));
                return null;
            }
        }

        /**
         * After the stop the sinks still drain (a clean shutdown stops sources first): keep the
         * state with them. A save more than 20ms after the previous one is done at once, so the
         * last report before the process exits is not lost; closer ones are coalesced.
         */
        void saveSoon() {
            if (System.nanoTime() - lastSaveNanos > TimeUnit.MILLISECONDS.toNanos(20)) {
                saveState();
                return;
            }
            if (savePending.compareAndSet(false, true)) {
                try {
                    timer.schedule(() -> {
                        savePending.set(false);
                        saveState();
                    }, 50, TimeUnit.MILLISECONDS);
                } catch (RuntimeException rejected) {
                    savePending.set(false);
                }
            }
        }

        private synchronized void saveState() {
            Path file = spec.stateFile();
            long seq;
            long clock;
            if (deliveryTracked) {
                Position p = delivered;
                if (p == null) {
                    return; // nothing delivered yet: the saved state stays where it was
                }
                seq = p.seq();
                clock = p.clock();
            } else {
                seq = forwardedSeq;
                clock = forwardedClock;
            }
            if (file == null || seq < 0 || seq == savedSeq) {
                return;
            }
            try {
                new KmsgState(bootId, seq, clock).write(file);
                lastSaveNanos = System.nanoTime();
                savedSeq = seq;
            } catch (IOException e) {
                LOG.warn("kmsg source '{}': cannot save state file {}: {}", spec.name(), file, e.toString());
            }
        }

        private LogRecord selfRecord(Level level, String msg, String error) {
            Map<String, Object> f = new LinkedHashMap<>();
            f.put("kmsg", spec.path().toString());
            f.put("error", error);
            return new LogRecord(LogRecord.NO_CURSOR, LogRecord.now(), spec.name(), LogRecord.SELF_SERVICE, "log",
                    level, msg, Collections.unmodifiableMap(f), LogRecord.Kind.NORMAL);
        }
    }
}

package dev.logrouter.core.io;

import reactor.core.Disposable;
import reactor.netty.resources.LoopResources;

/**
 * The event loop a network source reads on: its own, never the shared Reactor Netty loops that sink
 * clients (TCP, metrics) use, so ingest work never delays a sink's connections. A source whose records
 * go to a full {@code when_full: block} sink stops reading by demand (auto-read off, see
 * {@link ReadPause}); its loop never waits, and every sink and every other source keeps running.
 */
public final class IntakeLoops implements Disposable {

    private final LoopResources loops;

    private IntakeLoops(LoopResources loops) {
        this.loops = loops;
    }

    /** One event loop thread, named after the source. */
    public static IntakeLoops forSource(String sourceName) {
        return new IntakeLoops(LoopResources.create("intake-" + sourceName, 1, 1, true));
    }

    public LoopResources resources() {
        return loops;
    }

    @Override
    public void dispose() {
        loops.disposeLater().subscribe();
    }
}

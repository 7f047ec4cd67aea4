package dev.logrouter.core.io;

import reactor.blockhound.BlockHound;
import reactor.blockhound.integration.BlockHoundIntegration;

/**
 * What BlockHound (run by every test suite) may see on a non-blocking thread (a Reactor {@code parallel}
 * worker, a Netty event loop) without failing the test. Only calls proven harmless are listed, each with
 * its reason. Loaded by BlockHound's service loader in tests; never loaded in production (BlockHound is not
 * on the router's class path), so it costs nothing there.
 */
public final class RouterBlockHoundIntegration implements BlockHoundIntegration {

    @Override
    public void applyTo(BlockHound.Builder builder) {
        // Ingest runs on the intake event loops by design. These two locks guard O(1) in-memory work (a
        // journal slot; a buffer's queue and counters) and are never held across a wait or a network
        // call: a contended acquire parks for the other holder's few microseconds. A full block buffer
        // answers FULL instead of waiting (see SinkBuffer#tryOffer), which is what BlockHound would catch.
        builder.allowBlockingCallsInside("dev.logrouter.core.journal.Journal", "append");
        builder.allowBlockingCallsInside("dev.logrouter.core.sink.SinkBuffer", "tryOffer");
        // A sink acknowledges on its client's event loop: the same short buffer lock, plus a disk buffer
        // unlinking delivered segments (no fsync: periodic syncs run on the sink scheduler). Only after the
        // buffer closed (shutdown, reload) does an ack also save the checkpoint with an fsync.
        builder.allowBlockingCallsInside("dev.logrouter.core.sink.SinkBuffer", "ack");
        // Netty's adaptive allocator (the 4.2 default), when allocations contend, grows a magazine group and
        // then frees each old magazine under its write lock, waiting for a thread still allocating from it:
        // microseconds, by Netty's design, inside any read's buffer allocation. Netty's own BlockHound
        // integration allows the same lock on its thread-local path only; without this, BlockHound threw at
        // random reads of the intake loops (a UDP source's socket closed, a TCP connection ended).
        builder.allowBlockingCallsInside("io.netty.buffer.AdaptivePoolingAllocator$Magazine", "free");
    }
}

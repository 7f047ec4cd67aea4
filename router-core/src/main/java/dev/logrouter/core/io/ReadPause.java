package dev.logrouter.core.io;

import dev.logrouter.core.source.Demand;
import io.netty.channel.Channel;

/**
 * Stops a Netty channel reading while its source has no demand, and starts it again when demand comes:
 * auto-read off, so the kernel buffers fill and a TCP sender sees a full window. What a read already
 * brought in is passed on at once (never held in Reactor Netty's inbound queue, which a closing
 * connection discards).
 */
public final class ReadPause {

    private ReadPause() {
    }

    /** On the channel's event loop, after handing on what one read brought: pauses it if there is no demand. */
    public static void afterRead(Channel channel, Demand<?> demand) {
        if (demand.has() || !channel.config().isAutoRead()) {
            return;
        }
        channel.config().setAutoRead(false);
        // from any thread: Netty schedules the read on the channel's loop
        demand.whenAvailable(() -> channel.config().setAutoRead(true));
    }
}

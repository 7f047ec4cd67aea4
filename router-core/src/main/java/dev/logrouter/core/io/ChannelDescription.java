package dev.logrouter.core.io;

import io.netty.channel.Channel;
import io.netty.channel.socket.DuplexChannel;
import java.util.Collection;

/** One line per channel of what decides whether it reads: for diagnosing a source that stopped delivering. */
final class ChannelDescription {

    private ChannelDescription() {
    }

    static String of(Collection<Channel> channels) {
        StringBuilder sb = new StringBuilder();
        for (Channel c : channels) {
            sb.append(c.remoteAddress() == null ? c.localAddress() : c.remoteAddress())
                    .append(" open=").append(c.isOpen())
                    .append(" active=").append(c.isActive())
                    .append(" registered=").append(c.isRegistered())
                    .append(" autoRead=").append(c.config().isAutoRead());
            if (c instanceof DuplexChannel d) {
                sb.append(" inputShutdown=").append(d.isInputShutdown());
            }
            sb.append("; ");
        }
        return sb.length() == 0 ? "none" : sb.toString();
    }
}

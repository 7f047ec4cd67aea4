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
            if (c instanceof io.netty.channel.unix.UnixChannel u) {
                // what the number points at now: another file than this channel's socket means it was closed underneath
                int fd = u.fd().intValue();
                sb.append(" fd=").append(fd).append("->").append(fdTarget(fd));
            }
            sb.append("; ");
        }
        return sb.length() == 0 ? "none" : sb.toString();
    }

    private static String fdTarget(int fd) {
        try {
            return java.nio.file.Files.readSymbolicLink(java.nio.file.Path.of("/proc/self/fd/" + fd)).toString();
        } catch (java.io.IOException | RuntimeException e) {
            return "?(" + e.getClass().getSimpleName() + ")";
        }
    }
}

package dev.logrouter.core.fdsocket;

import java.lang.reflect.Method;
import org.newsclub.net.unix.AFUNIXDatagramChannel;

/**
 * Sizes the ancillary (SCM_RIGHTS) receive buffer of the fd socket for the kernel's limit of
 * {@value #KERNEL_MAX_FDS} fds per message.
 *
 * <p>Why reflection: junixsocket 2.11's public {@code setAncillaryReceiveBufferSize} clamps every size to
 * 256 bytes ({@code max(256, min(sizeof(cmsghdr), size))}), room for only {@value #DEFAULT_MAX_FDS} fds. A
 * datagram with more fds then fails with MSG_CTRUNC after the kernel has already installed the first
 * ones, which nobody can close: the writers block for good on full pipes. Its package-private
 * {@code setAncillaryReceiveBufferSize0} sets the size unclamped; on the class path (where the router
 * runs) it is reachable.
 */
final class AncillaryBuffer {

    /** SCM_MAX_FD of Linux. */
    static final int KERNEL_MAX_FDS = 253;
    /** What junixsocket's clamped 256-byte buffer holds: (256 - 16-byte cmsghdr) / 4. */
    static final int DEFAULT_MAX_FDS = 60;
    /** CMSG_SPACE(253 * 4) is 1032; a page leaves room for other control messages. */
    static final int BYTES = 4096;

    private AncillaryBuffer() {
    }

    /**
     * Gives the channel an ancillary buffer for {@value #KERNEL_MAX_FDS} fds.
     *
     * @return false when only junixsocket's clamped buffer could be set (then at most
     *         {@value #DEFAULT_MAX_FDS} fds per datagram are received)
     */
    static boolean allowMaxFds(AFUNIXDatagramChannel channel) {
        channel.setAncillaryReceiveBufferSize(BYTES);
        try {
            Object socket = channel.socket();
            Object ancillary = method(socket.getClass(), "getAncillaryDataSupport").invoke(socket);
            method(ancillary.getClass(), "setAncillaryReceiveBufferSize0", int.class).invoke(ancillary, BYTES);
            return true;
        } catch (ReflectiveOperationException | RuntimeException e) {
            return false;
        }
    }

    private static Method method(Class<?> type, String name, Class<?>... params) throws NoSuchMethodException {
        for (Class<?> c = type; c != null; c = c.getSuperclass()) {
            try {
                Method m = c.getDeclaredMethod(name, params);
                m.setAccessible(true);
                return m;
            } catch (NoSuchMethodException e) {
                // look further up
            }
        }
        throw new NoSuchMethodException(type.getName() + "." + name);
    }
}

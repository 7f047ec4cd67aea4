package dev.logrouter.core.fdsocket;

/**
 * Counters of an fd socket source since it was created (over all its subscriptions).
 *
 * @param datagrams        datagrams received
 * @param fdsReceived      fds received with a usable name
 * @param fdsOpen          fds being read now
 * @param fdsClosed        fds read to EOF (or failed) and closed
 * @param ignoredNoFd      datagrams without an fd (ignored, as memlogd does)
 * @param ignoredEmptyName datagrams with fds but an empty name (the fds are closed unread)
 * @param rejectedFds      fds that cannot be polled (a regular file, a device...) and were closed unread
 * @param readErrors       fds whose read failed before EOF
 * @param receiveErrors    failed receives, e.g. a datagram whose fds did not fit (MSG_CTRUNC: the kernel
 *                         closed the fds that did not fit, so their writers see EPIPE, never a block)
 * @param bytes            bytes read from all fds
 * @param lines            records emitted (lines and partial pieces)
 */
record FdSocketStats(long datagrams, long fdsReceived, long fdsOpen, long fdsClosed, long ignoredNoFd,
                            long ignoredEmptyName, long rejectedFds, long readErrors, long receiveErrors, long bytes,
                            long lines) {

    /** Datagrams and fds that were dropped as bad input. */
    public long dropped() {
        return ignoredNoFd + ignoredEmptyName + rejectedFds;
    }
}

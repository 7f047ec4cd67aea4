package dev.logrouter.core.net;

/** Transport of a network input. */
public enum NetProtocol {
    /** Newline-framed stream, many connections. */
    TCP,
    /** One datagram is one message (a datagram holding several lines gives several records). */
    UDP
}

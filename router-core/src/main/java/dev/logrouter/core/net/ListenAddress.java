package dev.logrouter.core.net;

import java.net.InetSocketAddress;

/** A listen address as written in configs: {@code 127.0.0.1:5170}, {@code [::1]:5170}, {@code :5170} (all addresses). */
public final class ListenAddress {

    private ListenAddress() {
    }

    /** @throws IllegalArgumentException with a message saying what is wrong */
    public static InetSocketAddress parse(String text) {
        String t = text.trim();
        if (t.startsWith("tcp://") || t.startsWith("udp://")) {
            t = t.substring(6);
        }
        if (t.endsWith("/")) {
            t = t.substring(0, t.length() - 1);
        }
        int colon = t.lastIndexOf(':');
        if (colon < 0) {
            throw new IllegalArgumentException("listen address '" + text + "' needs a port, e.g. 127.0.0.1:5170");
        }
        String host = t.substring(0, colon);
        String portText = t.substring(colon + 1);
        int port;
        try {
            port = Integer.parseInt(portText);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("listen address '" + text + "': port '" + portText + "' is not a number");
        }
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("listen address '" + text + "': port must be 0..65535");
        }
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        } else if (host.contains(":")) {
            throw new IllegalArgumentException("listen address '" + text + "': write IPv6 hosts in brackets, e.g. [::1]:5170");
        }
        if (host.isEmpty() || host.equals("*")) {
            return new InetSocketAddress(port);
        }
        return new InetSocketAddress(host, port);
    }
}

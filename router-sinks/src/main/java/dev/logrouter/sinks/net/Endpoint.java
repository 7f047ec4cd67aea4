package dev.logrouter.sinks.net;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.Objects;

/**
 * A network destination as Talos writes it: {@code tcp://host:port/} or {@code udp://host:port/}
 * (the trailing slash is optional; IPv6 hosts in brackets).
 *
 * @param scheme {@code tcp}, {@code tls} or {@code udp}
 * @param host   host name or address literal (without brackets)
 * @param port   1..65535
 */
public record Endpoint(String scheme, String host, int port) {

    public Endpoint {
        Objects.requireNonNull(scheme, "scheme");
        Objects.requireNonNull(host, "host");
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port must be 1..65535, was " + port);
        }
    }

    /**
     * Parses {@code text}; its scheme must be one of {@code schemes}.
     *
     * @throws IllegalArgumentException with a message naming the expected form
     */
    public static Endpoint parse(String text, String... schemes) {
        String expected = schemes[0] + "://host:port/";
        URI u;
        try {
            u = new URI(text.trim());
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("endpoint '" + text + "' is not a URL like " + expected);
        }
        String scheme = u.getScheme() == null ? "" : u.getScheme().toLowerCase(Locale.ROOT);
        boolean ok = false;
        for (String s : schemes) {
            ok |= s.equals(scheme);
        }
        if (!ok) {
            throw new IllegalArgumentException("endpoint '" + text + "' must start with " + String.join("://, ", schemes)
                    + ":// (like " + expected + ")");
        }
        String host = u.getHost();
        if (host == null || u.getPort() < 0) {
            throw new IllegalArgumentException("endpoint '" + text + "' needs a host and a port, like " + expected);
        }
        if (u.getPath() != null && !u.getPath().isEmpty() && !u.getPath().equals("/")) {
            throw new IllegalArgumentException("endpoint '" + text + "' must not have a path (like " + expected + ")");
        }
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        return new Endpoint(scheme, host, u.getPort());
    }

    @Override
    public String toString() {
        return scheme + "://" + (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port + "/";
    }
}

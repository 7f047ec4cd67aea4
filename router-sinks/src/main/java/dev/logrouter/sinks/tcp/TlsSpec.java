package dev.logrouter.sinks.tcp;

import java.nio.file.Path;

/**
 * TLS for a TCP sink.
 *
 * @param caFile   PEM CA certificates that sign the receiver's certificate; null means the JDK's
 *                 default trust store
 * @param certFile PEM client certificate chain for mutual TLS, or null
 * @param keyFile  PEM PKCS#8 private key of {@code certFile}, or null
 * @param verify   check the receiver's certificate chain and that it names the endpoint host
 *                 (false accepts any certificate and is for tests only)
 */
public record TlsSpec(Path caFile, Path certFile, Path keyFile, boolean verify) {

    public TlsSpec {
        if ((certFile == null) != (keyFile == null)) {
            throw new IllegalArgumentException("tls cert and key must be given together");
        }
    }
}

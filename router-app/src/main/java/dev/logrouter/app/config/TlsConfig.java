package dev.logrouter.app.config;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The {@code tls:} block of a sink that dials a receiver. Each sink type takes the keys its client
 * supports ({@link Block#keys}); the files are checked here, so that {@code logrouter check} finds a
 * missing one rather than the first connection after start.
 */
record TlsConfig(
        @Doc(value = "PEM CA certificates that sign the receiver's certificate", absent = "the JDK trust store")
        Path ca,
        @Doc(value = "PEM client certificate (mutual TLS), with `key`", absent = "none")
        Path cert,
        @Doc(value = "the unencrypted PKCS#8 key of `cert`", absent = "none")
        Path key,
        @Default("true")
        @Doc("check the certificate chain **and** that it names the endpoint host; `false` is for tests only")
        Boolean verify,
        @Default("true")
        @Doc("check that a broker's certificate names the host dialled")
        Boolean verifyHostname) {

    TlsConfig {
        if ((cert == null) != (key == null)) {
            throw new IllegalArgumentException("tls cert and key must be given together");
        }
        readable("ca", ca);
        readable("cert", cert);
        readable("key", key);
    }

    private static void readable(String what, Path file) {
        if (file == null) {
            return;
        }
        if (!Files.exists(file)) {
            throw new IllegalArgumentException("tls " + what + " file " + file + " does not exist");
        }
        if (!Files.isRegularFile(file) || !Files.isReadable(file)) {
            throw new IllegalArgumentException("tls " + what + " file " + file + " is not a readable file");
        }
    }
}

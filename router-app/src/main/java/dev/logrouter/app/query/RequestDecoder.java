package dev.logrouter.app.query;

import dev.logrouter.core.journal.ReadMode;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * Decodes the first request of a query connection from the bytes as they arrive: one memlogd mode
 * byte ({@code 0x00} dump, {@code 0x01} follow, {@code 0x02} dump then follow), or a JSON request line
 * starting with {@code {} and ending with a newline. Bytes after the request are ignored.
 */
final class RequestDecoder {

    static final int MAX_REQUEST_BYTES = 64 * 1024;

    /** A decoded first request: memlogd mode, or an extended request. */
    record Request(ReadMode memlogdMode, QueryRequest extended) {
    }

    private final ByteArrayOutputStream line = new ByteArrayOutputStream();
    private boolean extended;

    /**
     * @return the request once complete, empty while more bytes are needed
     * @throws IllegalArgumentException with the message for the client on a bad request
     */
    Optional<Request> feed(byte[] chunk) {
        int i = 0;
        if (!extended && chunk.length > 0) {
            int b = chunk[0] & 0xff;
            switch (b) {
                case 0x00: return Optional.of(new Request(ReadMode.DUMP, null));
                case 0x01: return Optional.of(new Request(ReadMode.FOLLOW, null));
                case 0x02: return Optional.of(new Request(ReadMode.DUMP_THEN_FOLLOW, null));
                case '{':
                    extended = true;
                    break;
                default:
                    throw new IllegalArgumentException(String.format("unknown request byte 0x%02x: send 0x00 (dump), "
                            + "0x01 (follow), 0x02 (dump then follow) or a JSON request line starting with '{'", b));
            }
        }
        for (; i < chunk.length; i++) {
            byte b = chunk[i];
            if (b == '\n') {
                String text = line.toString(StandardCharsets.UTF_8);
                return Optional.of(new Request(null, QueryRequest.parse(text)));
            }
            if (line.size() >= MAX_REQUEST_BYTES) {
                throw new IllegalArgumentException("request line longer than " + MAX_REQUEST_BYTES + " bytes");
            }
            line.write(b);
        }
        return Optional.empty();
    }
}

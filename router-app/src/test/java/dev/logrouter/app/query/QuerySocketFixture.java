package dev.logrouter.app.query;

import dev.logrouter.app.status.StatusReport;
import dev.logrouter.core.journal.Journal;
import dev.logrouter.core.journal.JournalSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A journal and a query server on a real AF_UNIX socket in a temporary directory, started before each
 * test and closed after it: {@code @RegisterExtension final QuerySocketFixture q = new QuerySocketFixture(...)}.
 */
final class QuerySocketFixture implements BeforeEachCallback, AfterEachCallback {

    private final JournalSpec journalSpec;
    private Function<Path, QuerySettings> settings = dir -> new QuerySettings(dir.resolve("q.sock"), "0660", null, null, null);
    private Supplier<StatusReport> status;
    private Path dir;
    private Journal journal;
    private QueryServer server;

    QuerySocketFixture(int maxRecords, long maxBytes) {
        this.journalSpec = new JournalSpec(maxRecords, maxBytes);
    }

    /** Settings other than the defaults, made from the test's temporary directory. */
    QuerySocketFixture settings(Function<Path, QuerySettings> settings) {
        this.settings = settings;
        return this;
    }

    /** What a status request answers (none by default). */
    QuerySocketFixture status(Supplier<StatusReport> status) {
        this.status = status;
        return this;
    }

    @Override
    public void beforeEach(ExtensionContext context) throws IOException {
        dir = Files.createTempDirectory("query-test");
        journal = Journal.create(journalSpec);
        server = QueryServer.start(settings.apply(dir), journal, status);
    }

    @Override
    public void afterEach(ExtensionContext context) throws IOException {
        try {
            server.close();
            journal.close();
        } finally {
            try (Stream<Path> files = Files.walk(dir)) {
                for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }

    Journal journal() {
        return journal;
    }

    QueryServer server() {
        return server;
    }

    /** The temporary directory the socket is in (for more sockets of a test's own). */
    Path dir() {
        return dir;
    }

    /** A new client connected to the server's socket. */
    TestClient client() throws IOException {
        return new TestClient(server.socket());
    }
}

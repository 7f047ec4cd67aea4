package dev.logrouter.app.cli;

import dev.logrouter.app.config.ConfigException;
import dev.logrouter.app.config.ConfigProblem;
import dev.logrouter.app.config.IntakeSockets;
import dev.logrouter.app.config.RouterConfig;
import dev.logrouter.core.fdsocket.FdSocketClient;
import java.io.File;
import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.nio.ByteBuffer;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.newsclub.net.unix.AFUNIXSocketChannel;
import org.newsclub.net.unix.AFUNIXSocketPair;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code logrouter write}: LinuxKit {@code logwrite} semantics. Two socketpairs; the read ends go to
 * the log socket as {@code NAME.out} (stdout) and {@code NAME} (stderr); the command runs with stdin
 * from /dev/null and its output is copied both to the socket and to this process's stdout/stderr;
 * the exit code is the command's.
 */
@Command(name = "write", mixinStandardHelpOptions = true,
        description = {"Run a command with its stdout and stderr logged through the router's log socket.",
            "Like LinuxKit's logwrite: stdout as NAME.out, stderr as NAME. The output is also",
            "copied to this process's stdout and stderr. Exits with the command's exit code;",
            "exits 1 when the log socket does not appear within --wait."})
final class WriteCommand implements Callable<Integer> {

    @Option(names = {"--socket", "-socket", "-s"}, paramLabel = "PATH",
            description = "Log socket (default: the fd_socket source of --config, else of the built-in default config).")
    Path socket;

    @Option(names = {"-n", "--name", "-name"}, paramLabel = "NAME",
            description = "Name to log under (default: the command as typed).")
    String name;

    @Option(names = "--wait", paramLabel = "DURATION", defaultValue = "5s",
            description = "How long to wait for the log socket of a router that is still starting "
                    + "(default: ${DEFAULT-VALUE}; 0s: do not wait).")
    String waitFor;

    @CommandLine.Mixin
    ConfigOption config;

    @Parameters(arity = "1..*", paramLabel = "CMD", description = "The command and its arguments (put them after --).")
    List<String> command;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter err = spec.commandLine().getErr();
        Path path = socket;
        if (path == null) {
            try {
                RouterConfig c = config.load();
                path = IntakeSockets.logSocket(c).orElse(null);
            } catch (ConfigException e) {
                for (ConfigProblem p : e.problems()) {
                    err.println(p.format(e.file()));
                }
                err.flush();
                return 1;
            }
            if (path == null) {
                err.println("logrouter write: the config has no fd_socket source; give the log socket with --socket PATH");
                err.flush();
                return 1;
            }
            if (config.file() == null) {
                path = SocketOption.defaultLogSocket(System.getenv(), path, SocketOption.SYSTEMD_CONFIG,
                        SocketOption.SYSTEMD_RUNTIME_DIR);
            }
        }
        String logName = name != null ? name : command.get(0);
        AFUNIXSocketPair<AFUNIXSocketChannel> out = AFUNIXSocketPair.open();
        AFUNIXSocketPair<AFUNIXSocketChannel> errPair = AFUNIXSocketPair.open();
        long waitNanos;
        try {
            waitNanos = dev.logrouter.app.config.ConfigLoader.parseDuration(waitFor).toNanos();
        } catch (IllegalArgumentException bad) {
            closeAll(out, errPair);
            err.println("logrouter write: --wait: " + bad.getMessage());
            err.flush();
            return ExitCodes.USAGE;
        }
        try {
            handOver(path, logName, out, errPair, waitNanos);
        } catch (NoSuchFileException | java.net.ConnectException e) {
            closeAll(out, errPair);
            err.println("logrouter write: log socket " + path + " does not exist (is the router running?)");
            err.flush();
            return 1;
        } catch (IOException e) {
            closeAll(out, errPair);
            err.println("logrouter write: cannot send to log socket " + path + ": " + e.getMessage());
            err.flush();
            return 1;
        }
        // the router holds the read ends now; ours must go without shutting the sockets down
        closeFd(out.getSocket2().getFileDescriptor());
        closeFd(errPair.getSocket2().getFileDescriptor());

        Process p;
        try {
            p = new ProcessBuilder(command).redirectInput(new File("/dev/null")).start();
        } catch (IOException e) {
            closeAll(out, errPair);
            err.println("logrouter write: cannot run " + command.get(0) + ": " + e.getMessage());
            err.flush();
            return 127;
        }
        Thread o = tee(p.getInputStream(), out.getSocket1(), new FileOutputStream(FileDescriptor.out), "stdout");
        Thread e = tee(p.getErrorStream(), errPair.getSocket1(), new FileOutputStream(FileDescriptor.err), "stderr");
        int code = p.waitFor();
        o.join();
        e.join();
        out.getSocket1().close();
        errPair.getSocket1().close();
        return code;
    }

    /**
     * Hands the two read ends to the router. A router started just before ({@code run &}) may not
     * have bound its socket yet: a missing or refusing socket is retried for up to {@code waitNanos}.
     */
    private static void handOver(Path path, String logName, AFUNIXSocketPair<AFUNIXSocketChannel> out,
                                 AFUNIXSocketPair<AFUNIXSocketChannel> errPair, long waitNanos)
            throws IOException, InterruptedException {
        long deadline = System.nanoTime() + waitNanos;
        while (true) {
            try (FdSocketClient client = FdSocketClient.connect(path)) {
                client.send(logName + ".out", out.getSocket2().getFileDescriptor());
                client.send(logName, errPair.getSocket2().getFileDescriptor());
                return;
            } catch (NoSuchFileException | java.net.ConnectException notYet) {
                if (System.nanoTime() - deadline >= 0) {
                    throw notYet;
                }
                Thread.sleep(50);
            }
        }
    }

    /** Copies {@code in} to the socket and to {@code local}; a broken socket leaves the local copy going. */
    private static Thread tee(InputStream in, AFUNIXSocketChannel socket, OutputStream local, String what) {
        Thread t = new Thread(() -> {
            byte[] buf = new byte[64 * 1024];
            boolean socketOk = true;
            boolean localOk = true;
            try (in) {
                int n;
                while ((n = in.read(buf)) >= 0) {
                    if (localOk) {
                        try {
                            local.write(buf, 0, n);
                        } catch (IOException ex) {
                            localOk = false;
                        }
                    }
                    if (socketOk) {
                        try {
                            ByteBuffer b = ByteBuffer.wrap(buf, 0, n);
                            while (b.hasRemaining()) {
                                socket.write(b);
                            }
                        } catch (IOException ex) {
                            socketOk = false;
                        }
                    }
                }
            } catch (IOException ex) {
                // the command's pipe broke: nothing more to copy
            }
        }, "write-" + what);
        t.start();
        return t;
    }

    private static void closeFd(FileDescriptor fd) {
        try {
            new FileInputStream(fd).close();
        } catch (IOException e) {
            // already closed
        }
    }

    @SafeVarargs
    private static void closeAll(AFUNIXSocketPair<AFUNIXSocketChannel>... pairs) {
        for (AFUNIXSocketPair<AFUNIXSocketChannel> pair : pairs) {
            for (java.nio.channels.Channel c : new java.nio.channels.Channel[] {pair.getSocket1(), pair.getSocket2()}) {
                try {
                    c.close();
                } catch (IOException e) {
                    // closing anyway
                }
            }
        }
    }
}

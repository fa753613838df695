package org.uarpd.daemon.control;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.uarpd.daemon.config.ControlSection;
import org.uarpd.daemon.control.protocol.ControlCodec;
import org.uarpd.daemon.control.protocol.ProtocolException;
import org.uarpd.daemon.control.protocol.Response;

/**
 * The control socket: a Unix domain stream socket (mode 0660, group configurable) speaking the
 * control protocol, one JSON message per line ({@link ControlCodec}): a {@link
 * org.uarpd.daemon.control.protocol.Request} in, a {@link Response} out. {@code monitor} and
 * {@code capture} answer {@link Response.Streaming}, then one {@link Response.Event} or {@link
 * Response.Frame} per line, and {@link Response.End} when the count is reached. A line that is not a
 * request gets {@link Response.Failure} and the connection stays. Each connection is served by a
 * platform thread of its own that ends with it, and only reads, writes and parses: the work itself
 * runs on the event loop ({@link ControlService}).
 */
public final class ControlServer implements AutoCloseable {
    /** The longest request line read; a longer one is refused and its connection closed. */
    static final int MAX_LINE = 64 * 1024;
    /**
     * Connections served at once; one more is answered with a failure and closed. With {@link
     * #MAX_LINE} and a stream's bounded queue ({@link Stream}) this bounds what clients can make the
     * daemon hold.
     */
    static final int MAX_CONNECTIONS = 64;

    private final Logger log = LoggerFactory.getLogger("uarpd.control");
    private final ControlService service;
    private final ControlSection section;
    private volatile ServerSocketChannel server;
    private Thread acceptor;
    private volatile boolean closing;
    /** The socket file this server bound (its inode), or null: only that file is ever deleted. */
    private Object ownFile;
    /** Where that file is: the configured path, or beside it until {@link #publish()}. */
    private Path bound;
    /** Why there is no socket of ours, for the ready line (null while none was tried). */
    private String notOwned;

    public ControlServer(ControlService service, ControlSection section) {
        this.service = service;
        this.section = section;
    }

    public Path path() {
        return section.socket();
    }

    /**
     * Creates the socket (replacing a stale one) and starts accepting. Check, delete and bind run
     * under an flock on {@code PATH.lock}, so of two daemons starting at once one binds and the other
     * sees it answering; neither deletes the other's file.
     */
    public void start() throws IOException {
        start(section.socket());
    }

    /**
     * For a successor while the uarpd it replaces still serves: binds {@code PATH.next} and starts
     * accepting there; {@link #publish()} then moves the socket over {@code PATH} in one rename(2), so
     * the path always leads to a uarpd that answers and no third one finds it free meanwhile.
     */
    public void startBeside() throws IOException {
        start(section.socket().resolveSibling(section.socket().getFileName() + ".next"));
    }

    /**
     * Moves the socket {@link #startBeside} bound over the configured path (atomically replacing the
     * predecessor's); a failure is logged: ARP service does not depend on the control socket.
     */
    public void publish() {
        Path path = section.socket();
        if (bound == null || bound.equals(path)) return;
        try (FileChannel lockFile = FileChannel.open(lockPath(path), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
             FileLock held = lockFile.lock()) {
            Files.move(bound, path, java.nio.file.StandardCopyOption.ATOMIC_MOVE, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            bound = path;
            log.info("control socket {} taken over", path);
        } catch (IOException e) {
            log.error("control socket: cannot move {} over {}: {}; uarpctl reaches this uarpd at {} only", bound, path, e.toString(), bound);
        }
    }

    /**
     * After a successor that {@link #publish published} its socket over this server's path went away
     * (a restart abandoned): binds the configured path again, where the dead successor's file now
     * lies and nothing answers, so uarpctl reaches this uarpd again. Connections already open, such
     * as the one that asked for the restart, stay. Nothing to do while the path is still this
     * server's; an error if another uarpd answers there.
     */
    public void rebind() throws IOException {
        Path path = section.socket();
        if (server == null || ownFile != null && ownFile.equals(fileKey(path))) return;
        ServerSocketChannel replaced = server;
        start(path);
        replaced.close(); // its file was renamed over: nobody can reach it any more
    }

    private void start(Path path) throws IOException {
        if (path.getParent() != null) Files.createDirectories(path.getParent());
        notOwned = "none (" + path + " could not be made)";
        try (FileChannel lockFile = FileChannel.open(lockPath(section.socket()), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
             FileLock held = lockFile.lock()) {
            if (Files.exists(path)) {
                if (answers(path)) {
                    notOwned = "none (" + path + " is another uarpd's)";
                    throw new IOException(path + " is another uarpd's control socket (it answers there); stop it or set [control] socket elsewhere");
                }
                Files.delete(path); // left by a uarpd that did not exit cleanly
            }
            server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
            server.bind(UnixDomainSocketAddress.of(path));
            ownFile = fileKey(path);
            bound = path;
            notOwned = null;
        }
        Files.setPosixFilePermissions(path, PosixFilePermissions.fromString("rw-rw----"));
        if (section.group() != null) {
            GroupPrincipal group = path.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByGroupName(section.group());
            Files.getFileAttributeView(path, java.nio.file.attribute.PosixFileAttributeView.class).setGroup(group);
        }
        ServerSocketChannel accepting = server;
        acceptor = Thread.ofPlatform().daemon().name("uarpd-control").start(() -> accept(accepting));
        log.info("control socket {} (mode 0660{})", path, section.group() == null ? "" : ", group " + section.group());
    }

    /** What the ready line says of the control socket: its path if this server owns it, else why not. */
    public String describe() {
        return notOwned == null ? section.socket().toString() : notOwned;
    }

    private static Path lockPath(Path socket) {
        return socket.resolveSibling(socket.getFileName() + ".lock");
    }

    /** The identity (device and inode) of the file at {@code path}, or null if there is none. */
    private static Object fileKey(Path path) {
        try {
            return Files.readAttributes(path, BasicFileAttributes.class, java.nio.file.LinkOption.NOFOLLOW_LINKS).fileKey();
        } catch (IOException gone) {
            return null;
        }
    }

    /** Whether something accepts connections on the socket file {@code path}. */
    private static boolean answers(Path path) {
        try {
            SocketChannel.open(UnixDomainSocketAddress.of(path)).close();
            return true;
        } catch (IOException refused) {
            return false;
        }
    }

    private void accept(ServerSocketChannel accepting) {
        while (!closing) {
            try {
                SocketChannel c = accepting.accept();
                if (service.connections.incrementAndGet() > MAX_CONNECTIONS) {
                    refuse(c);
                    continue;
                }
                // A platform thread per connection, ending with it: at most MAX_CONNECTIONS (and a
                // stream's watcher each), and none while no uarpctl is connected. Virtual threads
                // would start the JDK's scheduler (carriers, a poller, an unparker) on the first
                // connection, and those threads stay for the life of the process.
                Thread.ofPlatform().daemon().name("uarpd-control-conn").start(() -> {
                    try {
                        serve(c);
                    } finally {
                        service.connections.decrementAndGet();
                    }
                });
            } catch (IOException e) {
                if (!closing && accepting == server) log.warn("control socket: accept failed: {}", e.toString());
                return;
            }
        }
    }

    /** Tells a connection over {@link #MAX_CONNECTIONS} why it is closed (one short line: it fits the socket's buffer). */
    private void refuse(SocketChannel c) {
        service.connections.decrementAndGet(); // not served; only this thread adds, so the count cannot pass the limit meanwhile
        try (c; OutputStream out = Channels.newOutputStream(c)) {
            write(out, new Response.Failure("uarpd serves " + MAX_CONNECTIONS + " control connections at once and all are taken; "
                    + "try again when one has closed"));
        } catch (IOException gone) {
            // the client went away first
        }
    }

    private void serve(SocketChannel c) {
        try (c; InputStream in = new BufferedInputStream(Channels.newInputStream(c));
             OutputStream out = Channels.newOutputStream(c)) {
            String line;
            while ((line = readLine(in)) != null) {
                if (line == TOO_LONG) {
                    write(out, new Response.Failure("request line longer than " + MAX_LINE + " bytes; closing the connection"));
                    return;
                }
                if (line.isBlank()) continue;
                ControlService.Outcome outcome;
                try {
                    outcome = service.serve(ControlCodec.decodeRequest(line));
                } catch (ProtocolException | ControlException e) {
                    write(out, new Response.Failure(e.getMessage()));
                    continue;
                } catch (RuntimeException e) {
                    // A request the service did not expect must not take the connection (or the server) down.
                    log.warn("control request {} failed: {}", line, e.toString());
                    write(out, new Response.Failure("internal error: " + e));
                    continue;
                }
                switch (outcome) {
                    case ControlService.Outcome.Answer a -> write(out, a.response());
                    case ControlService.Outcome.AnswerThen a -> {
                        try {
                            write(out, a.response());
                        } finally {
                            a.then().run();
                        }
                    }
                    case ControlService.Outcome.Live live -> {
                        write(out, new Response.Streaming());
                        stream(live.stream(), in, out);
                        return;
                    }
                }
            }
        } catch (IOException e) {
            // the client went away
        }
    }

    static final String TOO_LONG = new String("(too long)");

    /**
     * One request line (UTF-8, without its newline), null at the end of the input, or {@link
     * #TOO_LONG} once more than {@link #MAX_LINE} bytes arrive without a newline: a client cannot
     * make the daemon buffer more than that.
     */
    static String readLine(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream(256);
        int b;
        while ((b = in.read()) >= 0) {
            if (b == '\n') break;
            if (line.size() == MAX_LINE) return TOO_LONG;
            line.write(b);
        }
        if (b < 0 && line.size() == 0) return null;
        int n = line.size();
        byte[] bytes = line.toByteArray();
        if (n > 0 && bytes[n - 1] == '\r') n--;
        return new String(bytes, 0, n, StandardCharsets.UTF_8);
    }

    /** Writes a stream's lines until it ends or the client hangs up (seen by a reader of the input). */
    private void stream(Stream s, InputStream in, OutputStream out) throws IOException {
        Thread watcher = Thread.ofPlatform().daemon().name("uarpd-control-watch").start(() -> {
            try {
                while (in.read() >= 0) {
                    // nothing is expected after a stream request
                }
            } catch (IOException ignored) {
                // closed
            }
            s.closed = true;
            s.lines.offer(Stream.END);
        });
        try {
            while (true) {
                Response line;
                try {
                    line = s.lines.poll(1, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    return;
                }
                if (line == null) {
                    if (s.closed && s.lines.isEmpty()) return;
                    continue;
                }
                if (line == Stream.END) {
                    if (s.remaining <= 0) write(out, new Response.End(s.lost));
                    return;
                }
                write(out, line);
            }
        } finally {
            service.unsubscribe(s);
            watcher.interrupt();
        }
    }

    private static void write(OutputStream out, Response r) throws IOException {
        ControlCodec.write(r, out);
    }

    /** Stops accepting and removes the socket file, if it is still the one this server bound. */
    @Override
    public void close() {
        closing = true;
        Path path = bound != null ? bound : section.socket();
        try {
            if (server != null) server.close();
            if (ownFile == null) return;
            try (FileChannel lockFile = FileChannel.open(lockPath(section.socket()), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                 FileLock held = lockFile.lock()) {
                if (ownFile.equals(fileKey(path))) Files.deleteIfExists(path);
            }
            ownFile = null;
        } catch (IOException e) {
            log.warn("control socket: cannot remove {}: {}", path, e.toString());
        }
    }
}

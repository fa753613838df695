package org.uarpd.daemon.control;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
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
 * request gets {@link Response.Failure} and the connection stays. Connections are served by virtual
 * threads, which only read, write and parse: the work itself runs on the event loop ({@link ControlService}).
 */
public final class ControlServer implements AutoCloseable {
    private final Logger log = LoggerFactory.getLogger("uarpd.control");
    private final ControlService service;
    private final ControlSection section;
    private ServerSocketChannel server;
    private Thread acceptor;
    private volatile boolean closing;

    public ControlServer(ControlService service, ControlSection section) {
        this.service = service;
        this.section = section;
    }

    public Path path() {
        return section.socket();
    }

    /** Creates the socket (replacing a stale one) and starts accepting. */
    public void start() throws IOException {
        Path path = section.socket();
        if (path.getParent() != null) Files.createDirectories(path.getParent());
        if (Files.exists(path)) {
            if (answers(path)) {
                throw new IOException(path + ": another uarpd answers on this control socket; stop it or set [control] socket elsewhere");
            }
            Files.delete(path); // left by a uarpd that did not exit cleanly
        }
        server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        server.bind(UnixDomainSocketAddress.of(path));
        Files.setPosixFilePermissions(path, PosixFilePermissions.fromString("rw-rw----"));
        if (section.group() != null) {
            GroupPrincipal group = path.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByGroupName(section.group());
            Files.getFileAttributeView(path, java.nio.file.attribute.PosixFileAttributeView.class).setGroup(group);
        }
        acceptor = Thread.ofPlatform().daemon().name("uarpd-control").start(this::accept);
        log.info("control socket {} (mode 0660{})", path, section.group() == null ? "" : ", group " + section.group());
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

    private void accept() {
        while (!closing) {
            try {
                SocketChannel c = server.accept();
                Thread.ofVirtual().name("uarpd-control-conn").start(() -> serve(c));
            } catch (IOException e) {
                if (!closing) log.warn("control socket: accept failed: {}", e.toString());
                return;
            }
        }
    }

    private void serve(SocketChannel c) {
        try (c; BufferedReader in = new BufferedReader(new InputStreamReader(Channels.newInputStream(c), StandardCharsets.UTF_8));
             OutputStream out = Channels.newOutputStream(c)) {
            String line;
            while ((line = in.readLine()) != null) {
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

    /** Writes a stream's lines until it ends or the client hangs up (seen by a reader of the input). */
    private void stream(Stream s, BufferedReader in, OutputStream out) throws IOException {
        Thread watcher = Thread.ofVirtual().start(() -> {
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
        out.write((ControlCodec.encode(r) + "\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    @Override
    public void close() {
        closing = true;
        try {
            if (server != null) server.close();
            Files.deleteIfExists(section.socket());
        } catch (IOException e) {
            log.warn("control socket: cannot remove {}: {}", section.socket(), e.toString());
        }
    }
}

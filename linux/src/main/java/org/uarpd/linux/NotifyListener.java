package org.uarpd.linux;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The service manager's side of the notify protocol that {@link SystemdNotify} speaks: an
 * {@code AF_UNIX} {@code SOCK_DGRAM} socket bound at a path (or {@code @name}) whose datagrams are
 * read back one by one, each with the {@code System.nanoTime()} at which it was read. Whoever starts
 * a uarpd and needs to know when it serves — a supervisor, the start-up benchmark — hands it this
 * socket's name as {@code $NOTIFY_SOCKET}. A path is a file system object: it reaches into other
 * network namespaces, which an abstract name does not.
 */
public final class NotifyListener implements AutoCloseable {
    /** One notification: its newline-separated assignments, and when it was read. */
    public record Message(String text, long nanoTime) {
        /** Whether one of its lines is exactly {@code assignment} (e.g. {@code READY=1}). */
        public boolean says(String assignment) {
            return text.lines().anyMatch(assignment::equals);
        }
    }

    private final String name;
    private final int fd;
    private final Arena arena = Arena.ofShared();
    private final MemorySegment pollFd = arena.allocate(Libc.POLLFD_SIZE);
    private final MemorySegment buffer = arena.allocate(4096);

    /** Binds {@code name}: an absolute path (which must not exist yet) or {@code @name}. */
    public NotifyListener(String name) {
        this.name = name;
        try {
            fd = SystemdNotify.boundSocket(Libc.SOCK_DGRAM, name);
        } catch (RuntimeException e) {
            arena.close();
            throw e;
        }
        pollFd.set(ValueLayout.JAVA_INT, 0, fd);
        pollFd.set(ValueLayout.JAVA_SHORT, 4, Libc.POLLIN);
    }

    public String name() {
        return name;
    }

    /** The next notification, or null when none arrives within {@code timeout}. */
    public synchronized Message receive(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            long n = Libc.tryRecvfrom(fd, buffer, buffer.byteSize(), Libc.MSG_DONTWAIT, MemorySegment.NULL, MemorySegment.NULL);
            long at = System.nanoTime();
            if (n >= 0) return new Message(new String(buffer.asSlice(0, n).toArray(ValueLayout.JAVA_BYTE), StandardCharsets.UTF_8), at);
            if (n != -Errno.EAGAIN && n != -Errno.EINTR) Libc.check(n, "recvfrom(" + name + ")", null);
            long left = deadline - at;
            if (left <= 0) return null;
            Libc.tryPoll(pollFd, 1, (int) Math.max(1, Math.min(Integer.MAX_VALUE, left / 1_000_000L)));
        }
    }

    /** Closes the socket and removes its path. */
    @Override
    public synchronized void close() {
        Libc.close(fd);
        arena.close();
        if (name.startsWith("/")) {
            try {
                Files.deleteIfExists(Path.of(name));
            } catch (java.io.IOException ignored) {
                // a stale socket file is harmless: the next bind at this path fails loudly
            }
        }
    }
}

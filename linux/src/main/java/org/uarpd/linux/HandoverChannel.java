package org.uarpd.linux;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.util.function.BooleanSupplier;

/**
 * The private line between a running uarpd and the successor it started for {@code uarpctl
 * restart}: an {@code AF_UNIX SOCK_SEQPACKET} connection (unix(7)), so every message arrives whole,
 * carrying a line of text and, with {@code SCM_RIGHTS}, open descriptors — the sockets that hold
 * uarpd's place on the host (interface locks, the owned nftables tables) pass to the successor
 * without ever being closed in between.
 *
 * <p>The running uarpd listens at an abstract name (no file; it belongs to the network namespace, as
 * the interface locks do) given to the successor in {@link #ENVIRONMENT}, and accepts only the
 * process it started: the kernel names the connecting process ({@code SO_PEERCRED}).
 */
public final class HandoverChannel implements AutoCloseable {
    /** The environment variable naming the channel to a successor: {@code @uarpd-handover/…}. */
    public static final String ENVIRONMENT = "UARPD_HANDOVER";

    // The conversation, in its order: the successor connects as it starts and, once warm, says READY (with
    // its crash restorer's pid and the links it serves, which must be the running one's); the
    // running uarpd sends HOST (the locks and the journal, with their sockets); the successor, having
    // handed every change to its own crash restorer, says ARMED with that restorer's pid, and SERVING
    // once its loop runs; the running uarpd tells systemd the new MAINPID and says MAIN, then stops
    // without undoing anything. FAILED (with the reason) or the end of the connection, before SERVING,
    // means the successor gave up: the running uarpd goes on serving. In a fleet, after SERVING the
    // successor says FLEET once etcd has answered it, and the running uarpd answers FLEET with the lease
    // and the groups it owned (see daemon/.../fleet/FleetBridge.java) once its loop has stopped
    // answering for them; then MAIN.
    public static final String READY = "ready";
    public static final String HOST = "host";
    public static final String ARMED = "armed";
    public static final String SERVING = "serving";
    public static final String MAIN = "main";
    public static final String FAILED = "failed";
    public static final String FLEET = "fleet";

    /** One message: its text and the descriptors that came with it (now ours to close). */
    public record Message(String text, int[] fds) {
        /** Its first word. */
        public String verb() {
            int space = text.indexOf(' ');
            return space < 0 ? text : text.substring(0, space);
        }

        /** What follows its first word ("" if nothing). */
        public String rest() {
            int space = text.indexOf(' ');
            return space < 0 ? "" : text.substring(space + 1);
        }
    }

    /** SCM_MAX_FD in the kernel is 253; uarpd passes a few per interface. */
    static final int MAX_FDS = 64;
    private static final int MAX_MESSAGE = 256 * 1024;
    private static final int SCM_RIGHTS = 1;
    /** {@code struct msghdr} on 64-bit Linux: name, namelen, iov, iovlen, control, controllen, flags. */
    private static final int MSGHDR = 56;
    /** {@code struct cmsghdr}: size_t len, int level, int type, then the data. */
    private static final int CMSG_HEADER = 16;
    private static final int MSG_CTRUNC = 0x8;
    private static final int MSG_CMSG_CLOEXEC = 0x40000000;

    private final int fd;
    private final long peerPid;
    private boolean closed;
    private final Arena arena = Arena.ofShared();
    private final MemorySegment buffer = arena.allocate(MAX_MESSAGE);
    private final MemorySegment control = arena.allocate(CMSG_HEADER + 4 * MAX_FDS, 8);
    private final MemorySegment header = arena.allocate(MSGHDR, 8);
    private final MemorySegment iov = arena.allocate(16, 8);
    private final MemorySegment pollFd = arena.allocate(Libc.POLLFD_SIZE);

    private HandoverChannel(int fd) {
        this.fd = fd;
        try (Arena a = Arena.ofConfined()) {
            MemorySegment cred = a.allocate(12, 4); // struct ucred: pid, uid, gid
            MemorySegment size = a.allocate(ValueLayout.JAVA_INT);
            size.set(ValueLayout.JAVA_INT, 0, 12);
            Libc.check(Libc.tryGetsockopt(fd, Libc.SOL_SOCKET, Libc.SO_PEERCRED, cred, size), "getsockopt(SO_PEERCRED) on the handover channel", null);
            peerPid = cred.get(ValueLayout.JAVA_INT, 0);
        }
        pollFd.set(ValueLayout.JAVA_INT, 0, fd);
        pollFd.set(ValueLayout.JAVA_SHORT, 4, Libc.POLLIN);
    }

    /** The process at the other end, as the kernel saw it connect. */
    public long peerPid() {
        return peerPid;
    }

    /** The successor's side: connects to {@code name} ({@code @…}, from {@link #ENVIRONMENT}). */
    public static HandoverChannel connect(String name) {
        int fd = Libc.socket(Libc.AF_UNIX, Libc.SOCK_SEQPACKET | Libc.SOCK_CLOEXEC, 0, "socket(AF_UNIX, SOCK_SEQPACKET) for " + ENVIRONMENT, null);
        try (Arena a = Arena.ofConfined()) {
            MemorySegment address = a.allocate(SystemdNotify.SUN_PATH_OFFSET + SystemdNotify.SUN_PATH_SIZE);
            int length = SystemdNotify.socketAddress(name, address);
            Libc.check(Libc.tryConnect(fd, address, length), "connect(" + ENVIRONMENT + "=" + name + ")",
                    "the uarpd that started this one is gone or gave up waiting; start uarpd normally, without " + ENVIRONMENT);
            return new HandoverChannel(fd);
        } catch (RuntimeException e) {
            Libc.close(fd);
            throw e;
        }
    }

    /** Sends {@code text} with copies of {@code fds} (ours stay open). */
    public void send(String text, int... fds) {
        if (fds.length > MAX_FDS) throw new IllegalArgumentException("at most " + MAX_FDS + " descriptors a message, got " + fds.length);
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        if (bytes.length > MAX_MESSAGE) throw new IllegalArgumentException("handover message of " + bytes.length + " bytes is too long");
        synchronized (this) {
            MemorySegment.copy(bytes, 0, buffer, ValueLayout.JAVA_BYTE, 0, bytes.length);
            long controlLength = 0;
            if (fds.length > 0) {
                controlLength = CMSG_HEADER + 4L * fds.length;
                control.set(ValueLayout.JAVA_LONG, 0, controlLength);
                control.set(ValueLayout.JAVA_INT, 8, Libc.SOL_SOCKET);
                control.set(ValueLayout.JAVA_INT, 12, SCM_RIGHTS);
                for (int i = 0; i < fds.length; i++) control.set(ValueLayout.JAVA_INT, CMSG_HEADER + 4L * i, fds[i]);
                controlLength = (controlLength + 7) & ~7L; // CMSG_SPACE
            }
            header(bytes.length, controlLength);
            long n;
            do {
                n = Libc.trySendmsg(fd, header, SystemdNotify.MSG_NOSIGNAL);
            } while (n == -Errno.EINTR);
            Libc.check(n, "sendmsg(handover channel, \"" + firstLine(text) + "\")", "the other uarpd is gone");
        }
    }

    /**
     * The next message, or null when the other end closed (it exited, however it did). Throws
     * {@link IllegalStateException} when nothing came within {@code timeoutNanos}.
     */
    public synchronized Message receive(long timeoutNanos) {
        long deadline = System.nanoTime() + timeoutNanos;
        while (true) {
            header(MAX_MESSAGE, control.byteSize());
            long n = Libc.tryRecvmsg(fd, header, Libc.MSG_DONTWAIT | MSG_CMSG_CLOEXEC);
            if (n == 0) return null;
            if (n == -Errno.ECONNRESET) return null;
            if (n > 0) return message((int) n);
            if (n != -Errno.EAGAIN && n != -Errno.EINTR) Libc.check(n, "recvmsg(handover channel)", null);
            long left = deadline - System.nanoTime();
            if (left <= 0) throw new IllegalStateException("no word from the other uarpd (pid " + peerPid + ") within "
                    + timeoutNanos / 1_000_000_000L + " s");
            Libc.tryPoll(pollFd, 1, (int) Math.max(1, Math.min(1000, left / 1_000_000L)));
        }
    }

    private Message message(int length) {
        if ((header.get(ValueLayout.JAVA_INT, 48) & MSG_CTRUNC) != 0) {
            throw new IllegalStateException("the handover message carried more than " + MAX_FDS + " descriptors");
        }
        int[] fds = new int[0];
        long controlLength = header.get(ValueLayout.JAVA_LONG, 40);
        if (controlLength >= CMSG_HEADER && control.get(ValueLayout.JAVA_INT, 8) == Libc.SOL_SOCKET
                && control.get(ValueLayout.JAVA_INT, 12) == SCM_RIGHTS) {
            fds = new int[(int) ((control.get(ValueLayout.JAVA_LONG, 0) - CMSG_HEADER) / 4)];
            for (int i = 0; i < fds.length; i++) fds[i] = control.get(ValueLayout.JAVA_INT, CMSG_HEADER + 4L * i);
        }
        return new Message(new String(buffer.asSlice(0, length).toArray(ValueLayout.JAVA_BYTE), StandardCharsets.UTF_8), fds);
    }

    private void header(long length, long controlLength) {
        iov.set(ValueLayout.ADDRESS, 0, buffer);
        iov.set(ValueLayout.JAVA_LONG, 8, length);
        header.fill((byte) 0);
        header.set(ValueLayout.ADDRESS, 16, iov);
        header.set(ValueLayout.JAVA_LONG, 24, 1);
        if (controlLength > 0) {
            header.set(ValueLayout.ADDRESS, 32, control);
            header.set(ValueLayout.JAVA_LONG, 40, controlLength);
        }
    }

    private static String firstLine(String text) {
        int end = text.indexOf('\n');
        return end < 0 ? text : text.substring(0, end) + " …";
    }

    /** Closes the connection (idempotent): the other end reads its end. */
    @Override
    public synchronized void close() {
        if (closed) return;
        closed = true;
        Libc.close(fd);
        arena.close();
    }

    /** The running uarpd's side: listens for the one successor it starts. */
    public static final class Listener implements AutoCloseable {
        private final String name;
        private final int fd;
        private final Arena arena = Arena.ofShared();
        private final MemorySegment pollFd = arena.allocate(Libc.POLLFD_SIZE);

        /** Listens at a fresh abstract name of this process's. */
        public Listener() {
            name = "@uarpd-handover/" + ProcessHandle.current().pid() + "/" + Long.toHexString(System.nanoTime());
            try {
                fd = SystemdNotify.boundSocket(Libc.SOCK_SEQPACKET | Libc.SOCK_NONBLOCK, name);
            } catch (RuntimeException e) {
                arena.close();
                throw e;
            }
            try {
                Libc.check(Libc.tryListen(fd, 4), "listen(" + name + ")", null);
            } catch (RuntimeException e) {
                Libc.close(fd);
                arena.close();
                throw e;
            }
            pollFd.set(ValueLayout.JAVA_INT, 0, fd);
            pollFd.set(ValueLayout.JAVA_SHORT, 4, Libc.POLLIN);
        }

        /** The value of {@link #ENVIRONMENT} for the successor. */
        public String name() {
            return name;
        }

        /**
         * The connection of process {@code pid} (others are closed at once), or null if none came
         * within {@code timeoutNanos} or {@code alive} said the process is gone.
         */
        public HandoverChannel accept(long pid, long timeoutNanos, BooleanSupplier alive) {
            long deadline = System.nanoTime() + timeoutNanos;
            while (System.nanoTime() - deadline < 0 && alive.getAsBoolean()) {
                int c = Libc.tryAccept(fd, Libc.SOCK_CLOEXEC);
                if (c >= 0) {
                    HandoverChannel channel;
                    try {
                        channel = new HandoverChannel(c);
                    } catch (RuntimeException e) {
                        Libc.close(c);
                        continue;
                    }
                    if (channel.peerPid() == pid) return channel;
                    channel.close(); // someone else in this namespace: not the process we started
                    continue;
                }
                if (c != -Errno.EAGAIN && c != -Errno.EINTR && c != -Errno.ECONNABORTED) Libc.check(c, "accept(" + name + ")", null);
                Libc.tryPoll(pollFd, 1, 100); // wakes to look at the process again
            }
            return null;
        }

        @Override
        public synchronized void close() {
            if (!arena.scope().isAlive()) return;
            Libc.close(fd);
            arena.close();
        }
    }
}

package org.uarpd.linux;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;

/**
 * The client side of systemd's service notification protocol (sd_notify(3)): newline-separated
 * {@code KEY=VALUE} assignments, one datagram per notification, sent over an {@code AF_UNIX}
 * {@code SOCK_DGRAM} socket to the address in {@code $NOTIFY_SOCKET}, either a file system path
 * ({@code /run/systemd/notify}) or, after a leading {@code @}, a name in the abstract namespace.
 * Java's channels have no Unix datagram sockets, so this speaks through {@link Libc}.
 *
 * <p>Without {@code $NOTIFY_SOCKET} (not started by systemd, or a unit that is not
 * {@code Type=notify}) every method does nothing: callers notify unconditionally.
 *
 * <p>Watchdog pings never block: a full receive queue drops one rather than stalling the event loop;
 * the other notifications wait a bounded time for room ({@link #send}). {@link #watchdog()} is made for the loop itself: it allocates nothing and reports
 * failure by its result; the others throw {@link NativeCallException} naming the socket.
 */
public final class SystemdNotify implements AutoCloseable {
    public static final String NOTIFY_SOCKET = "NOTIFY_SOCKET";
    public static final String WATCHDOG_USEC = "WATCHDOG_USEC";
    public static final String WATCHDOG_PID = "WATCHDOG_PID";

    static final int AF_UNIX = 1;
    static final int MSG_NOSIGNAL = 0x4000;
    /** {@code struct sockaddr_un}: {@code sa_family_t sun_family; char sun_path[108];}. */
    static final int SUN_PATH_OFFSET = 2;
    static final int SUN_PATH_SIZE = 108;
    private static final int CLOCK_MONOTONIC = 1;

    private static final MethodHandle CLOCK_GETTIME = Linker.nativeLinker().downcallHandle(
            Linker.nativeLinker().defaultLookup().find("clock_gettime").orElseThrow(),
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.ADDRESS));

    private static final SystemdNotify DISABLED = new SystemdNotify(null, -1, null, 0, null);

    private final String socketName;
    private final int fd;
    private final Arena arena;
    private final MemorySegment address;
    private final int addressLength;
    private final MemorySegment watchdogMessage;
    private boolean closed;

    private SystemdNotify(String socketName, int fd, Arena arena, int addressLength, MemorySegment address) {
        this.socketName = socketName;
        this.fd = fd;
        this.arena = arena;
        this.address = address;
        this.addressLength = addressLength;
        this.watchdogMessage = arena == null ? null : encode(arena, "WATCHDOG=1");
    }

    /** From this process's environment; see {@link #fromEnvironment(Map)}. */
    public static SystemdNotify fromEnvironment() {
        return fromEnvironment(System.getenv());
    }

    /**
     * A notifier for {@code env}'s {@code NOTIFY_SOCKET}, or one that does nothing when it is unset
     * or empty. Throws {@link IllegalArgumentException} for an address this client cannot use.
     */
    public static SystemdNotify fromEnvironment(Map<String, String> env) {
        String name = env.get(NOTIFY_SOCKET);
        return name == null || name.isEmpty() ? DISABLED : open(name);
    }

    /** A notifier sending to {@code socketName}: an absolute path, or {@code @name} (abstract namespace). */
    public static SystemdNotify open(String socketName) {
        Arena arena = Arena.ofShared();
        try {
            MemorySegment address = arena.allocate(SUN_PATH_OFFSET + SUN_PATH_SIZE);
            int length = socketAddress(socketName, address);
            int fd = Libc.socket(AF_UNIX, Libc.SOCK_DGRAM | Libc.SOCK_CLOEXEC, 0,
                    "socket(AF_UNIX, SOCK_DGRAM) for " + NOTIFY_SOCKET + "=" + socketName, null);
            return new SystemdNotify(socketName, fd, arena, length, address);
        } catch (RuntimeException e) {
            arena.close();
            throw e;
        }
    }

    /**
     * Writes the {@code sockaddr_un} for {@code socketName} into {@code out} (at least
     * {@code SUN_PATH_OFFSET + SUN_PATH_SIZE} bytes) and returns its length: a path is
     * NUL-terminated; an abstract name is exactly its bytes after a leading NUL, since the kernel
     * compares abstract names by length too.
     */
    static int socketAddress(String socketName, MemorySegment out) {
        boolean abstractName = socketName.startsWith("@");
        if (!abstractName && !socketName.startsWith("/")) {
            throw new IllegalArgumentException(NOTIFY_SOCKET + "=" + socketName
                    + ": expected an absolute path or @name (an abstract socket); other address kinds (vsock:) are not supported");
        }
        byte[] name = (abstractName ? socketName.substring(1) : socketName).getBytes(StandardCharsets.UTF_8);
        if (name.length == 0 || name.length > SUN_PATH_SIZE - 1) {
            throw new IllegalArgumentException(NOTIFY_SOCKET + "=" + socketName + ": a socket name is 1 to "
                    + (SUN_PATH_SIZE - 1) + " bytes long, this one " + name.length);
        }
        out.fill((byte) 0);
        out.set(ValueLayout.JAVA_SHORT, 0, (short) AF_UNIX);
        int start = SUN_PATH_OFFSET + (abstractName ? 1 : 0);
        MemorySegment.copy(name, 0, out, ValueLayout.JAVA_BYTE, start, name.length);
        return start + name.length + (abstractName ? 0 : 1);
    }

    /**
     * A new {@code AF_UNIX} socket of {@code type} (with {@code SOCK_CLOEXEC}) bound at {@code
     * socketName} (a path, which must not exist yet, or {@code @name}); closed again if that fails.
     */
    static int boundSocket(int type, String socketName) {
        int fd = Libc.socket(AF_UNIX, type | Libc.SOCK_CLOEXEC, 0, "socket(AF_UNIX) for " + socketName, null);
        try (Arena a = Arena.ofConfined()) {
            MemorySegment address = a.allocate(SUN_PATH_OFFSET + SUN_PATH_SIZE);
            int length = socketAddress(socketName, address);
            Libc.bind(fd, address, length, "bind(" + socketName + ")", null);
            return fd;
        } catch (RuntimeException e) {
            Libc.close(fd);
            throw e;
        }
    }

    /** Whether notifications go anywhere. */
    public boolean enabled() {
        return fd >= 0;
    }

    /** {@code READY=1}: startup (or a reload) is finished and the service serves. */
    public void ready() {
        send("READY=1");
    }

    /**
     * {@code RELOADING=1} with the {@code CLOCK_MONOTONIC} time it began, which systemd 253 and
     * newer need to tell this reload from an earlier one; {@link #ready()} ends it.
     */
    public void reloading() {
        if (enabled()) send("RELOADING=1\nMONOTONIC_USEC=" + monotonicMicros());
    }

    /** {@code STOPPING=1}: shutting down; systemd stops expecting watchdog pings. */
    public void stopping() {
        send("STOPPING=1");
    }

    /** {@code STATUS=}: one line for {@code systemctl status}; line breaks become spaces. */
    public void status(String text) {
        if (enabled()) send("STATUS=" + text.replace('\n', ' ').replace('\r', ' '));
    }

    /** {@code MAINPID=}: the service's main process is now {@code pid} (a successor taking over). */
    public void mainPid(long pid) {
        if (pid <= 0) throw new IllegalArgumentException("MAINPID must be a process id, got " + pid);
        send("MAINPID=" + pid);
    }

    /**
     * {@code WATCHDOG=1}: the event loop is alive. Allocates nothing; false when the datagram could
     * not be sent (the next ping tries again; systemd acts only after a whole interval of silence).
     */
    public boolean watchdog() {
        if (!enabled()) return false;
        return Libc.trySendto(fd, watchdogMessage, watchdogMessage.byteSize(), Libc.MSG_DONTWAIT | MSG_NOSIGNAL,
                address, addressLength) >= 0;
    }

    /** How long {@link #send} retries while the listener's queue is full. */
    static final long FULL_QUEUE_NANOS = 2_000_000_000L;

    /**
     * Sends one notification of newline-separated assignments, as is. A full receive queue (the
     * listener busy, the queue filled by watchdog pings) is retried every millisecond for up to
     * {@link #FULL_QUEUE_NANOS}: these are the rare state changes, and a lost {@code READY=1} would
     * fail the start.
     */
    public void send(String assignments) {
        if (!enabled()) return;
        try (Arena a = Arena.ofConfined()) {
            MemorySegment message = encode(a, assignments);
            long sent;
            long giveUp = System.nanoTime() + FULL_QUEUE_NANOS;
            while ((sent = Libc.trySendto(fd, message, message.byteSize(), Libc.MSG_DONTWAIT | MSG_NOSIGNAL, address, addressLength))
                    == -Errno.EAGAIN && System.nanoTime() - giveUp < 0) {
                java.util.concurrent.locks.LockSupport.parkNanos(1_000_000L);
            }
            Libc.check(sent, "sendto(" + NOTIFY_SOCKET + "=" + socketName + ", \"" + assignments.replace("\n", "\\n") + "\")",
                    sent == -Errno.ENOENT ? "nothing listens there: is the service manager still running?" : null);
        }
    }

    private static MemorySegment encode(Arena arena, String text) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        MemorySegment s = arena.allocate(bytes.length);
        MemorySegment.copy(bytes, 0, s, ValueLayout.JAVA_BYTE, 0, bytes.length);
        return s;
    }

    /** {@code CLOCK_MONOTONIC} in microseconds, the clock systemd's {@code MONOTONIC_USEC} is read against. */
    public static long monotonicMicros() {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment timespec = a.allocate(16); // struct timespec { time_t tv_sec; long tv_nsec; }
            int r = (int) CLOCK_GETTIME.invokeExact(CLOCK_MONOTONIC, timespec);
            if (r != 0) throw new IllegalStateException("clock_gettime(CLOCK_MONOTONIC) failed");
            return timespec.get(ValueLayout.JAVA_LONG, 0) * 1_000_000L + timespec.get(ValueLayout.JAVA_LONG, 8) / 1_000L;
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    /** The watchdog interval for this process; see {@link #watchdogInterval(Map, long)}. */
    public static Duration watchdogInterval() {
        return watchdogInterval(System.getenv(), ProcessHandle.current().pid());
    }

    /**
     * The interval within which systemd expects {@code WATCHDOG=1} ({@code WATCHDOG_USEC}), or null
     * when there is none or it is meant for another process ({@code WATCHDOG_PID}, set when the
     * variable may have been inherited). Ping at half of it, as sd_watchdog_enabled(3) advises.
     */
    public static Duration watchdogInterval(Map<String, String> env, long ownPid) {
        String usec = env.get(WATCHDOG_USEC);
        if (usec == null || usec.isEmpty()) return null;
        String pid = env.get(WATCHDOG_PID);
        if (pid != null && !pid.isEmpty() && positive(WATCHDOG_PID, pid) != ownPid) return null;
        long micros = positive(WATCHDOG_USEC, usec);
        return Duration.ofSeconds(micros / 1_000_000L, (micros % 1_000_000L) * 1_000L);
    }

    private static long positive(String key, String value) {
        long v;
        try {
            v = Long.parseLong(value);
        } catch (NumberFormatException e) {
            v = 0;
        }
        if (v <= 0) throw new IllegalArgumentException(key + "=" + value + ": expected a positive whole number");
        return v;
    }

    @Override
    public synchronized void close() {
        if (!enabled() || closed) return;
        closed = true;
        Libc.close(fd);
        arena.close();
    }

    @Override
    public String toString() {
        return enabled() ? "systemd notify socket " + socketName : "systemd notify: off";
    }
}

package org.uarpd.linux;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * The libc calls uarpd needs, through the Foreign Function &amp; Memory API (no JNI, no library of
 * our own). Every call captures {@code errno} right after it returns
 * ({@link Linker.Option#captureCallState}), so nothing the JVM does in between can clobber it.
 *
 * <p>Two shapes: the {@code try…} methods return {@code -errno} on failure and allocate nothing (for
 * the event loop's hot path, where {@code EAGAIN} is normal); the others throw
 * {@link NativeCallException} naming the call, the errno and what to do.
 */
public final class Libc {
    public static final int AF_UNSPEC = 0;
    public static final int AF_UNIX = 1;
    public static final int AF_INET = 2;
    public static final int AF_INET6 = 10;
    public static final int AF_NETLINK = 16;
    public static final int AF_PACKET = 17;
    public static final int SOCK_RAW = 3;
    public static final int SOCK_DGRAM = 2;
    public static final int SOCK_STREAM = 1;
    public static final int SOCK_SEQPACKET = 5;
    public static final int SOCK_NONBLOCK = 0x800;
    public static final int SOCK_CLOEXEC = 0x80000;
    public static final int SOL_SOCKET = 1;
    public static final int SO_RCVBUF = 8;
    public static final int SO_PEERCRED = 17;
    public static final int SO_RCVBUFFORCE = 33;
    public static final int MSG_DONTWAIT = 0x40;
    public static final int MSG_TRUNC = 0x20;
    public static final short POLLIN = 0x1;
    public static final short POLLERR = 0x8;
    public static final int EFD_NONBLOCK = 0x800;
    public static final int EFD_CLOEXEC = 0x80000;
    public static final int O_RDONLY = 0;
    public static final int O_CLOEXEC = 0x80000;
    public static final int CLONE_NEWNET = 0x40000000;
    public static final long SIOCGIFHWADDR = 0x8927;
    public static final int SCHED_FIFO = 1;
    public static final int PROT_READ = 0x1;
    public static final int PROT_WRITE = 0x2;
    public static final int MAP_SHARED = 0x1;

    /** {@code struct pollfd}: int fd, short events, short revents. */
    public static final int POLLFD_SIZE = 8;

    private static final Linker LINKER = Linker.nativeLinker();
    private static final SymbolLookup LIBC = LINKER.defaultLookup();
    private static final MemoryLayout CAPTURE_LAYOUT = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO = CAPTURE_LAYOUT.varHandle(MemoryLayout.PathElement.groupElement("errno"));
    private static final Linker.Option CAPTURE = Linker.Option.captureCallState("errno");

    private static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT;
    private static final ValueLayout.OfLong LONG = ValueLayout.JAVA_LONG;
    private static final ValueLayout PTR = ValueLayout.ADDRESS;

    // One holder class per call: the JVM initialises a holder (and links its downcall stub) the first
    // time the call is made, so a start links only the calls it makes, and a static final handle stays
    // a constant to the JIT.
    private static final class SocketpairCall { static final MethodHandle HANDLE = capturing("socketpair", FunctionDescriptor.of(INT, INT, INT, INT, PTR)); }
    private static final class SocketCall { static final MethodHandle HANDLE = capturing("socket", FunctionDescriptor.of(INT, INT, INT, INT)); }
    private static final class BindCall { static final MethodHandle HANDLE = capturing("bind", FunctionDescriptor.of(INT, INT, PTR, INT)); }
    private static final class SetsockoptCall { static final MethodHandle HANDLE = capturing("setsockopt", FunctionDescriptor.of(INT, INT, INT, INT, PTR, INT)); }
    private static final class ListenCall { static final MethodHandle HANDLE = capturing("listen", FunctionDescriptor.of(INT, INT, INT)); }
    private static final class ConnectCall { static final MethodHandle HANDLE = capturing("connect", FunctionDescriptor.of(INT, INT, PTR, INT)); }
    private static final class GetsockoptCall { static final MethodHandle HANDLE = capturing("getsockopt", FunctionDescriptor.of(INT, INT, INT, INT, PTR, PTR)); }
    private static final class GetsocknameCall { static final MethodHandle HANDLE = capturing("getsockname", FunctionDescriptor.of(INT, INT, PTR, PTR)); }
    private static final class SendtoCall { static final MethodHandle HANDLE = capturing("sendto", FunctionDescriptor.of(LONG, INT, PTR, LONG, INT, PTR, INT)); }
    private static final class RecvfromCall { static final MethodHandle HANDLE = capturing("recvfrom", FunctionDescriptor.of(LONG, INT, PTR, LONG, INT, PTR, PTR)); }
    private static final class RecvmsgCall { static final MethodHandle HANDLE = capturing("recvmsg", FunctionDescriptor.of(LONG, INT, PTR, INT)); }
    private static final class SendmsgCall { static final MethodHandle HANDLE = capturing("sendmsg", FunctionDescriptor.of(LONG, INT, PTR, INT)); }
    private static final class Accept4Call { static final MethodHandle HANDLE = capturing("accept4", FunctionDescriptor.of(INT, INT, PTR, PTR, INT)); }
    private static final class PollCall { static final MethodHandle HANDLE = capturing("poll", FunctionDescriptor.of(INT, PTR, LONG, INT)); }
    private static final class EventfdCall { static final MethodHandle HANDLE = capturing("eventfd", FunctionDescriptor.of(INT, INT, INT)); }
    private static final class ReadCall { static final MethodHandle HANDLE = capturing("read", FunctionDescriptor.of(LONG, INT, PTR, LONG)); }
    private static final class WriteCall { static final MethodHandle HANDLE = capturing("write", FunctionDescriptor.of(LONG, INT, PTR, LONG)); }
    private static final class CloseCall { static final MethodHandle HANDLE = capturing("close", FunctionDescriptor.of(INT, INT)); }
    private static final class IoctlCall { static final MethodHandle HANDLE = capturing("ioctl", FunctionDescriptor.of(INT, INT, LONG, PTR), Linker.Option.firstVariadicArg(2)); }
    private static final class OpenCall { static final MethodHandle HANDLE = capturing("open", FunctionDescriptor.of(INT, PTR, INT), Linker.Option.firstVariadicArg(2)); }
    private static final class SetnsCall { static final MethodHandle HANDLE = capturing("setns", FunctionDescriptor.of(INT, INT, INT)); }
    private static final class SchedSetschedulerCall { static final MethodHandle HANDLE = capturing("sched_setscheduler", FunctionDescriptor.of(INT, INT, INT, PTR)); }
    private static final class IfNametoindexCall { static final MethodHandle HANDLE = capturing("if_nametoindex", FunctionDescriptor.of(INT, PTR)); }
    private static final class SendmmsgCall { static final MethodHandle HANDLE = capturing("sendmmsg", FunctionDescriptor.of(INT, INT, PTR, INT, INT)); }
    private static final class MmapCall { static final MethodHandle HANDLE = capturing("mmap", FunctionDescriptor.of(PTR, PTR, LONG, INT, INT, INT, LONG)); }
    private static final class MunmapCall { static final MethodHandle HANDLE = capturing("munmap", FunctionDescriptor.of(INT, PTR, LONG)); }
    private static final class StrerrorCall { static final MethodHandle HANDLE = LINKER.downcallHandle(find("strerror"), FunctionDescriptor.of(PTR, INT)); }

    /**
     * Links, on the calling thread, the downcalls a start of {@code uarpd run} makes and those of the
     * packet path. The JDK generates each call shape's stub at run time (an AOT cache holds none):
     * about 10 ms of CPU apiece, which a start otherwise pays on its critical path, call by call.
     * A launcher calls this from a thread of its own while its main thread parses the command line;
     * a call whose holder that thread is still initialising waits for it (JVMS 5.5), so nothing is
     * linked twice. A call missing from this list is linked at its first use, as without it.
     */
    public static void linkStartCalls() {
        MethodHandles.Lookup here = MethodHandles.lookup();
        for (Class<?> holder : new Class<?>[] {SocketCall.class, BindCall.class, ListenCall.class, SetsockoptCall.class, GetsocknameCall.class,
                EventfdCall.class, SendtoCall.class, RecvfromCall.class, MmapCall.class, PollCall.class, ReadCall.class, WriteCall.class, CloseCall.class}) {
            try {
                here.ensureInitialized(holder);
            } catch (IllegalAccessException e) {
                throw new IllegalStateException(e); // a nested class of this one: never
            }
        }
    }

    /** One errno capture area per thread: allocated once, reused by every call on that thread. */
    private static final ThreadLocal<MemorySegment> CAPTURED =
            ThreadLocal.withInitial(() -> Arena.global().allocate(CAPTURE_LAYOUT));

    private Libc() {}

    private static MemorySegment find(String name) {
        return LIBC.find(name).orElseThrow(() -> new IllegalStateException("libc has no symbol " + name));
    }

    private static MethodHandle capturing(String name, FunctionDescriptor fd, Linker.Option... more) {
        Linker.Option[] options = new Linker.Option[more.length + 1];
        options[0] = CAPTURE;
        System.arraycopy(more, 0, options, 1, more.length);
        return LINKER.downcallHandle(find(name), fd, options);
    }

    private static int errno(MemorySegment captured) {
        return (int) ERRNO.get(captured, 0L);
    }

    private static RuntimeException rethrow(Throwable t) {
        if (t instanceof RuntimeException r) return r;
        if (t instanceof Error e) throw e;
        return new IllegalStateException(t);
    }

    /** Throws unless {@code result} is non-negative; {@code result} is {@code -errno} from a try… call. */
    public static long check(long result, String call, String advice) {
        if (result >= 0) return result;
        int errno = (int) -result;
        throw new NativeCallException(call, errno, null, advice != null ? advice : NativeCallException.adviceFor(errno));
    }

    // ---- calls returning -errno ----

    public static int trySocket(int domain, int type, int protocol) {
        MemorySegment c = CAPTURED.get();
        try {
            int r = (int) SocketCall.HANDLE.invokeExact(c, domain, type, protocol);
            return r >= 0 ? r : -errno(c);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public static int tryBind(int fd, MemorySegment address, int length) {
        MemorySegment c = CAPTURED.get();
        try {
            int r = (int) BindCall.HANDLE.invokeExact(c, fd, address, length);
            return r >= 0 ? r : -errno(c);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public static int trySetsockopt(int fd, int level, int name, MemorySegment value, int length) {
        MemorySegment c = CAPTURED.get();
        try {
            int r = (int) SetsockoptCall.HANDLE.invokeExact(c, fd, level, name, value, length);
            return r >= 0 ? r : -errno(c);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public static int tryListen(int fd, int backlog) {
        MemorySegment c = CAPTURED.get();
        try {
            int r = (int) ListenCall.HANDLE.invokeExact(c, fd, backlog);
            return r >= 0 ? r : -errno(c);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public static int tryConnect(int fd, MemorySegment address, int length) {
        MemorySegment c = CAPTURED.get();
        try {
            int r = (int) ConnectCall.HANDLE.invokeExact(c, fd, address, length);
            return r >= 0 ? r : -errno(c);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public static int tryGetsockopt(int fd, int level, int name, MemorySegment value, MemorySegment length) {
        MemorySegment c = CAPTURED.get();
        try {
            int r = (int) GetsockoptCall.HANDLE.invokeExact(c, fd, level, name, value, length);
            return r >= 0 ? r : -errno(c);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public static int tryGetsockname(int fd, MemorySegment address, MemorySegment length) {
        MemorySegment c = CAPTURED.get();
        try {
            int r = (int) GetsocknameCall.HANDLE.invokeExact(c, fd, address, length);
            return r >= 0 ? r : -errno(c);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public static long trySendto(int fd, MemorySegment buf, long length, int flags, MemorySegment address, int addressLength) {
        MemorySegment c = CAPTURED.get();
        try {
            long r = (long) SendtoCall.HANDLE.invokeExact(c, fd, buf, length, flags, address, addressLength);
            return r >= 0 ? r : -errno(c);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public static long tryRecvfrom(int fd, MemorySegment buf, long length, int flags, MemorySegment address, MemorySegment addressLength) {
        MemorySegment c = CAPTURED.get();
        try {
            long r = (long) RecvfromCall.HANDLE.invokeExact(c, fd, buf, length, flags, address, addressLength);
            return r >= 0 ? r : -errno(c);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public static long tryRecvmsg(int fd, MemorySegment msghdr, int flags) {
        MemorySegment c = CAPTURED.get();
        try {
            long r = (long) RecvmsgCall.HANDLE.invokeExact(c, fd, msghdr, flags);
            return r >= 0 ? r : -errno(c);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public static long trySendmsg(int fd, MemorySegment msghdr, int flags) {
        MemorySegment c = CAPTURED.get();
        try {
            long r = (long) SendmsgCall.HANDLE.invokeExact(c, fd, msghdr, flags);
            return r >= 0 ? r : -errno(c);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** accept4(2) without the peer's address. */
    public static int tryAccept(int fd, int flags) {
        MemorySegment c = CAPTURED.get();
        try {
            int r = (int) Accept4Call.HANDLE.invokeExact(c, fd, MemorySegment.NULL, MemorySegment.NULL, flags);
            return r >= 0 ? r : -errno(c);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public static int tryPoll(MemorySegment fds, long count, int timeoutMillis) {
        MemorySegment c = CAPTURED.get();
        try {
            int r = (int) PollCall.HANDLE.invokeExact(c, fds, count, timeoutMillis);
            return r >= 0 ? r : -errno(c);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public static long tryRead(int fd, MemorySegment buf, long length) {
        MemorySegment c = CAPTURED.get();
        try {
            long r = (long) ReadCall.HANDLE.invokeExact(c, fd, buf, length);
            return r >= 0 ? r : -errno(c);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public static long tryWrite(int fd, MemorySegment buf, long length) {
        MemorySegment c = CAPTURED.get();
        try {
            long r = (long) WriteCall.HANDLE.invokeExact(c, fd, buf, length);
            return r >= 0 ? r : -errno(c);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public static int tryIoctl(int fd, long request, MemorySegment argument) {
        MemorySegment c = CAPTURED.get();
        try {
            int r = (int) IoctlCall.HANDLE.invokeExact(c, fd, request, argument);
            return r >= 0 ? r : -errno(c);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** sendmmsg(2): how many of the {@code count} messages of {@code vector} were sent, or {@code -errno} when the first failed. */
    public static int trySendmmsg(int fd, MemorySegment vector, int count, int flags) {
        MemorySegment c = CAPTURED.get();
        try {
            int r = (int) SendmmsgCall.HANDLE.invokeExact(c, fd, vector, count, flags);
            return r >= 0 ? r : -errno(c);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    // ---- calls that throw ----

    /** A shared read-write mapping of {@code length} bytes of {@code fd} (a packet socket's ring: packet(7)). */
    public static MemorySegment mmapShared(int fd, long length, String call) {
        MemorySegment c = CAPTURED.get();
        try {
            MemorySegment p = (MemorySegment) MmapCall.HANDLE.invokeExact(c, MemorySegment.NULL, length, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0L);
            if (p.address() == -1L) check(-errno(c), call, null); // MAP_FAILED
            return p.reinterpret(length);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** Unmaps what {@link #mmapShared} mapped; errors are ignored (only a wrong address fails). */
    public static void munmap(MemorySegment mapping) {
        MemorySegment c = CAPTURED.get();
        try {
            int ignored = (int) MunmapCall.HANDLE.invokeExact(c, mapping, mapping.byteSize());
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public static int socket(int domain, int type, int protocol, String call, String advice) {
        return (int) check(trySocket(domain, type, protocol), call, advice);
    }

    /** socketpair(2): two connected sockets of {@code type} in the AF_UNIX domain, as {@code {fd0, fd1}}. */
    public static int[] socketpair(int type, String call) {
        MemorySegment c = CAPTURED.get();
        try (Arena a = Arena.ofConfined()) {
            MemorySegment fds = a.allocate(INT, 2);
            int r = (int) SocketpairCall.HANDLE.invokeExact(c, AF_UNIX, type, 0, fds);
            check(r >= 0 ? r : -errno(c), call, null);
            return new int[] {fds.getAtIndex(INT, 0), fds.getAtIndex(INT, 1)};
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public static void bind(int fd, MemorySegment address, int length, String call, String advice) {
        check(tryBind(fd, address, length), call, advice);
    }

    public static void setsockoptInt(int fd, int level, int name, int value, String call) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment v = a.allocate(INT);
            v.set(INT, 0, value);
            check(trySetsockopt(fd, level, name, v, 4), call, null);
        }
    }

    public static int eventfd(int initial, int flags) {
        MemorySegment c = CAPTURED.get();
        try {
            int r = (int) EventfdCall.HANDLE.invokeExact(c, initial, flags);
            return (int) check(r >= 0 ? r : -errno(c), "eventfd(0, EFD_NONBLOCK|EFD_CLOEXEC)", null);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** Closes {@code fd}; errors are ignored (Linux frees the descriptor even when close fails). */
    public static void close(int fd) {
        if (fd < 0) return;
        MemorySegment c = CAPTURED.get();
        try {
            int ignored = (int) CloseCall.HANDLE.invokeExact(c, fd);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public static int open(String path, int flags) {
        MemorySegment c = CAPTURED.get();
        try (Arena a = Arena.ofConfined()) {
            int r = (int) OpenCall.HANDLE.invokeExact(c, a.allocateFrom(path), flags);
            return (int) check(r >= 0 ? r : -errno(c), "open(\"" + path + "\")",
                    r < 0 && errno(c) == Errno.ENOENT ? "no such file: for a namespace, check `ip netns list`" : null);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** Moves the calling thread (only it) into the namespace {@code fd} refers to. */
    public static void setns(int fd, int nstype, String what) {
        MemorySegment c = CAPTURED.get();
        try {
            int r = (int) SetnsCall.HANDLE.invokeExact(c, fd, nstype);
            check(r >= 0 ? r : -errno(c), "setns(" + what + ")", null);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /**
     * Puts the calling thread (Linux: pid 0 is the caller's own task, i.e. this thread) under
     * SCHED_FIFO at {@code priority} (1..99), so it runs as soon as it is woken.
     */
    public static void realtime(int priority) {
        MemorySegment c = CAPTURED.get();
        try (Arena a = Arena.ofConfined()) {
            MemorySegment param = a.allocate(INT);
            param.set(INT, 0, priority);
            int r = (int) SchedSetschedulerCall.HANDLE.invokeExact(c, 0, SCHED_FIFO, param);
            int errno = r < 0 ? errno(c) : 0;
            check(r >= 0 ? r : -errno, "sched_setscheduler(SCHED_FIFO, " + priority + ")",
                    errno == Errno.EPERM ? "needs CAP_SYS_NICE (run as root or grant the capability), or an RLIMIT_RTPRIO of at least " + priority : null);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** The index of interface {@code name}; throws (ENODEV) naming it when there is none. */
    public static int ifNameToIndex(String name) {
        MemorySegment c = CAPTURED.get();
        try (Arena a = Arena.ofConfined()) {
            int r = (int) IfNametoindexCall.HANDLE.invokeExact(c, a.allocateFrom(name));
            if (r != 0) return r;
            int e = errno(c);
            throw new NativeCallException("if_nametoindex(\"" + name + "\")", e == 0 ? Errno.ENODEV : e, null,
                    "no interface called " + name + " in this network namespace (check `ip link`)");
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** The hardware address of interface {@code name} (SIOCGIFHWADDR on {@code fd}, any socket). */
    public static byte[] hardwareAddress(int fd, String name) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment ifreq = a.allocate(40);
            byte[] n = name.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
            if (n.length > 15) throw new IllegalArgumentException("interface name longer than 15 bytes: " + name);
            MemorySegment.copy(n, 0, ifreq, ValueLayout.JAVA_BYTE, 0, n.length);
            check(tryIoctl(fd, SIOCGIFHWADDR, ifreq), "ioctl(SIOCGIFHWADDR, \"" + name + "\")", null);
            // struct ifreq: char ifr_name[16]; struct sockaddr ifr_hwaddr { u16 family; char data[14]; }
            byte[] mac = new byte[6];
            MemorySegment.copy(ifreq, ValueLayout.JAVA_BYTE, 18, mac, 0, 6);
            return mac;
        }
    }

    public static String strerror(int errno) {
        try {
            MemorySegment s = (MemorySegment) StrerrorCall.HANDLE.invokeExact(errno);
            return s.reinterpret(256).getString(0);
        } catch (Throwable t) {
            return "errno " + errno;
        }
    }
}

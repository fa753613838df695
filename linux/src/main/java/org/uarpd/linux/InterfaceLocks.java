package org.uarpd.linux;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * One uarpd per interface, whatever the modes: before it changes anything, a daemon binds a listening
 * {@code AF_UNIX} socket at the abstract address {@code "\0uarpd/IFNAME"} for each interface it serves
 * (unix(7)). Abstract names belong to the network namespace, need no file and are released by the
 * kernel when the process ends in any way, SIGKILL included, so a lock never outlives its holder.
 *
 * <p>A second daemon's bind fails with EADDRINUSE; it then connects to the holder and asks the kernel
 * for the peer's credentials ({@code SO_PEERCRED}: the process that listens), so the refusal names the
 * running uarpd by pid. The holder never accepts: a connection that waits in its backlog costs it
 * nothing, and the asker closes its end at once.
 *
 * <p>A restart passes the listening sockets themselves to the successor ({@link HostHold}): both hold
 * them for a moment, then only the successor, so the name is never free in between.
 */
final class InterfaceLocks implements AutoCloseable {
    private static final int SOCKADDR_UN = 110;
    private static final int BACKLOG = 64;

    private final List<Integer> held = new ArrayList<>();

    /**
     * Takes the lock of every interface in {@code names}, or none: if one is held elsewhere, the ones
     * taken are released and the exception names the holder.
     */
    static InterfaceLocks take(List<String> names) {
        InterfaceLocks locks = new InterfaceLocks();
        try {
            for (String name : names) locks.held.add(lock(name));
            return locks;
        } catch (RuntimeException e) {
            locks.close();
            throw e;
        }
    }

    private static int lock(String name) {
        int fd = Libc.socket(Libc.AF_UNIX, Libc.SOCK_STREAM | Libc.SOCK_CLOEXEC, 0, "socket(AF_UNIX) for the lock of " + name, null);
        try (Arena a = Arena.ofConfined()) {
            MemorySegment address = a.allocate(SOCKADDR_UN);
            int length = address(address, name);
            int r = Libc.tryBind(fd, address, length);
            if (r == -Errno.EADDRINUSE) {
                throw new IllegalStateException(name + " is already served by another uarpd (" + holder(address, length)
                        + ") in this network namespace; stop it first, or leave " + name + " out of this one's interfaces");
            }
            Libc.check(r, "bind(AF_UNIX @uarpd/" + name + ")", null);
            Libc.check(Libc.tryListen(fd, BACKLOG), "listen(AF_UNIX @uarpd/" + name + ")", null);
            return fd;
        } catch (RuntimeException e) {
            Libc.close(fd);
            throw e;
        }
    }

    /** Fills a {@code sockaddr_un} with the abstract name of {@code name}'s lock; returns its length. */
    private static int address(MemorySegment address, String name) {
        byte[] path = ("uarpd/" + name).getBytes(StandardCharsets.UTF_8);
        address.set(ValueLayout.JAVA_SHORT, 0, (short) Libc.AF_UNIX);
        address.set(ValueLayout.JAVA_BYTE, 2, (byte) 0); // abstract: a leading NUL, no file
        MemorySegment.copy(path, 0, address, ValueLayout.JAVA_BYTE, 3, path.length);
        return 3 + path.length;
    }

    /** "pid N", asked of the kernel through a connection to the holder, or why it could not be asked. */
    private static String holder(MemorySegment address, int length) {
        int fd = Libc.trySocket(Libc.AF_UNIX, Libc.SOCK_STREAM | Libc.SOCK_CLOEXEC | Libc.SOCK_NONBLOCK, 0);
        if (fd < 0) return "its pid unknown: " + Errno.name(-fd);
        try (Arena a = Arena.ofConfined()) {
            int r = Libc.tryConnect(fd, address, length);
            if (r < 0) return "its pid unknown: connect " + Errno.name(-r);
            MemorySegment cred = a.allocate(12, 4); // struct ucred: pid, uid, gid
            MemorySegment size = a.allocate(ValueLayout.JAVA_INT);
            size.set(ValueLayout.JAVA_INT, 0, 12);
            r = Libc.tryGetsockopt(fd, Libc.SOL_SOCKET, Libc.SO_PEERCRED, cred, size);
            if (r < 0) return "its pid unknown: SO_PEERCRED " + Errno.name(-r);
            return "pid " + cred.get(ValueLayout.JAVA_INT, 0);
        } finally {
            Libc.close(fd);
        }
    }

    /** The listening sockets that are the locks, to hand them to a successor (which then holds them too). */
    int[] descriptors() {
        return held.stream().mapToInt(Integer::intValue).toArray();
    }

    /** Locks a predecessor held and handed over: the same sockets, so there is no moment without them. */
    static InterfaceLocks adopt(int[] fds) {
        InterfaceLocks locks = new InterfaceLocks();
        for (int fd : fds) locks.held.add(fd);
        return locks;
    }

    /** Releases every lock (idempotent). */
    @Override
    public void close() {
        for (int fd : held) Libc.close(fd);
        held.clear();
    }
}

package org.uarpd.linux;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;

/**
 * The event loop's poll(2) array: slot 0 the wake-up eventfd, slot 1 the rtnetlink event socket, then
 * the packet sockets of every present link (ARP addressed to us, other ARP, RARP, IPv6 neighbour discovery). Allocated once, sized for every configured
 * link, and rewritten in place when a link goes or comes back (the arena frees nothing before it is
 * closed, so a new array per change would grow with every flap).
 */
final class PollSet {
    static final int WAKE = 0;
    static final int NETLINK = 1;
    /** The first packet socket's slot. */
    static final int SOCKETS = 2;
    private static final int PER_LINK = 4;

    private final MemorySegment fds;
    /** The owner and socket of each packet-socket slot, from {@link #SOCKETS} on. */
    private final List<LinkTable.Entry> owners = new ArrayList<>();
    private final List<PacketSocket> sockets = new ArrayList<>();
    private int count;

    PollSet(Arena arena, int configuredLinks) {
        fds = arena.allocate((long) Libc.POLLFD_SIZE * (SOCKETS + PER_LINK * configuredLinks), 8);
    }

    /** Fills the array again from the links whose sockets are open. */
    void rebuild(int wakeFd, int netlinkFd, LinkTable links) {
        owners.clear();
        sockets.clear();
        int slot = 0;
        slot = slot(slot, wakeFd);
        slot = slot(slot, netlinkFd);
        for (LinkTable.Entry l : links.entries()) {
            for (PacketSocket s : l.sockets()) {
                owners.add(l);
                sockets.add(s);
                slot = slot(slot, s.fd());
            }
        }
        count = slot;
    }

    private int slot(int slot, int fd) {
        long off = (long) slot * Libc.POLLFD_SIZE;
        fds.set(ValueLayout.JAVA_INT, off, fd);
        fds.set(ValueLayout.JAVA_SHORT, off + 4, Libc.POLLIN);
        fds.set(ValueLayout.JAVA_SHORT, off + 6, (short) 0);
        return slot + 1;
    }

    /** poll(2) over the array; returns how many descriptors are ready, or {@code -errno}. */
    int poll(int timeoutMillis) {
        return Libc.tryPoll(fds, count, timeoutMillis);
    }

    int count() {
        return count;
    }

    boolean ready(int slot) {
        return fds.get(ValueLayout.JAVA_SHORT, (long) slot * Libc.POLLFD_SIZE + 6) != 0;
    }

    /** True when poll(2) reported a pending socket error on {@code slot} (POLLERR). */
    boolean failed(int slot) {
        return (fds.get(ValueLayout.JAVA_SHORT, (long) slot * Libc.POLLFD_SIZE + 6) & Libc.POLLERR) != 0;
    }

    /** The link that owns packet-socket slot {@code slot} ({@link #SOCKETS} ≤ slot < {@link #count()}). */
    LinkTable.Entry owner(int slot) {
        return owners.get(slot - SOCKETS);
    }

    PacketSocket socket(int slot) {
        return sockets.get(slot - SOCKETS);
    }

    /** poll(2) timeout for {@code deadline}: rounded up so the loop never wakes just before it is due. */
    static int timeoutMillis(long deadline, long now) {
        if (deadline == Long.MAX_VALUE) return -1;
        long wait = deadline - now;
        if (wait <= 0) return 0;
        return (int) Math.min(Integer.MAX_VALUE, Math.ceilDiv(wait, 1_000_000L)); // ceilDiv: no overflow near Long.MAX_VALUE
    }
}

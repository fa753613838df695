package org.uarpd.linux;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;

/**
 * The event loop's poll(2) array: slot 0 the wake-up eventfd, slot 1 the rtnetlink event socket, then
 * the ARP and RARP packet sockets of every present link. Allocated once, sized for every configured
 * link, and rewritten in place when a link goes or comes back (the arena frees nothing before it is
 * closed, so a new array per change would grow with every flap).
 */
final class PollSet {
    static final int WAKE = 0;
    static final int NETLINK = 1;

    private final MemorySegment fds;
    /** The links whose sockets are in the array, in slot order. */
    private final List<LinkTable.Entry> polled = new ArrayList<>();
    private int count;

    PollSet(Arena arena, int configuredLinks) {
        fds = arena.allocate((long) Libc.POLLFD_SIZE * (2 + 2 * configuredLinks), 8);
    }

    /** Fills the array again from the links whose sockets are open. */
    void rebuild(int wakeFd, int netlinkFd, LinkTable links) {
        polled.clear();
        for (LinkTable.Entry l : links.entries()) if (l.arp != null) polled.add(l);
        count = 2 + 2 * polled.size();
        int slot = 0;
        slot = slot(slot, wakeFd);
        slot = slot(slot, netlinkFd);
        for (LinkTable.Entry l : polled) {
            slot = slot(slot, l.arp.fd());
            slot = slot(slot, l.rarp.fd());
        }
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

    /** How many links have sockets in the array; link {@code i} owns slots {@code 2 + 2i} (ARP) and {@code 3 + 2i} (RARP). */
    int links() {
        return polled.size();
    }

    LinkTable.Entry link(int i) {
        return polled.get(i);
    }

    /** poll(2) timeout for {@code deadline}: rounded up so the loop never wakes just before it is due. */
    static int timeoutMillis(long deadline, long now) {
        if (deadline == Long.MAX_VALUE) return -1;
        long wait = deadline - now;
        if (wait <= 0) return 0;
        return (int) Math.min(Integer.MAX_VALUE, Math.ceilDiv(wait, 1_000_000L)); // ceilDiv: no overflow near Long.MAX_VALUE
    }
}

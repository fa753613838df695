package org.uarpd.linux;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * The packet sockets of a {@link WarmUp}'s link: the loop's own {@link PacketSocket}s, {@link PacketRing}
 * and {@link BatchSender}, but over socketpairs (AF_UNIX datagrams) that no interface reaches, so the
 * rehearsal reads and sends through exactly the code a real frame takes — recvfrom(2) on the unicast
 * and neighbour discovery sockets, the ring on the flooded ARP socket, sendto(2) and sendmmsg(2) out —
 * and nothing reaches a wire. The warm-up plays the kernel's part at the far ends: it writes received
 * frames in ({@link #unicast}, {@link #neighbourDiscovery}, {@link #broadcast}) and takes what the
 * engine sent out ({@link #drainSent}).
 */
final class RehearsalLink implements AutoCloseable {
    /** Slots of the rehearsal ring: more than the broadcasts of one round. */
    private static final int RING_SLOTS = 64;
    private static final int FRAME = 2048;

    private final LinkTable.Entry entry;
    private final PacketRing ring;
    /** The far ends: where the ARP socket's sends arrive, where unicast frames are written in, the same for ND. */
    private final int arpFar;
    private final int unicastFar;
    private final int ndFar;
    private final MemorySegment buffer;
    private long sent;

    /** Opens the sockets on {@code entry} (which must have none), their memory from {@code arena}. */
    RehearsalLink(LinkTable.Entry entry, Arena arena) {
        this.entry = entry;
        buffer = arena.allocate(FRAME, 8);
        ring = new PacketRing(arena.allocate((long) RING_SLOTS * PacketRing.SLOT, 8));
        int type = Libc.SOCK_DGRAM | Libc.SOCK_NONBLOCK | Libc.SOCK_CLOEXEC;
        int[] arp = Libc.socketpair(type, "socketpair(AF_UNIX, SOCK_DGRAM) for the warm-up's ARP socket");
        int[] unicast = null;
        int[] nd = null;
        try {
            unicast = Libc.socketpair(type, "socketpair(AF_UNIX, SOCK_DGRAM) for the warm-up's unicast ARP socket");
            nd = Libc.socketpair(type, "socketpair(AF_UNIX, SOCK_DGRAM) for the warm-up's neighbour discovery socket");
        } catch (RuntimeException e) {
            closeAll(arp, unicast);
            throw e;
        }
        arpFar = arp[1];
        unicastFar = unicast[1];
        ndFar = nd[1];
        entry.arp = PacketSocket.rehearsal(arp[0], entry.index, PacketSocket.ETH_P_ARP, ring);
        entry.unicast = PacketSocket.rehearsal(unicast[0], entry.index, PacketSocket.ETH_P_ARP, null);
        entry.nd = PacketSocket.rehearsal(nd[0], entry.index, NdFilter.ETH_P_IPV6, null);
    }

    /** A broadcast as the flooded ARP socket gets it: into the ring. */
    void broadcast(byte[] frame) {
        if (!ring.offer(frame, frame.length)) throw new IllegalStateException("the warm-up's ring is full: it was not read");
    }

    /** A frame addressed to the host, as the unicast ARP socket (and the RARP one) gets it. */
    void unicast(byte[] frame) {
        write(unicastFar, frame);
    }

    /** A neighbour solicitation or advertisement, as the neighbour discovery socket gets it. */
    void neighbourDiscovery(byte[] frame) {
        write(ndFar, frame);
    }

    /** Reads every socket as the loop's turn does, frames to {@code reader}'s sink. */
    void read(FrameReader reader) {
        reader.drain(entry, entry.unicast, false);
        reader.drain(entry, entry.arp, false);
        reader.drain(entry, entry.nd, false);
    }

    /** Takes what the engine sent out of the ARP and ND sockets; returns how many frames so far. */
    long drainSent() {
        while (Libc.tryRecvfrom(arpFar, buffer, FRAME, Libc.MSG_DONTWAIT, MemorySegment.NULL, MemorySegment.NULL) >= 0) sent++;
        while (Libc.tryRecvfrom(ndFar, buffer, FRAME, Libc.MSG_DONTWAIT, MemorySegment.NULL, MemorySegment.NULL) >= 0) sent++;
        return sent;
    }

    private void write(int fd, byte[] frame) {
        MemorySegment.copy(frame, 0, buffer, ValueLayout.JAVA_BYTE, 0, frame.length);
        Libc.check(Libc.trySendto(fd, buffer, frame.length, 0, MemorySegment.NULL, 0), "send(warm-up socketpair)", null);
    }

    @Override
    public void close() {
        entry.closeSockets();
        Libc.close(arpFar);
        Libc.close(unicastFar);
        Libc.close(ndFar);
    }

    private static void closeAll(int[]... pairs) {
        for (int[] p : pairs) {
            if (p == null) continue;
            Libc.close(p[0]);
            Libc.close(p[1]);
        }
    }
}

package org.uarpd.linux;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;

/**
 * An {@code AF_PACKET} raw socket for one EtherType (ARP 0x0806, RARP 0x8035, IPv6 0x86DD) bound to one
 * interface: frames arrive with their link-layer header, and are sent as complete frames. Receive and
 * send go through buffers allocated once; nothing is allocated per frame.
 */
public final class PacketSocket implements AutoCloseable {
    public static final int ETH_P_ARP = 0x0806;
    public static final int ETH_P_RARP = 0x8035;
    /** sockaddr_ll.sll_pkttype of a frame this host sent (seen by taps); never one to answer. */
    public static final int PACKET_OUTGOING = 4;
    private static final int SOCKADDR_LL = 20;
    private static final int SO_ERROR = 4;
    private static final int MAX_FRAME = 65536;
    /**
     * The burst window of the flooded socket, in nanoseconds: when the last two frames arrived closer
     * together than this and the ring is empty, the reader watches the ring this long for the next
     * one before it returns to sleep in poll(2). Sleeping and being woken costs a frame more, in
     * latency and in CPU, than this short watch: a burst (an arp-scan sends a request every 5-10 µs)
     * is then read as it arrives. Frames further apart than the window are each met by a wake-up as
     * before, so a slow, steady stream costs no watching (BENCHMARKS.md, "Answering bursts").
     */
    static final long BURST_WINDOW_NANOS = 20_000;

    private final Arena arena = Arena.ofShared();
    private final int fd;
    private final int link;
    private final int etherType;
    private final MemorySegment rx;
    private final MemorySegment tx;
    private final MemorySegment from;
    private final MemorySegment fromLength;
    /** The receive ring of the flooded ARP socket ({@link ArpFilter#THE_REST}); null: recvfrom(2). */
    private final PacketRing ring;
    /** Its replies held during a read batch ({@link #holdSends}); null on the other sockets. */
    private final BatchSender batch;
    private boolean holding;
    /** No reply has left since {@link #holdSends}: the next one leaves at once. */
    private boolean firstOfBatch;
    /** When the ring last gave a frame ({@link System#nanoTime}). */
    private long lastRead;

    public PacketSocket(int link, String linkName, int etherType) {
        this(link, linkName, etherType, false);
    }

    /**
     * With {@code neighbourDiscovery} (EtherType 0x86DD) the socket carries only IPv6 neighbour
     * solicitations and advertisements ({@link NdFilter}, attached before the bind) and holds the
     * link's all-multicast membership for as long as it is open.
     */
    PacketSocket(int link, String linkName, int etherType, boolean neighbourDiscovery) {
        this(link, linkName, etherType, neighbourDiscovery ? NdFilter.PROGRAM : null, neighbourDiscovery);
    }

    /**
     * An ARP socket carrying either only the frames addressed to this host's MAC or only the others
     * ({@link ArpFilter}; its filter attached before the bind).
     */
    static PacketSocket arp(int link, String linkName, boolean addressedToUs) {
        return new PacketSocket(link, linkName, ETH_P_ARP, addressedToUs ? ArpFilter.ADDRESSED_TO_US : ArpFilter.THE_REST, false);
    }

    private PacketSocket(int link, String linkName, int etherType, int[][] filter, boolean allMulticast) {
        this.link = link;
        this.etherType = etherType;
        String proto = etherType == ETH_P_ARP ? "ETH_P_ARP" : etherType == ETH_P_RARP ? "ETH_P_RARP" : "0x" + Integer.toHexString(etherType);
        int networkOrder = Short.toUnsignedInt(Short.reverseBytes((short) etherType));
        // Protocol 0: the socket receives nothing until the bind names the protocol and the link
        // (packet(7)). Opened with the protocol, it would first receive from every link, and the bind
        // would have to unhook it again and wait out an RCU grace period (5-17 ms a socket at start).
        fd = Libc.socket(Libc.AF_PACKET, Libc.SOCK_RAW | Libc.SOCK_NONBLOCK | Libc.SOCK_CLOEXEC, 0,
                "socket(AF_PACKET, SOCK_RAW, 0) for " + proto,
                "needs CAP_NET_RAW (run as root or grant the capability: setcap cap_net_raw,cap_net_admin+ep)");
        PacketRing r = null;
        BatchSender b = null;
        try {
            if (filter != null) NdFilter.attach(fd, filter, proto + " filter on " + linkName);
            if (filter == ArpFilter.THE_REST) { // the flooded one: read from a ring, replies sent in batches
                r = new PacketRing(fd, proto + " on " + linkName);
                b = new BatchSender(fd);
            }
            MemorySegment ll = arena.allocate(SOCKADDR_LL, 4);
            ll.set(ValueLayout.JAVA_SHORT, 0, (short) Libc.AF_PACKET);
            ll.set(ValueLayout.JAVA_SHORT, 2, (short) networkOrder);
            ll.set(ValueLayout.JAVA_INT, 4, link);
            Libc.bind(fd, ll, SOCKADDR_LL, "bind(AF_PACKET " + proto + ", " + linkName + " ifindex " + link + ")", null);
            if (allMulticast) NdFilter.allMulticast(fd, link, linkName);
            rx = arena.allocate(MAX_FRAME, 8);
            tx = arena.allocate(MAX_FRAME, 8);
            from = arena.allocate(SOCKADDR_LL, 4);
            fromLength = arena.allocate(ValueLayout.JAVA_INT);
            ring = r;
            batch = b;
        } catch (RuntimeException e) {
            if (r != null) r.close();
            if (b != null) b.close();
            Libc.close(fd);
            arena.close();
            throw e;
        }
    }

    /**
     * A {@link WarmUp} socket: {@code fd}, one end of a socketpair no link reaches, read and written
     * as a packet socket of {@code link} is; with a {@code ring} (over memory of the warm-up's own) its
     * sends are batched, as on the flooded ARP socket. Closing it closes {@code fd}.
     */
    static PacketSocket rehearsal(int fd, int link, int etherType, PacketRing ring) {
        return new PacketSocket(fd, link, etherType, ring);
    }

    private PacketSocket(int fd, int link, int etherType, PacketRing ring) {
        this.fd = fd;
        this.link = link;
        this.etherType = etherType;
        this.ring = ring;
        batch = ring == null ? null : new BatchSender(fd);
        rx = arena.allocate(MAX_FRAME, 8);
        tx = arena.allocate(MAX_FRAME, 8);
        from = arena.allocate(SOCKADDR_LL, 4);
        fromLength = arena.allocate(ValueLayout.JAVA_INT);
    }

    public int fd() {
        return fd;
    }

    public int link() {
        return link;
    }

    public int etherType() {
        return etherType;
    }

    /**
     * Receives one frame into {@code into} (truncated to its length) without blocking. Returns the
     * frame's length, 0 for a frame this host itself sent (skip it), or {@code -errno}
     * ({@code -EAGAIN} when nothing is queued).
     */
    public int receive(byte[] into) {
        if (ring != null) return receiveFromRing(into);
        fromLength.set(ValueLayout.JAVA_INT, 0, SOCKADDR_LL);
        long n = Libc.tryRecvfrom(fd, rx, rx.byteSize(), Libc.MSG_DONTWAIT, from, fromLength);
        if (n < 0) return (int) n;
        if ((from.get(ValueLayout.JAVA_BYTE, 10) & 0xFF) == PACKET_OUTGOING) return 0;
        int len = (int) Math.min(n, into.length);
        MemorySegment.copy(rx, ValueLayout.JAVA_BYTE, 0, into, 0, len);
        return len;
    }

    /**
     * The ring's next frame. When there is none, the replies held meanwhile leave now (they wait for
     * no frame that has not arrived); then, inside a burst ({@link #BURST_WINDOW_NANOS}), the ring is
     * watched a moment for the next frame before the reader gives up with {@code -EAGAIN}.
     */
    private int receiveFromRing(byte[] into) {
        int n = ring.receive(into);
        if (n != -Errno.EAGAIN) {
            lastRead = System.nanoTime();
            return n;
        }
        if (holding) batch.flush();
        if (ring.lastGapNanos() < BURST_WINDOW_NANOS && System.nanoTime() - lastRead < BURST_WINDOW_NANOS
                && ring.await(BURST_WINDOW_NANOS)) {
            lastRead = System.nanoTime();
            return ring.receive(into);
        }
        return n;
    }

    /**
     * Takes the socket's pending error (SO_ERROR, which clears it; socket(7)): 0 if none. The kernel
     * sets ENETDOWN on a packet socket bound to an interface that is, or goes, down.
     */
    int takeError() {
        fromLength.set(ValueLayout.JAVA_INT, 0, 4);
        int r = Libc.tryGetsockopt(fd, Libc.SOL_SOCKET, SO_ERROR, from, fromLength);
        return r < 0 ? -r : from.get(ValueLayout.JAVA_INT, 0);
    }

    /** Sends the complete frame {@code frame[position, limit)}; the buffer's position is left unchanged. */
    public void send(ByteBuffer frame) {
        if (holding && batch.add(frame)) {
            if (firstOfBatch) { // the frame that woke the loop has waited longest: its reply does not wait for the batch
                firstOfBatch = false;
                batch.flush();
            }
            return;
        }
        sendTx(copy(frame, tx, 0));
    }

    /**
     * From now until {@link #flushSends}, frames given to {@link #send(ByteBuffer)} are held and sent
     * together (on the flooded ARP socket; elsewhere this does nothing): the first at once, the
     * others when the batch is full, when the ring has no more frames queued, or at the flush.
     */
    void holdSends() {
        holding = batch != null;
        firstOfBatch = true;
    }

    /**
     * Sends the held frames with one sendmmsg(2) and stops holding. Returns how many the kernel
     * refused since the last call ({@link #sendError()} says why of the first): the callers that held
     * them have moved on, so the reader reports them.
     */
    long flushSends() {
        if (!holding) return 0;
        holding = false;
        batch.flush();
        return batch.takeLost();
    }

    /** The errno that refused the first of the frames {@link #flushSends} counted. */
    int sendError() {
        return batch == null ? 0 : batch.firstError();
    }

    /** Copies {@code frame[position, limit)} to {@code into} at {@code offset} (position unchanged); returns its length. */
    static int copy(ByteBuffer frame, MemorySegment into, long offset) {
        int len = frame.remaining();
        if (frame.hasArray()) {
            MemorySegment.copy(frame.array(), frame.arrayOffset() + frame.position(), into, ValueLayout.JAVA_BYTE, offset, len);
        } else {
            MemorySegment.copy(MemorySegment.ofBuffer(frame), 0, into, offset, len); // the segment starts at the position
        }
        return len;
    }

    public void send(byte[] frame, int offset, int length) {
        MemorySegment.copy(frame, offset, tx, ValueLayout.JAVA_BYTE, 0, length);
        sendTx(length);
    }

    private void sendTx(int len) {
        // Bound sockets need no destination: the kernel uses the bound ifindex and protocol.
        long r = Libc.trySendto(fd, tx, len, 0, MemorySegment.NULL, 0);
        if (r < 0) Libc.check(r, "sendto(AF_PACKET, ifindex " + link + ", " + len + " bytes)", null);
    }

    @Override
    public void close() {
        if (ring != null) ring.close();
        if (batch != null) batch.close();
        Libc.close(fd);
        arena.close();
    }
}

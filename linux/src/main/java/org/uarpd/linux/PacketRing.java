package org.uarpd.linux;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;

/**
 * A PACKET_MMAP receive ring on a packet socket (packet(7), the kernel's
 * Documentation/networking/packet_mmap.rst): the kernel copies each frame it accepts into a slot of
 * a ring mapped into this process and marks the slot as the user's; reading a frame is then a look at
 * the slot's status word, a copy of the frame, and handing the slot back — no system call, whatever
 * the rate. poll(2) on the socket says POLLIN while a slot is the user's.
 *
 * <p>TPACKET_V2 rather than V3: V3 hands frames over a block at a time, and a block only when it is
 * full or when its retire timer (whole milliseconds) fires, so a lone request on a quiet link would
 * wait that long for its answer. V2 marks and signals every frame as it is written, so a single
 * request is seen as soon as with recvfrom(2), and a flood is read from memory without system calls.
 *
 * <p>Each slot holds a {@code tpacket2_hdr}, a {@code sockaddr_ll} and the frame from offset
 * {@code tp_mac}: {@link #SLOT} bytes leave room for any ARP packet (RFC 826 with 16-byte hardware and
 * protocol addresses is 8 + 4 × 16 bytes); a longer frame is cut to the slot, as the receive buffer of
 * recvfrom would cut it.
 */
final class PacketRing implements AutoCloseable {
    private static final int SOL_PACKET = 263;
    private static final int PACKET_RX_RING = 5;
    private static final int PACKET_VERSION = 10;
    private static final int TPACKET_V2 = 1;
    private static final int TP_STATUS_KERNEL = 0;
    private static final int TP_STATUS_USER = 1;
    /** tpacket2_hdr: tp_status u32 @0, tp_len @4, tp_snaplen @8, tp_mac u16 @12; its size, 32, is already TPACKET_ALIGNed. */
    private static final int LEN = 4;
    private static final int SNAPLEN = 8;
    private static final int MAC = 12;
    /** tp_sec u32 @16, tp_nsec u32 @20: when the kernel took the frame in (CLOCK_REALTIME). */
    private static final int SEC = 16;
    private static final int NSEC = 20;
    private static final int PKTTYPE = 32 + 10; // sockaddr_ll.sll_pkttype, after the header
    private static final int PACKET_BROADCAST = 1;
    /** Where {@link #offer} puts a frame: after the header and the sockaddr_ll, 16-byte aligned as the kernel's tp_mac is. */
    private static final int OFFERED_MAC = 64;

    /** Bytes per slot (a multiple of TPACKET_ALIGNMENT, 16). */
    static final int SLOT = 256;
    /** Bytes per block the kernel allocates the ring in (a multiple of the page size). */
    static final int BLOCK = 1 << 16;
    /**
     * Blocks in the ring: 4 MiB, 16,384 frames. A broadcast flood comes in bursts the loop absorbs
     * later, when it is not scheduled or collects garbage (BENCHMARKS.md, "Flood and live fuzzing":
     * with the default receive buffer a fifth of a flood was dropped while the loop kept up on
     * average); the ring holds about as many ARP frames as the 8 MiB receive buffer that fixed it.
     */
    static final int BLOCKS = 64;

    private static final VarHandle STATUS = ValueLayout.JAVA_INT.varHandle();

    private final MemorySegment ring;
    private final int slots;
    /** Whether {@link #close} unmaps the ring (the kernel's), or leaves it to its arena (a rehearsal's). */
    private final boolean mapped;
    private int next;
    /** Where {@link #offer} writes next, as the kernel would. */
    private int written;
    /** The kernel's arrival time of the last frame read, and the time between it and the one before. */
    private long arrival;
    private long gap = Long.MAX_VALUE;

    /** Sets the ring up on {@code fd} (before its bind, so no frame waits in the ordinary queue) and maps it. */
    PacketRing(int fd, String what) {
        Libc.setsockoptInt(fd, SOL_PACKET, PACKET_VERSION, TPACKET_V2, "setsockopt(PACKET_VERSION TPACKET_V2, " + what + ")");
        slots = BLOCK / SLOT * BLOCKS;
        try (Arena a = Arena.ofConfined()) {
            MemorySegment req = a.allocate(16, 4); // struct tpacket_req
            req.set(ValueLayout.JAVA_INT, 0, BLOCK);
            req.set(ValueLayout.JAVA_INT, 4, BLOCKS);
            req.set(ValueLayout.JAVA_INT, 8, SLOT);
            req.set(ValueLayout.JAVA_INT, 12, slots);
            Libc.check(Libc.trySetsockopt(fd, SOL_PACKET, PACKET_RX_RING, req, 16),
                    "setsockopt(PACKET_RX_RING " + BLOCKS + " × " + BLOCK + " bytes, " + what + ")", null);
        }
        ring = Libc.mmapShared(fd, (long) BLOCK * BLOCKS, "mmap(PACKET_RX_RING, " + what + ")");
        mapped = true;
    }

    /**
     * A ring of the same layout in {@code memory} (whole slots), which no kernel writes: the
     * {@link WarmUp} fills it with {@link #offer}, so the loop's read of a ring runs before the first
     * real frame does.
     */
    PacketRing(MemorySegment memory) {
        slots = (int) (memory.byteSize() / SLOT);
        if (slots == 0) throw new IllegalArgumentException("a ring needs at least one slot of " + SLOT + " bytes");
        ring = memory;
        mapped = false;
    }

    /**
     * Writes {@code frame[0, length)} into the next slot as the kernel writes a received broadcast
     * (header with its arrival time, link-layer address, frame at {@code tp_mac}) and hands the slot to
     * the reader; false when that slot is still the reader's (the ring is full). Only for a ring over
     * memory of our own. The arrival time is the monotonic clock's, not the kernel's real-time one:
     * only the gaps between frames are read, and frames offered together are a burst, as they are.
     */
    boolean offer(byte[] frame, int length) {
        if (mapped) throw new IllegalStateException("the kernel writes this ring");
        long at = (long) written * SLOT;
        if (((int) STATUS.getAcquire(ring, at) & TP_STATUS_USER) != 0) return false;
        int n = Math.min(length, SLOT - OFFERED_MAC);
        ring.set(ValueLayout.JAVA_INT, at + LEN, length);
        ring.set(ValueLayout.JAVA_INT, at + SNAPLEN, n);
        ring.set(ValueLayout.JAVA_SHORT, at + MAC, (short) OFFERED_MAC);
        ring.set(ValueLayout.JAVA_BYTE, at + PKTTYPE, (byte) PACKET_BROADCAST);
        long t = System.nanoTime();
        ring.set(ValueLayout.JAVA_INT, at + SEC, (int) (t / 1_000_000_000L));
        ring.set(ValueLayout.JAVA_INT, at + NSEC, (int) (t % 1_000_000_000L));
        MemorySegment.copy(frame, 0, ring, ValueLayout.JAVA_BYTE, at + OFFERED_MAC, n);
        STATUS.setRelease(ring, at, TP_STATUS_USER);
        written = written + 1 == slots ? 0 : written + 1;
        return true;
    }

    /**
     * The next frame into {@code into} (cut to its length), as {@link PacketSocket#receive}: its
     * length, 0 for one this host sent, or {@code -EAGAIN} when the ring holds none. The slot goes back
     * to the kernel before this returns.
     */
    int receive(byte[] into) {
        long at = (long) next * SLOT;
        // Acquire: the frame the kernel wrote before it set the status is visible once the status is.
        if (((int) STATUS.getAcquire(ring, at) & TP_STATUS_USER) == 0) return -Errno.EAGAIN;
        long t = Integer.toUnsignedLong(ring.get(ValueLayout.JAVA_INT, at + SEC)) * 1_000_000_000L
                + Integer.toUnsignedLong(ring.get(ValueLayout.JAVA_INT, at + NSEC));
        gap = t - arrival;
        arrival = t;
        int len = 0;
        if ((ring.get(ValueLayout.JAVA_BYTE, at + PKTTYPE) & 0xFF) != PacketSocket.PACKET_OUTGOING) {
            int mac = Short.toUnsignedInt(ring.get(ValueLayout.JAVA_SHORT, at + MAC));
            len = Math.min(Math.min(ring.get(ValueLayout.JAVA_INT, at + SNAPLEN), SLOT - mac), into.length);
            MemorySegment.copy(ring, ValueLayout.JAVA_BYTE, at + mac, into, 0, Math.max(len, 0));
        }
        // Release: the copy is done before the kernel may write the slot again.
        STATUS.setRelease(ring, at, TP_STATUS_KERNEL);
        next = next + 1 == slots ? 0 : next + 1;
        return Math.max(len, 0);
    }

    /** Whether the next slot holds a frame ({@link #receive} would return it). */
    boolean ready() {
        return ((int) STATUS.getAcquire(ring, (long) next * SLOT) & TP_STATUS_USER) != 0;
    }

    /** Nanoseconds between the kernel's arrival times of the last frame read and the one before it. */
    long lastGapNanos() {
        return gap;
    }

    /**
     * Watches the next slot's status word, without a system call, until a frame is there (true) or
     * {@code nanos} have passed (false).
     */
    boolean await(long nanos) {
        long start = System.nanoTime();
        while (!ready()) {
            if (System.nanoTime() - start >= nanos) return false;
            Thread.onSpinWait();
        }
        return true;
    }

    /** Unmaps the ring; the socket's close frees it. */
    @Override
    public void close() {
        if (mapped) Libc.munmap(ring);
    }
}

package org.uarpd.sim;

import org.uarpd.wire.ArpView;
import org.uarpd.wire.EtherType;
import org.uarpd.wire.HardwareAddress;
import org.uarpd.wire.Ip4;
import org.uarpd.wire.MalformedFrameException;
import org.uarpd.wire.Opcode;
import org.uarpd.wire.link.Ethernet;

/**
 * Many legacy hosts of one Ethernet segment in struct-of-arrays form: the same minimal in-kernel
 * ARP as {@link KernelArp} (answer for the own address, RFC 826 merge, five one-second retries, then
 * host-unreachable for 20 s; one held packet per entry), in about 1 KB of state per host, so
 * that segments of thousands of stations fit. Every frame still reaches every station: a broadcast
 * is one event for the whole block, in which each station in turn looks at it exactly as a
 * {@link Kernel} would. Station {@code i} has hardware address {@code baseMac + i} and IPv4 address
 * {@code baseAddress + i}. {@code CompactStationsTest} checks that a block and the same number of
 * {@link SimHost}s put byte-identical frames on the wire.
 *
 * <p>Limits: Ethernet only; faults limited to loss and a fixed delay; no partitions or crashes.
 */
public final class CompactStations {
    /** Neighbour slots per station (open addressing, linear probing, never deleted). */
    static final int SLOTS = 64;
    private static final long UNRESOLVED = -1;
    private static final int NO_STATION = -1;

    private final World world;
    private final Simulation sim;
    private final Segment segment;
    private final String namePrefix;
    private final int count;
    private final long baseMac;
    private final int baseAddress;
    private final int prefixLength;
    private final int[] keys;
    private final long[] macs;
    /**
     * Each station's membership summary of its own table (a two-hash Bloom filter of
     * {@link #FILTER_BITS} bits), stored bit-sliced: {@code filter[b]} holds bit b of every station,
     * 64 stations a word. Looking at a broadcast, each station asks its summary whether it may know
     * the sender; bit-slicing lets 64 stations ask at once. A "maybe" goes to the real table.
     */
    private final long[][] filter;
    private final int words;
    static final int FILTER_BITS = 512;
    /** Resolutions in progress (or failed and refusing), by table slot. */
    private final Pending[] pending;
    private final java.util.ArrayDeque<Pending> retries = new java.util.ArrayDeque<>();
    private final ArpView view = new ArpView();
    private long receivedPackets;

    /** A resolution in progress (or failed and refusing until {@code rejectUntil}). */
    private static final class Pending {
        final int station;
        final int slot;
        long since;
        int tries;
        byte[] held;
        long rejectUntil;
        boolean timerArmed;
        long retryAt;
        int target;

        Pending(int station, int slot) {
            this.station = station;
            this.slot = slot;
        }
    }

    public CompactStations(World world, Segment segment, String namePrefix, int count, long baseMac, int baseAddress, int prefixLength) {
        if (segment.linkType() != Ethernet.INSTANCE) throw new IllegalArgumentException("compact stations are Ethernet stations; " + segment + " is not");
        if (count < 1) throw new IllegalArgumentException("count must be positive");
        this.world = world;
        this.sim = world.sim();
        this.segment = segment;
        this.namePrefix = namePrefix;
        this.count = count;
        this.baseMac = baseMac;
        this.baseAddress = baseAddress;
        this.prefixLength = prefixLength;
        this.keys = new int[count * SLOTS];
        this.macs = new long[count * SLOTS];
        this.pending = new Pending[count * SLOTS];
        this.words = (count + 63) >>> 6;
        this.filter = new long[FILTER_BITS][words];
        segment.attachBlock(this);
    }

    public int count() { return count; }
    public int address(int station) { return baseAddress + station; }
    public HardwareAddress hardware(int station) { return HardwareAddress.ofLong48(baseMac + station); }
    public String name(int station) { return namePrefix + station; }
    public long receivedPackets() { return receivedPackets; }

    /** The station owning {@code address}, or -1. */
    int stationOf(HardwareAddress address) {
        if (address.length() != 6) return NO_STATION;
        long v = 0;
        for (int i = 0; i < 6; i++) v = (v << 8) | (address.get(i) & 0xFF);
        long i = v - baseMac;
        return i >= 0 && i < count ? (int) i : NO_STATION;
    }

    /** The binding station {@code station} holds for {@code address}, or null. */
    public HardwareAddress lookup(int station, int address) {
        int slot = find(station, address);
        return slot < 0 || macs[slot] == UNRESOLVED ? null : HardwareAddress.ofLong48(macs[slot]);
    }

    /** Station {@code station} sends one datagram to {@code destination} (on its subnet). */
    public long send(int station, int destination) {
        long number = world.nextPacketNumber();
        world.stats().packetsSent++;
        int source = address(station);
        if (((source ^ destination) & Ip4.mask(prefixLength)) != 0) {
            world.stats().packetsNoRoute++;
            return number;
        }
        byte[] datagram = Ipv4Datagram.build(source, destination, number, sim.now());
        int slot = find(station, destination);
        if (slot >= 0 && macs[slot] != UNRESOLVED) {
            transmitIp(station, macs[slot], datagram);
            return number;
        }
        Pending p = slot < 0 ? null : pending[slot];
        if (p != null && p.rejectUntil > sim.now()) {
            world.stats().packetsUnreachable++;
            return number;
        }
        if (slot < 0) {
            slot = insert(station, destination, UNRESOLVED);
            if (slot < 0) {
                world.stats().packetsUnreachable++;
                return number;
            }
        }
        boolean fresh = p == null || p.since < 0;
        if (p == null) {
            p = new Pending(station, slot);
            pending[slot] = p;
        }
        if (fresh) {
            p.since = sim.now();
            p.tries = 0;
            p.rejectUntil = 0;
        }
        if (p.held != null) world.stats().packetsHoldDropped++;
        p.held = datagram;
        if (fresh) {
            world.stats().misses++;
            solicit(p, destination);
        }
        return number;
    }

    private void solicit(Pending p, int target) {
        if (p.timerArmed || p.since < 0) return;
        if (p.tries >= KernelArp.MAX_TRIES) {
            fail(p);
            return;
        }
        p.tries++;
        byte[] frame = new byte[Ethernet.MIN_FRAME];
        view.initializeEthernet(frame, 0, EtherType.ARP, Opcode.REQUEST.value());
        putMac(frame, 0, -1L);
        putMac(frame, 6, baseMac + p.station);
        putMac(frame, Ethernet.HEADER + 8, baseMac + p.station);
        view.setSenderProtocolIp4(address(p.station));
        view.setTargetProtocolIp4(target);
        segment.transmitFromBlock(this, p.station, Ethernet.INSTANCE.broadcast(), frame);
        p.timerArmed = true;
        p.retryAt = sim.now() + KernelArp.RETRANSMIT;
        p.target = target;
        retries.addLast(p);
        if (retries.size() == 1) sim.at(p.retryAt, this::retryDue);
    }

    /**
     * Every retry is due exactly {@link KernelArp#RETRANSMIT} after its request, so the retries of a
     * block come due in the order they were armed: one queue and one pending event serve them all.
     */
    private void retryDue() {
        long now = sim.now();
        while (!retries.isEmpty() && retries.peekFirst().retryAt <= now) {
            Pending p = retries.removeFirst();
            p.timerArmed = false;
            if (p.since < 0) {
                if (p.rejectUntil == 0 && pending[p.slot] == p) pending[p.slot] = null; // resolved meanwhile
                continue;
            }
            solicit(p, p.target);
        }
        if (!retries.isEmpty()) sim.at(retries.peekFirst().retryAt, this::retryDue);
    }

    private void fail(Pending p) {
        world.stats().countFailure(SimStats.Failure.NO_ANSWER);
        if (p.held != null) {
            world.stats().packetsUnreachable++;
            p.held = null;
        }
        p.since = -1;
        p.rejectUntil = sim.now() + KernelArp.DOWN_TIME;
    }

    /** A broadcast reached the block: every station but the sender looks at it. */
    void receiveBroadcast(byte[] frame, int sender, double loss) {
        if (!decode(frame)) return;
        if (view.opcode() != Opcode.REQUEST.value() && view.opcode() != Opcode.REPLY.value()) return;
        long sha = view.senderHardwareAsLong();
        int spa = view.senderProtocolIp4();
        int tpa = view.targetProtocolIp4();
        int op = view.opcode();
        long[] maybe1 = filter[filterBit1(spa)];
        long[] maybe2 = filter[filterBit2(spa)];
        int target = tpa - baseAddress;
        for (int w = 0; w < words; w++) {
            // the stations of this word that may know the sender (RFC 826 merge) or are the target
            long looking = maybe1[w] & maybe2[w];
            if (target >>> 6 == w && target >= 0 && target < count) looking |= 1L << target;
            if (sender >>> 6 == w && sender >= 0) looking &= ~(1L << sender);
            if (loss > 0) {
                // every station draws its own fate, in station order, whether or not it would react
                for (int i = w << 6, end = Math.min(count, i + 64); i < end; i++) {
                    if (i == sender) continue;
                    if (sim.random().nextDouble() < loss) {
                        segment.countLost();
                        looking &= ~(1L << i);
                    }
                }
            }
            while (looking != 0) {
                int i = (w << 6) + Long.numberOfTrailingZeros(looking);
                looking &= looking - 1;
                arpInput(i, op, sha, spa, tpa);
            }
        }
    }

    /** A unicast frame for {@code station}. */
    void receiveUnicast(int station, byte[] frame) {
        int type = ((frame[12] & 0xFF) << 8) | (frame[13] & 0xFF);
        if (type == EtherType.IPV4) {
            if (Ipv4Datagram.valid(frame, Ethernet.HEADER, frame.length - Ethernet.HEADER)
                    && Ipv4Datagram.destination(frame, Ethernet.HEADER) == address(station)) {
                receivedPackets++;
                world.stats().packetsDelivered++;
            }
            return;
        }
        if (!decode(frame)) return;
        if (view.opcode() != Opcode.REQUEST.value() && view.opcode() != Opcode.REPLY.value()) return;
        arpInput(station, view.opcode(), view.senderHardwareAsLong(), view.senderProtocolIp4(), view.targetProtocolIp4());
    }

    private boolean decode(byte[] frame) {
        try {
            view.resetEthernet(frame, 0, frame.length);
        } catch (MalformedFrameException e) {
            world.stats().malformedFrames++;
            return false;
        }
        return view.etherType() == EtherType.ARP && view.hardwareLength() == 6 && view.isIp4()
                && view.protocolType() == EtherType.IPV4;
    }

    private void arpInput(int i, int op, long sha, int spa, int tpa) {
        int own = baseAddress + i;
        if (spa == own) return; // a conflict: nothing to learn (as KernelArp)
        boolean forMe = own == tpa;
        if (spa != 0) { // a probe teaches nothing but is answered (as KernelArp)
            int slot = find(i, spa);
            if (slot >= 0) {
                learn(i, slot, spa, sha);
            } else if (forMe) {
                insert(i, spa, sha);
            }
        }
        if (op == Opcode.REQUEST.value() && forMe) {
            byte[] reply = new byte[Ethernet.MIN_FRAME];
            view.initializeEthernet(reply, 0, EtherType.ARP, Opcode.REPLY.value());
            putMac(reply, 0, sha);
            putMac(reply, 6, baseMac + i);
            putMac(reply, Ethernet.HEADER + 8, baseMac + i);
            view.setSenderProtocolIp4(own);
            putMac(reply, Ethernet.HEADER + 18, sha);
            view.setTargetProtocolIp4(spa);
            segment.transmitFromBlock(this, i, HardwareAddress.ofLong48(sha), reply);
        }
    }

    private void learn(int station, int slot, int address, long mac) {
        macs[slot] = mac;
        Pending p = pending[slot];
        if (p == null) return;
        p.rejectUntil = 0;
        if (p.since >= 0) {
            world.stats().resolved(sim.now() - p.since);
            p.since = -1;
        }
        if (p.held != null) {
            byte[] d = p.held;
            p.held = null;
            transmitIp(station, mac, d);
        }
        if (!p.timerArmed) pending[slot] = null;
    }

    private void transmitIp(int station, long mac, byte[] datagram) {
        HardwareAddress to = HardwareAddress.ofLong48(mac);
        segment.transmitFromBlock(this, station, to, Ethernet.INSTANCE.encode(to, hardware(station), EtherType.IPV4, datagram));
    }

    private int find(int station, int address) {
        int base = station * SLOTS;
        for (int k = 0, h = hash(address); k < SLOTS; k++, h = (h + 1) & (SLOTS - 1)) {
            int key = keys[base + h];
            if (key == address) return base + h;
            if (key == 0) return -1;
        }
        return -1;
    }

    private int insert(int station, int address, long mac) {
        int base = station * SLOTS;
        for (int k = 0, h = hash(address); k < SLOTS; k++, h = (h + 1) & (SLOTS - 1)) {
            if (keys[base + h] == 0) {
                keys[base + h] = address;
                macs[base + h] = mac;
                filter[filterBit1(address)][station >>> 6] |= 1L << station;
                filter[filterBit2(address)][station >>> 6] |= 1L << station;
                return base + h;
            }
        }
        return -1; // table full: BSD would have evicted; a full compact table learns no more
    }

    private static int hash(int address) {
        return (address * 0x9E3779B9) >>> 26;
    }

    private static int filterBit1(int address) {
        return (address * 0x85EBCA6B) >>> 23;
    }

    private static int filterBit2(int address) {
        return (address * 0xC2B2AE35) >>> 23;
    }

    private static void putMac(byte[] b, int off, long mac) {
        for (int i = 5; i >= 0; i--) {
            b[off + i] = (byte) mac;
            mac >>>= 8;
        }
    }

}

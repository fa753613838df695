package org.uarpd.linux;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.nio.ByteBuffer;
import org.uarpd.engine.EnginePort;
import org.uarpd.engine.Input;
import org.uarpd.engine.LinkMode;
import org.uarpd.engine.OperatorCommand;
import org.uarpd.wire.ArpCodec;
import org.uarpd.wire.ArpPacket;
import org.uarpd.wire.EtherType;
import org.uarpd.wire.HardwareAddress;
import org.uarpd.wire.HardwareType;
import org.uarpd.wire.Ip4;
import org.uarpd.wire.Opcode;
import org.uarpd.wire.ProtocolAddress;
import org.uarpd.wire.link.Ethernet;

/**
 * Runs the hot paths before the service starts, so the JIT has compiled them by the first real miss
 * (interpreted, the first misses are several times slower: BENCHMARKS.md, "Linux backend"). It drives
 * a scratch engine port of the same kind as the real one on a synthetic clock. A synthetic miss and
 * synthetic neighbour notifications are written as the kernel writes them and go through the same
 * {@link KernelTranslator}; synthetic frames (the reply to that miss, a request for the host's
 * address, requests for published addresses, a RARP request, neighbour discovery) are received by the
 * loop's own {@link FrameReader} from the loop's own kind of sockets, ring and batched sends, over
 * socketpairs no interface reaches ({@link RehearsalLink}). Its actions go through an
 * {@link ActionExecutor}, as in the loop, whose {@link ActionExecutor.Target} sends frames through the
 * host's own transmit code onto those socketpairs and stages the rest as the host would get it (the
 * install encoded as an {@code RTM_NEWNEIGH} request) and drops it: nothing reaches a wire or the
 * kernel's tables. The read-only system calls of the loop (a poll that does not wait, an acked
 * {@code RTM_GETLINK}) run for real.
 *
 * <p>It needs no host change and no socket that takes the interface over — only the link's index and
 * hardware address, one of its addresses and an open {@link Rtnetlink} — so it can run before uarpd
 * takes an interface over as well as after.
 *
 * <p>Addresses: the host's own address on the link when it has one, else {@link #UNNUMBERED}. Peers are
 * other addresses of that address's /24 and {@link #PEER_HARDWARE}. None of them is ever sent to, so
 * they only need to look like a neighbourhood to the scratch engine.
 */
public final class WarmUp {
    /**
     * The host's address in the warm-up when the link has no IPv4 address: 192.0.0.8, the IPv4 dummy
     * address RFC 7600 reserves for hosts that have none. It is only ever shown to the scratch engine,
     * never sent, and cannot be mistaken for a real address of the host.
     */
    public static final int UNNUMBERED = Ip4.parse("192.0.0.8");

    /** The synthetic peers' hardware address: from the block RFC 7042 §2.1.2 reserves for documentation (local bit set). */
    static final HardwareAddress PEER_HARDWARE = HardwareAddress.parse("02:00:5e:00:53:fd");

    private static final long ROUND_NANOS = 10_000_000L; // under the engine's per-target request limit, like real traffic
    private static final int FLUSH_EVERY = 200;
    private static final int PROBE_EVERY = 4;

    private final int link;
    private final String name;
    private final HardwareAddress hardware;
    private final int ownAddress;
    private final Rtnetlink rtnl;
    private EnginePort port;
    private ActionExecutor executor;
    private long now;
    private long staged;
    private long failures;
    private int done;

    /**
     * @param ownAddress one of the host's addresses on the link, or {@link #UNNUMBERED}
     * @param rtnl       any open rtnetlink handle in the link's namespace: only read-only requests are made
     */
    public WarmUp(int link, String name, HardwareAddress hardware, int ownAddress, Rtnetlink rtnl) {
        this.link = link;
        this.name = name;
        this.hardware = hardware;
        this.ownAddress = ownAddress;
        this.rtnl = rtnl;
    }

    /**
     * Drives {@code scratch} at most {@code rounds} times, fewer once the JIT has compiled what the
     * rounds run ({@link JitSettled}) or if {@code stop} turns true, also asking for {@code alsoAsk}
     * (published addresses) and, with {@code rarpClient}, a RARP request from it. Returns how many
     * actions were staged; throws if there was none (the port ignored every input).
     */
    public long run(EnginePort scratch, int rounds, int[] alsoAsk, HardwareAddress rarpClient, BooleanSupplier stop) {
        port = scratch;
        now = System.nanoTime();
        staged = 0;
        installed = 0;
        done = 0;
        JitSettled jit = new JitSettled();
        // The translator looks links up by index and name only; the mode is the scratch engine's business.
        LinkTable links = new LinkTable(List.of(new LinuxBackend.Interface(name, LinkMode.AUTHORITATIVE)));
        LinkTable.Entry entry = links.entries().get(0);
        entry.index = link;
        entry.hardware = hardware.toByteArray();
        KernelTranslator translator = new KernelTranslator(links, this::feed, NO_HOST, EventLog.SILENT);
        executor = new ActionExecutor(links, new Staging(ActionExecutor.transmitter(links)), EventLog.SILENT);
        FrameReader frames = new FrameReader(EventLog.SILENT, (l, frame, length) -> feed(new Input.FrameReceived(l, frame, 0, length)));
        try (Arena arena = Arena.ofConfined(); RehearsalLink sockets = new RehearsalLink(entry, arena)) {
            installs = new NetlinkWriter(arena.allocate(256, 8));
            MemorySegment nl = arena.allocate(256, 8);
            NetlinkReader reader = new NetlinkReader(nl);
            NetlinkWriter writer = new NetlinkWriter(nl);
            MemorySegment pollFd = arena.allocate(Libc.POLLFD_SIZE, 8);
            pollFd.set(ValueLayout.JAVA_INT, 0, rtnl.events().fd());
            pollFd.set(ValueLayout.JAVA_SHORT, 4, Libc.POLLIN);

            feed(new Input.LinkChanged(link, name, Ethernet.INSTANCE, hardware, true));
            feed(new Input.AddressAdded(link, ownAddress, 24));
            NdRehearsal nd = new NdRehearsal(link, hardware, PEER_HARDWARE);
            feed(nd.address());
            int base = ownAddress & Ip4.mask(24);
            int requester = neighbour(base, 250);
            HardwareAddress zero = HardwareAddress.of(new byte[hardware.length()]);
            byte[] reply = arpFrame(Opcode.REPLY, hardware, EtherType.ARP, PEER_HARDWARE, 0, hardware, ownAddress);
            byte[] request = arpFrame(Opcode.REQUEST, Ethernet.INSTANCE.broadcast(), EtherType.ARP, PEER_HARDWARE, 0, zero, ownAddress);
            byte[][] asks = new byte[alsoAsk.length][];
            for (int i = 0; i < alsoAsk.length; i++) {
                asks[i] = arpFrame(Opcode.REQUEST, Ethernet.INSTANCE.broadcast(), EtherType.ARP, PEER_HARDWARE, requester, zero, alsoAsk[i]);
            }
            byte[] rarp = rarpClient == null ? null
                    : arpFrame(Opcode.RARP_REQUEST, Ethernet.INSTANCE.broadcast(), EtherType.RARP, rarpClient, 0, rarpClient, 0);
            byte[] peer = PEER_HARDWARE.toByteArray();
            int senderAddress = Ethernet.HEADER + ArpPacket.FIXED_HEADER + hardware.length();
            for (int i = 0; i < rounds && !stop.getAsBoolean() && !jit.settled(i); i++) {
                done = i + 1;
                now += ROUND_NANOS;
                int target = neighbour(base, 2 + i % 200);
                int n = writer.reset().begin(Rtnetlink.RTM_GETNEIGH, NetlinkSocket.NLM_F_REQUEST, 0)
                        .ndmsg(Libc.AF_INET, link, Rtnetlink.NUD_INCOMPLETE, 0, Rtnetlink.RTN_UNICAST)
                        .attrBe32(Rtnetlink.NDA_DST, target).attrU32(Rtnetlink.NDA_PROBES, 0).end().length();
                translator.datagram(reader.reset(n), rtnl.ownPortId());
                // What the loop hears between misses: another program's change to a neighbour entry (a
                // STALE entry, a deletion by a flush). Without it, the first real one would meet an engine
                // compiled before that input class was ever loaded, and the JIT would throw the code away.
                int type = i % 2 == 0 ? Rtnetlink.RTM_NEWNEIGH : Rtnetlink.RTM_DELNEIGH;
                n = writer.reset().begin(type, 0, 0)
                        .ndmsg(Libc.AF_INET, link, Rtnetlink.NUD_STALE, 0, Rtnetlink.RTN_UNICAST)
                        .attrBe32(Rtnetlink.NDA_DST, neighbour(base, 252)).attr(Rtnetlink.NDA_LLADDR, peer).end().length();
                translator.datagram(reader.reset(n), rtnl.ownPortId());
                nd.round(i, translator, writer, reader, rtnl.ownPortId(), sockets::neighbourDiscovery);
                Ip4.write(reply, senderAddress, target);
                sockets.unicast(reply);
                Ip4.write(request, senderAddress, target);
                sockets.broadcast(request);
                for (byte[] ask : asks) sockets.broadcast(ask);
                if (rarp != null) sockets.unicast(rarp);
                sockets.read(frames);
                staged = sockets.drainSent() + installed;
                feed(TIME_ADVANCED);
                if (i % FLUSH_EVERY == FLUSH_EVERY - 1) feed(new Input.Command(new OperatorCommand.Flush(link)));
                Libc.tryPoll(pollFd, 1, 0);
                if (i % PROBE_EVERY == 0) rtnl.probeLink(link);
            }
        } finally {
            installs = null;
            port = null;
            executor = null;
        }
        if (staged == 0) throw new IllegalStateException("warm-up produced no actions: the engine ignored every input");
        return staged;
    }

    /** Rounds the last {@link #run} drove. */
    public int rounds() {
        return done;
    }

    /** Inputs the scratch port threw on (the warm-up goes on, as the loop would). */
    public long failures() {
        return failures;
    }

    private static final Input.TimeAdvanced TIME_ADVANCED = new Input.TimeAdvanced();

    /** Host {@code base | host}, stepping over the host's own address. */
    private int neighbour(int base, int host) {
        int a = base | host;
        return a == ownAddress ? base | 251 : a;
    }

    private void feed(Input input) {
        try {
            port.handle(now, input, executor);
        } catch (RuntimeException e) {
            failures++;
        }
    }

    private NetlinkWriter installs;
    /** Actions other than frames staged so far (the frames are counted as they arrive at the far ends). */
    private long installed;

    /**
     * Frames go out through the host's own transmit code ({@code host}: onto the {@link RehearsalLink});
     * the rest is staged as the host would get it (the same encoders as {@link ActionExecutor#onHost})
     * and dropped.
     */
    private final class Staging implements ActionExecutor.Target {
        private final ActionExecutor.Target host;

        Staging(ActionExecutor.Target host) {
            this.host = host;
        }

        @Override
        public boolean transmit(int link, ByteBuffer frame) {
            return host.transmit(link, frame);
        }

        @Override
        public void installNeighbor(int link, int address, byte[] lladdr, int length, int nud) {
            Rtnetlink.writeInstall(installs.reset(), 0, link, address, lladdr, length, nud);
            installed++;
        }

        @Override
        public void removeNeighbor(int link, int address, boolean failed) {
            installed++;
        }

        @Override
        public void addHostRoute(int link, String linkName, int address) {
            installed++;
        }

        @Override
        public void removeHostRoute(int link, String linkName, int address) {
            installed++;
        }

        @Override
        public void removeAddress(int link, String linkName, int address, int prefixLength) {
            installed++;
        }

        @Override
        public void installNeighbor6(int link, byte[] address, byte[] lladdr, int length, int nud, boolean router) {
            Rtnetlink.writeInstall6(installs.reset(), 0, link, address, lladdr, length, nud, router);
            installed++;
        }

        @Override
        public void removeNeighbor6(int link, byte[] address, boolean failed) {
            installed++;
        }

        @Override
        public void removeAddress6(int link, String linkName, byte[] address, int prefixLength) {
            installed++;
        }

        @Override
        public void removeDefaultRouter6(int link, byte[] router) {
            installed++;
        }
    }

    private static byte[] arpFrame(Opcode op, HardwareAddress to, int etherType, HardwareAddress sha, int spa, HardwareAddress tha, int tpa) {
        ArpPacket p = new ArpPacket(HardwareType.ETHERNET, EtherType.IPV4, op, sha, ProtocolAddress.ip4(spa), tha, ProtocolAddress.ip4(tpa));
        return Ethernet.INSTANCE.encode(to, sha, etherType, ArpCodec.encode(p));
    }

    /** A warm-up changes no link: nothing to take back, release or resynchronise. */
    static final KernelTranslator.Host NO_HOST = new KernelTranslator.Host() {
        @Override
        public boolean takeBack(LinkTable.Entry link) {
            return false;
        }

        @Override
        public void released(LinkTable.Entry link, String renamedTo) {}

        @Override
        public void resync(String why) {}
    };
}

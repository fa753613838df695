package org.uarpd.linux;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.uarpd.engine.Action;
import org.uarpd.engine.EnginePort;
import org.uarpd.engine.ActionSink;
import org.uarpd.engine.Input;
import org.uarpd.engine.LinkMode;
import org.uarpd.engine.NeighborState;
import org.uarpd.engine.OperatorCommand;
import org.uarpd.wire.ArpCodec;
import org.uarpd.wire.ArpPacket;
import org.uarpd.wire.EtherType;
import org.uarpd.wire.HardwareAddress;
import org.uarpd.wire.HardwareType;
import org.uarpd.wire.Ip4;
import org.uarpd.wire.MalformedFrameException;
import org.uarpd.wire.Opcode;
import org.uarpd.wire.ProtocolAddress;
import org.uarpd.wire.link.Ethernet;

/**
 * uarpd on a real Linux host: one event-loop thread polls every descriptor — the rtnetlink event
 * socket, an ARP and a RARP packet socket per interface, and an eventfd that wakes it for commands and
 * stop — and drives the {@link EnginePort}, whose next deadline is the poll timeout. The clock is
 * {@code System.nanoTime()}. Buffers are allocated once; the hot path (miss → request out → reply in
 * → install) reuses them.
 *
 * <p>Kernel changes ({@link #start()}): per interface the sysctls of its {@link LinkMode} and, for
 * authoritative ones, the owned nftables ARP input drop. Every sysctl's old value is recorded, handed
 * to a {@link CrashRestorer}, and put back by {@link #stop()}; so are the bridge's host routes (deleted)
 * and addresses removed after a conflict (added back), the restorer holding the {@code ip} command
 * that reverses each one.
 */
public final class LinuxBackend implements ActionSink, AutoCloseable {
    /** How many app probes (misses) the kernel sends on an authoritative link before it gives up. */
    public static final int APP_SOLICIT = 3;

    /**
     * Default of {@link #setSpinMicros}: off. Measured (BENCHMARKS.md, "Linux backend (issue 4)",
     * spin window): no window from 50 µs to 100 ms moved the median of the first packet after idle —
     * a resolution has one wake-up, the miss, and a window opened by an earlier event does not reach
     * it (on veth the reply and the install's ack are queued before our sendto returns) — while under
     * load windows of 2 ms and more slowed arp-scan bursts (a spinning thread loses the scheduler's
     * wake-up preference). A miss that does arrive inside a window is resolved as fast as with busy
     * polling.
     */
    public static final int DEFAULT_SPIN_MICROS = 0;

    /** The longest spin window accepted: beyond this, use --busy-poll and say so. */
    public static final int MAX_SPIN_MICROS = 100_000;

    /** One configured interface. */
    public record Interface(String name, LinkMode mode) {}

    private static final class Link {
        final String name;
        final LinkMode mode;
        int index;
        byte[] hardware;
        PacketSocket arp;
        PacketSocket rarp;

        Link(String name, LinkMode mode) {
            this.name = name;
            this.mode = mode;
        }
    }

    private final List<Interface> interfaces;
    private final boolean busyPoll;
    /** After an event, how long the loop keeps polling without sleeping (nanoseconds; 0: never): {@link #setSpinMicros}. */
    private long spinNanos = DEFAULT_SPIN_MICROS * 1_000L;
    /** The real policy; swapped for a scratch one only while {@link #rehearse} runs. */
    private EnginePort policy;
    private final EventLog log;
    private final List<Link> links = new ArrayList<>();
    /** The links whose sockets are in the poll set, in slot order. */
    private final List<Link> polled = new ArrayList<>();
    private final Set<Long> addresses = new HashSet<>();
    /** Host routes uarpd added (bridge), removed again on exit: link << 32 | address. */
    private final Set<Long> addedRoutes = new java.util.LinkedHashSet<>();
    /** Addresses uarpd deleted (RFC 5227), put back on exit. */
    private final List<Action.RemoveAddress> removedAddresses = new ArrayList<>();
    private final ConcurrentLinkedQueue<OperatorCommand> commands = new ConcurrentLinkedQueue<>();
    /** Work other threads (the control socket, reload, metrics) hand to the loop: it alone touches the policy. */
    private final ConcurrentLinkedQueue<Runnable> tasks = new ConcurrentLinkedQueue<>();
    private final CountDownLatch finished = new CountDownLatch(1);
    private final Arena arena = Arena.ofShared();
    private final byte[] frame = new byte[65536];
    private final byte[] lladdr = new byte[32];
    private final MemorySegment eventCounter = arena.allocate(8, 8);

    private Rtnetlink rtnl;
    private NftArpDrop nft;
    private CrashRestorer restorer;
    private KernelSettings settings;
    private int wakeFd = -1;
    private MemorySegment pollFds;
    private int pollCount;
    private volatile boolean stopping;
    private volatile boolean started;
    private volatile boolean running;
    /** While true, actions go to the policy-in-rehearsal: staged, counted, never sent. */
    private boolean rehearsing;
    private long rehearsedActions;
    private long now;
    private long resyncs;
    private long policyFailures;
    private int eventBuffer = Rtnetlink.EVENT_BUFFER;
    private long droppedFrames;
    private long installErrors;

    public LinuxBackend(List<Interface> interfaces, EnginePort policy, EventLog log) {
        this(interfaces, policy, log, false);
    }

    /**
     * With {@code busyPoll} the loop never sleeps: poll(2) is called with a zero timeout over and
     * over, which costs one CPU at 100% but removes the wake-up from idle (tens to hundreds of
     * microseconds on a loaded VM) from every first packet: BENCHMARKS.md, "Linux backend".
     */
    public LinuxBackend(List<Interface> interfaces, EnginePort policy, EventLog log, boolean busyPoll) {
        if (interfaces.isEmpty()) throw new IllegalArgumentException("no interface given (use --interface IF)");
        this.interfaces = List.copyOf(interfaces);
        this.policy = policy;
        this.log = log;
        this.busyPoll = busyPoll;
    }

    /**
     * Opens every socket, learns links, addresses and neighbours from dumps (a restart resynchronises
     * here), applies each interface's mode and feeds what it learnt to the policy. Must run on the
     * thread that will run {@link #run()} when that thread was moved into a namespace.
     */
    public void start() {
        try {
            now = System.nanoTime();
            // Join the groups before dumping, so nothing changes unseen in between.
            rtnl = new Rtnetlink(eventBuffer);
            wakeFd = Libc.eventfd(0, Libc.EFD_NONBLOCK | Libc.EFD_CLOEXEC);
            for (Interface i : interfaces) links.add(new Link(i.name(), i.mode()));
            for (KernelMessage.Link l : rtnl.dumpLinks()) {
                Link mine = byName(l.name());
                if (mine != null) {
                    mine.index = l.link();
                    mine.hardware = l.hardware();
                }
            }
            for (Link l : links) {
                if (l.index == 0) {
                    throw new NativeCallException("RTM_GETLINK dump", Errno.ENODEV, "no interface called " + l.name,
                            "check the name with `ip link` (in the right network namespace)");
                }
                if (l.hardware == null || l.hardware.length != 6) {
                    throw new IllegalArgumentException(l.name + " is not an Ethernet interface: only Ethernet is supported on Linux so far");
                }
            }
            restorer = new CrashRestorer();
            settings = new KernelSettings(restorer);
            for (Link l : links) applyMode(l);
            for (Link l : links) openSockets(l);
            buildPollSet();
            for (Link l : links) {
                note("link %s index %d hardware %s mode %s", l.name, l.index, Rtnetlink.mac(l.hardware), l.mode.name().toLowerCase());
                feed(new Input.LinkChanged(l.index, l.name, Ethernet.INSTANCE, HardwareAddress.of(l.hardware), true));
            }
            resync("start");
            started = true;
        } catch (RuntimeException e) {
            cleanUp();
            throw e;
        }
    }

    /**
     * Kernel buffer for notifications (default {@link Rtnetlink#EVENT_BUFFER}); set before {@link #start()}.
     * When it overflows the kernel drops notifications and says ENOBUFS: the loop then resynchronises.
     */
    public void setEventBuffer(int bytes) {
        if (started) throw new IllegalStateException("set the event buffer before start()");
        eventBuffer = bytes;
    }

    /**
     * After every event (a descriptor ready, a deadline handled) the loop keeps polling with a zero
     * timeout for {@code micros} before it sleeps again, so what follows closely — the reply to the
     * request just sent, the next request of a burst — is caught by a CPU that is still awake instead
     * of after another wake-up from idle. Idle, the loop still sleeps (the window only opens on an
     * event). 0 turns it off. Set before {@link #run()}.
     */
    public void setSpinMicros(int micros) {
        checkSpinMicros(micros);
        if (running) throw new IllegalStateException("set the spin window before run()");
        spinNanos = micros * 1_000L;
    }

    /** Returns {@code micros} if it is a spin window {@link #setSpinMicros} accepts, else says why not. */
    public static int checkSpinMicros(int micros) {
        if (micros < 0 || micros > MAX_SPIN_MICROS) {
            throw new IllegalArgumentException("--spin-us " + micros + " is outside 0.." + MAX_SPIN_MICROS
                    + " microseconds (for a loop that never sleeps use --busy-poll)");
        }
        return micros;
    }

    /**
     * The sysctls (and nftables rule) of {@code l}'s mode; LINUX-NOTES "Being the only authority".
     * Assist mode sets only {@code app_solicit} to 1: the kernel keeps its ARP, but tells uarpd of each
     * miss first, so a binding uarpd already knows is installed at once, and for one it does not the
     * engine broadcasts a request at once (the kernel's own broadcasts would wait one
     * {@code retrans_time}, 1 s by default). The kernel still decides failure; if uarpd dies, a new
     * resolution costs one retransmit interval more and nothing else.
     */
    private void applyMode(Link l) {
        String n = l.name;
        if (l.mode == LinkMode.ASSIST) {
            settings.set(KernelSettings.neigh(n, "app_solicit"), "1");
            note("%s: assist (the kernel keeps its ARP and asks uarpd first; uarpd adds its cache, published addresses and RARP)", n);
            return;
        }
        // The owned table first: if another uarpd holds this namespace, fail before touching anything.
        if (nft == null) nft = new NftArpDrop();
        nft.drop(l.index);
        settings.set(KernelSettings.neigh(n, "app_solicit"), Integer.toString(APP_SOLICIT));
        settings.set(KernelSettings.neigh(n, "ucast_solicit"), "0");
        settings.set(KernelSettings.neigh(n, "mcast_solicit"), "0");
        settings.set(KernelSettings.neigh(n, "mcast_resolicit"), "0");
        settings.set(KernelSettings.conf(n, "arp_ignore"), "8");
        settings.set(KernelSettings.conf(n, "arp_accept"), "0");
        settings.set(KernelSettings.conf(n, "drop_gratuitous_arp"), "1");
        settings.set(KernelSettings.conf(n, "arp_notify"), "0");
        settings.set(KernelSettings.conf(n, "proxy_arp"), "0");
        note("%s: authoritative (sysctls set, nftables table arp %s drops ARP input)", n, NftArpDrop.TABLE);
    }

    private Link byName(String name) {
        for (Link l : links) if (l.name.equals(name)) return l;
        return null;
    }

    private Link byIndex(int index) {
        for (int i = 0; i < links.size(); i++) {
            Link l = links.get(i);
            if (l.index == index) return l;
        }
        return null;
    }

    private void openSockets(Link l) {
        l.arp = new PacketSocket(l.index, l.name, PacketSocket.ETH_P_ARP);
        l.rarp = new PacketSocket(l.index, l.name, PacketSocket.ETH_P_RARP);
    }

    private void closeSockets(Link l) {
        if (l.arp != null) l.arp.close();
        if (l.rarp != null) l.rarp.close();
        l.arp = null;
        l.rarp = null;
    }

    /** The pollfd array: the wake-up eventfd, the netlink event socket, then ARP and RARP of every present link. */
    private void buildPollSet() {
        polled.clear();
        for (Link l : links) if (l.arp != null) polled.add(l);
        pollCount = 2 + 2 * polled.size();
        // Sized once for every configured link: a link that goes and comes back reuses it (the arena
        // frees nothing before close, so a new array per change would grow with every flap).
        if (pollFds == null) pollFds = arena.allocate((long) Libc.POLLFD_SIZE * (2 + 2 * links.size()), 8);
        int slot = 0;
        slot = pollSlot(slot, wakeFd);
        slot = pollSlot(slot, rtnl.events().fd());
        for (Link l : polled) {
            slot = pollSlot(slot, l.arp.fd());
            slot = pollSlot(slot, l.rarp.fd());
        }
    }

    private int pollSlot(int slot, int fd) {
        long off = (long) slot * Libc.POLLFD_SIZE;
        pollFds.set(ValueLayout.JAVA_INT, off, fd);
        pollFds.set(ValueLayout.JAVA_SHORT, off + 4, Libc.POLLIN);
        pollFds.set(ValueLayout.JAVA_SHORT, off + 6, (short) 0);
        return slot + 1;
    }

    private short revents(int slot) {
        return pollFds.get(ValueLayout.JAVA_SHORT, (long) slot * Libc.POLLFD_SIZE + 6);
    }

    /**
     * Runs the loop's thread under SCHED_FIFO {@code priority} (0: leave it alone): woken, it runs
     * ahead of ordinary work, which cuts the tail latency and lets bursts be answered as they arrive
     * (BENCHMARKS.md). Call on the loop's thread, before {@link #run()}.
     */
    public void realtime(int priority) {
        if (priority == 0) return;
        if (busyPoll) {
            throw new IllegalArgumentException("--busy-poll with a realtime priority would keep a CPU from every ordinary task: choose one");
        }
        Libc.realtime(priority);
        note("event loop runs at SCHED_FIFO priority %d", priority);
    }

    /**
     * The event loop: runs until {@link #stop()}, then puts every kernel setting back. Sleeps in
     * poll(2) until the next descriptor or deadline, except inside the spin window that follows
     * every event ({@link #setSpinMicros}), or always with busy polling.
     */
    public void run() {
        if (!started) throw new IllegalStateException("start() first");
        running = true;
        long spinUntil = System.nanoTime();
        try {
            while (!stopping) {
                long deadline = policy.nextDeadline();
                long before = System.nanoTime();
                boolean spinning = busyPoll || before - spinUntil < 0;
                int timeout = spinning ? 0 : timeoutMillis(deadline, before);
                int ready = Libc.tryPoll(pollFds, pollCount, timeout);
                now = System.nanoTime();
                if (ready < 0) {
                    if (ready == -Errno.EINTR) continue;
                    Libc.check(ready, "poll(" + pollCount + " descriptors)", null);
                }
                if (ready > 0) {
                    if (revents(0) != 0) drainWakeups();
                    if (revents(1) != 0) drainNetlink();
                    for (int i = 0; i < polled.size(); i++) {
                        Link l = polled.get(i);
                        if (l.arp == null) continue; // removed while handling an earlier descriptor
                        if (revents(2 + 2 * i) != 0) drainFrames(l, l.arp);
                        if (l.rarp != null && revents(3 + 2 * i) != 0) drainFrames(l, l.rarp);
                    }
                    spinUntil = now + spinNanos;
                }
                if (policy.nextDeadline() - now <= 0) {
                    feed(TIME_ADVANCED);
                    spinUntil = now + spinNanos; // a timer may have sent a request: its reply is due soon
                } else if (ready == 0 && spinning) {
                    Thread.onSpinWait();
                }
            }
        } finally {
            cleanUp();
            finished.countDown();
        }
    }

    private static final Input.TimeAdvanced TIME_ADVANCED = new Input.TimeAdvanced();

    /**
     * Rehearses the hot paths {@code rounds} times before the loop starts, so the JIT has compiled
     * them by the first real miss (without it the first misses run interpreted, several times slower:
     * BENCHMARKS.md). A synthetic miss goes through the real netlink decoder and {@link #kernelMessage};
     * synthetic frames — the reply, a request for the host's address, requests for {@code alsoAsk}
     * (published addresses), a RARP request from {@code rarpClient} — through {@link #feed}; all into
     * {@code scratch}, a throwaway policy of the same kind as the real one, on a synthetic clock. Its
     * actions are staged exactly as real ones but not sent: nothing reaches the wire or the kernel's
     * tables. The read-only syscalls (poll without waiting, an acked RTM_GETLINK) run for real. Real
     * events arriving meanwhile wait in their sockets for {@link #run()}.
     */
    public void rehearse(EnginePort scratch, int rounds, int[] alsoAsk, HardwareAddress rarpClient) {
        if (!started) throw new IllegalStateException("start() first");
        Link l = links.get(0);
        EnginePort real = policy;
        long clock = System.nanoTime();
        policy = scratch;
        rehearsing = true;
        try (Arena a = Arena.ofConfined()) {
            now = clock;
            HardwareAddress own = HardwareAddress.of(l.hardware);
            feed(new Input.LinkChanged(l.index, l.name, Ethernet.INSTANCE, own, true));
            int ownAddress = Ip4.parse("192.0.2.1");
            for (long key : addresses) if ((int) (key >>> 32) == l.index) ownAddress = (int) key;
            feed(new Input.AddressAdded(l.index, ownAddress, 24));
            HardwareAddress peer = HardwareAddress.parse("02:00:5e:00:53:fd");
            HardwareAddress zero = HardwareAddress.of(new byte[6]);
            byte[] reply = arpFrame(Opcode.REPLY, own, EtherType.ARP, peer, 0, own, ownAddress);
            byte[] request = arpFrame(Opcode.REQUEST, Ethernet.INSTANCE.broadcast(), EtherType.ARP, peer, 0, zero, ownAddress);
            byte[][] asks = new byte[alsoAsk.length][];
            for (int i = 0; i < alsoAsk.length; i++) {
                asks[i] = arpFrame(Opcode.REQUEST, Ethernet.INSTANCE.broadcast(), EtherType.ARP, peer, Ip4.parse("192.0.2.250"), zero, alsoAsk[i]);
            }
            byte[] rarp = rarpClient == null ? null
                    : arpFrame(Opcode.RARP_REQUEST, Ethernet.INSTANCE.broadcast(), EtherType.RARP, rarpClient, 0, rarpClient, 0);
            int senderAddress = Ethernet.HEADER + ArpPacket.FIXED_HEADER + 6;
            MemorySegment nl = a.allocate(256, 8);
            NetlinkReader reader = new NetlinkReader(nl);
            NetlinkWriter writer = new NetlinkWriter(nl);
            int base = ownAddress & Ip4.mask(24);
            for (int i = 0; i < rounds && !stopping; i++) {
                now += 10_000_000L; // 10 ms apart: under the per-target request limit, like real traffic
                int target = base | (2 + i % 200);
                if (target == ownAddress) target = base | 250;
                int n = writer.reset().begin(Rtnetlink.RTM_GETNEIGH, NetlinkSocket.NLM_F_REQUEST, 0)
                        .ndmsg(Libc.AF_INET, l.index, Rtnetlink.NUD_INCOMPLETE, 0, Rtnetlink.RTN_UNICAST)
                        .attrBe32(Rtnetlink.NDA_DST, target).attrU32(Rtnetlink.NDA_PROBES, 0).end().length();
                reader.reset(n);
                while (reader.next()) {
                    KernelMessage m = Rtnetlink.decode(reader);
                    if (m != null) kernelMessage(m);
                }
                Ip4.write(reply, senderAddress, target);
                feed(new Input.FrameReceived(l.index, reply, 0, reply.length));
                Ip4.write(request, senderAddress, target);
                feed(new Input.FrameReceived(l.index, request, 0, request.length));
                for (byte[] ask : asks) feed(new Input.FrameReceived(l.index, ask, 0, ask.length));
                if (rarp != null) feed(new Input.FrameReceived(l.index, rarp, 0, rarp.length));
                feed(TIME_ADVANCED);
                if (i % 200 == 199) feed(new Input.Command(new OperatorCommand.Flush(l.index)));
                Libc.tryPoll(pollFds, pollCount, 0);
                if (i % 4 == 0) rtnl.probeLink(l.index);
            }
        } finally {
            policy = real;
            rehearsing = false;
            now = System.nanoTime();
        }
        if (rehearsedActions == 0) throw new IllegalStateException("rehearsal produced no actions: the policy ignored every input");
    }

    private static byte[] arpFrame(Opcode op, HardwareAddress to, int etherType, HardwareAddress sha, int spa, HardwareAddress tha, int tpa) {
        ArpPacket p = new ArpPacket(HardwareType.ETHERNET, EtherType.IPV4, op, sha, ProtocolAddress.ip4(spa), tha, ProtocolAddress.ip4(tpa));
        return Ethernet.INSTANCE.encode(to, sha, etherType, ArpCodec.encode(p));
    }

    /** poll(2) timeout for {@code deadline}: rounded up so the loop never wakes just before it is due. */
    static int timeoutMillis(long deadline, long now) {
        if (deadline == Long.MAX_VALUE) return -1;
        long wait = deadline - now;
        if (wait <= 0) return 0;
        return (int) Math.min(Integer.MAX_VALUE, Math.ceilDiv(wait, 1_000_000L)); // ceilDiv: no overflow near Long.MAX_VALUE
    }

    /** Asks the loop to stop (from any thread, e.g. a signal's shutdown hook) and waits for its clean-up. */
    public void stop() {
        stopping = true;
        wake();
        if (running) {
            try {
                finished.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        } else {
            cleanUp();
        }
    }

    /** Asks the loop to stop without waiting (safe from a signal handler). */
    public void requestStop() {
        stopping = true;
        wake();
    }

    /** Hands an operator command to the loop (from any thread). */
    public void command(OperatorCommand c) {
        commands.add(c);
        wake();
    }

    private void wake() {
        int fd = wakeFd;
        if (fd < 0) return;
        try (Arena a = Arena.ofConfined()) {
            MemorySegment one = a.allocate(8, 8);
            one.set(ValueLayout.JAVA_LONG, 0, 1L);
            Libc.tryWrite(fd, one, 8);
        }
    }

    private void drainWakeups() {
        Libc.tryRead(wakeFd, eventCounter, 8);
        OperatorCommand c;
        while ((c = commands.poll()) != null) feed(new Input.Command(c));
        Runnable task;
        while ((task = tasks.poll()) != null) {
            now = System.nanoTime();
            try {
                task.run();
            } catch (RuntimeException e) {
                note("error: a task on the loop failed: %s", e);
            }
        }
    }

    /**
     * Runs {@code task} on the loop thread, between two inputs (from any thread). The daemon's control
     * socket, reload and metrics go through here, so only the loop ever touches the policy; a task
     * that feeds the policy hands it this backend as its {@link ActionSink}.
     */
    public void execute(Runnable task) {
        tasks.add(task);
        wake();
    }

    /** One configured interface as the loop sees it (call on the loop thread): index 0 while it is gone. */
    public record LinkInfo(String name, int index, HardwareAddress hardware, LinkMode mode) {}

    public List<LinkInfo> linkInfo() {
        List<LinkInfo> out = new ArrayList<>();
        for (Link l : links) out.add(new LinkInfo(l.name, l.index, l.hardware == null ? null : HardwareAddress.of(l.hardware), l.mode));
        return out;
    }

    /** The host's addresses on configured links, as (ifindex, address) pairs (call on the loop thread). */
    public List<long[]> addresses() {
        List<long[]> out = new ArrayList<>();
        for (long key : addresses) out.add(new long[] {key >>> 32, key & 0xFFFFFFFFL});
        return out;
    }

    /** Requests the kernel refused while carrying out actions (neighbour installs and removals, routes, sends). */
    public long installErrors() {
        return installErrors;
    }

    /** Frames the policy asked to send on a link that was gone. */
    public long droppedFrames() {
        return droppedFrames;
    }

    private void drainNetlink() {
        NetlinkSocket events = rtnl.events();
        while (true) {
            int n = events.receiveNow();
            if (n == -Errno.EAGAIN || n == -Errno.EINTR) return;
            if (n == -Errno.ENOBUFS) {
                // The kernel dropped notifications (maybe misses): the dumps tell us where we are.
                resyncs++;
                resync("netlink overrun (ENOBUFS)");
                continue;
            }
            if (n < 0) Libc.check(n, "recvfrom(NETLINK_ROUTE events)", null);
            NetlinkReader r = events.reader().reset(n);
            int own = rtnl.ownPortId();
            while (r.next()) {
                if (r.pid() == own) continue; // the echo of our own install: nothing new, nothing to decode
                KernelMessage m = Rtnetlink.decode(r);
                if (m != null) kernelMessage(m);
            }
        }
    }

    private void kernelMessage(KernelMessage m) {
        switch (m) {
            case KernelMessage.Neighbor nb -> {
                if (byIndex(nb.link()) == null) return;
                if (nb.isMiss()) {
                    if (log.packets()) notePacket("kernel miss %s on %s (%s, probes %d)", Ip4.format(nb.address()), nameOf(nb.link()),
                            Rtnetlink.stateName(nb.state()), nb.probes());
                    HardwareAddress known = nb.hardware() == null ? null : HardwareAddress.of(nb.hardware());
                    feed(new Input.KernelMiss(nb.link(), nb.address(), Math.max(0, nb.probes()), known));
                } else if (nb.sender() != rtnl.ownPortId()) {
                    kernelNeighbor(nb);
                }
            }
            case KernelMessage.Address a -> {
                if (byIndex(a.link()) == null) return;
                address(a);
            }
            case KernelMessage.Link l -> {
                Link mine = byIndex(l.link());
                if (mine == null) {
                    Link back = l.removed() || l.name() == null ? null : byName(l.name());
                    if (back != null && back.index == 0) reappeared(back, l);
                    return;
                }
                if (l.removed()) {
                    note("link %s removed: its sockets are closed until an interface of that name comes back", mine.name);
                    feed(new Input.LinkRemoved(l.link()));
                    closeSockets(mine);
                    addresses.removeIf(key -> (int) (key >>> 32) == mine.index);
                    mine.index = 0;
                    buildPollSet();
                } else {
                    if (l.hardware() != null && l.hardware().length == 6) mine.hardware = l.hardware();
                    feed(new Input.LinkChanged(l.link(), mine.name, Ethernet.INSTANCE, HardwareAddress.of(mine.hardware), l.up()));
                }
            }
        }
    }

    /** A configured interface that had gone came back (a new ifindex): set it up again like at start. */
    private void reappeared(Link l, KernelMessage.Link m) {
        if (m.hardware() == null || m.hardware().length != 6) return;
        l.index = m.link();
        l.hardware = m.hardware();
        try {
            applyMode(l);
            openSockets(l);
        } catch (RuntimeException e) {
            note("error: cannot take %s back: %s", l.name, e.getMessage());
            closeSockets(l);
            l.index = 0;
            return;
        }
        buildPollSet();
        note("link %s is back as index %d", l.name, l.index);
        feed(new Input.LinkChanged(l.index, l.name, Ethernet.INSTANCE, HardwareAddress.of(l.hardware), m.up()));
        resync("link " + l.name + " back");
    }

    private void kernelNeighbor(KernelMessage.Neighbor nb) {
        boolean deleted = nb.type() == Rtnetlink.RTM_DELNEIGH;
        NeighborState state = deleted ? null : neighborState(nb.state());
        if (!deleted && state == null) return; // NOARP, NONE: not ARP's business
        HardwareAddress hw = deleted || nb.hardware() == null ? null : HardwareAddress.of(nb.hardware());
        if (log.packets()) notePacket("kernel neighbour %s on %s %s%s", Ip4.format(nb.address()), nameOf(nb.link()),
                deleted ? "deleted" : Rtnetlink.stateName(nb.state()), hw != null ? " " + hw : "");
        feed(new Input.KernelNeighborChanged(nb.link(), nb.address(), hw, state));
    }

    private void address(KernelMessage.Address a) {
        long key = linkAddressKey(a.link(), a.address());
        if (a.added()) {
            if (addresses.add(key)) note("address %s/%d on %s", Ip4.format(a.address()), a.prefixLength(), nameOf(a.link()));
            feed(new Input.AddressAdded(a.link(), a.address(), a.prefixLength()));
        } else {
            addresses.remove(key);
            note("address %s/%d removed from %s", Ip4.format(a.address()), a.prefixLength(), nameOf(a.link()));
            feed(new Input.AddressRemoved(a.link(), a.address(), a.prefixLength()));
        }
    }

    /**
     * Brings the policy up to date from dumps: addresses (removals of ones we knew included),
     * neighbours, and unresolved entries replayed as misses — so a restart or an overrun loses none.
     */
    private void resync(String why) {
        if (log.enabled()) note("resynchronising from kernel dumps (%s)", why);
        Set<Long> before = new HashSet<>(addresses);
        for (KernelMessage.Address a : rtnl.dumpAddresses()) {
            if (byIndex(a.link()) == null) continue;
            before.remove(linkAddressKey(a.link(), a.address()));
            address(a);
        }
        for (long gone : before) {
            address(new KernelMessage.Address(false, (int) (gone >>> 32), (int) gone, 32));
        }
        for (KernelMessage.Neighbor nb : rtnl.dumpNeighbors()) {
            if (byIndex(nb.link()) == null) continue;
            if (nb.state() == Rtnetlink.NUD_INCOMPLETE) {
                if (log.enabled()) note("pending resolution %s on %s", Ip4.format(nb.address()), nameOf(nb.link()));
                feed(new Input.KernelMiss(nb.link(), nb.address(), Math.max(0, nb.probes()), null));
            } else {
                kernelNeighbor(nb);
            }
        }
    }

    private static NeighborState neighborState(int nud) {
        return switch (nud) {
            case Rtnetlink.NUD_INCOMPLETE -> NeighborState.INCOMPLETE;
            case Rtnetlink.NUD_REACHABLE -> NeighborState.REACHABLE;
            case Rtnetlink.NUD_STALE -> NeighborState.STALE;
            case Rtnetlink.NUD_DELAY -> NeighborState.DELAY;
            case Rtnetlink.NUD_PROBE -> NeighborState.PROBE;
            case Rtnetlink.NUD_FAILED -> NeighborState.FAILED;
            case Rtnetlink.NUD_PERMANENT -> NeighborState.STATIC;
            default -> null;
        };
    }

    private static int nud(NeighborState s) {
        return switch (s) {
            case REACHABLE -> Rtnetlink.NUD_REACHABLE;
            case STATIC -> Rtnetlink.NUD_PERMANENT;
            case STALE, DELAY, PROBE -> Rtnetlink.NUD_STALE;
            case INCOMPLETE -> Rtnetlink.NUD_INCOMPLETE;
            case FAILED -> Rtnetlink.NUD_FAILED;
        };
    }

    private void drainFrames(Link l, PacketSocket socket) {
        while (true) {
            int n = socket.receive(frame);
            if (n == -Errno.EAGAIN || n == -Errno.EINTR) return;
            if (n < 0) {
                // ENETDOWN and the like are reported once per socket error; the loop goes on.
                note("error: recvfrom(AF_PACKET on %s) failed: %s (%d, %s)", l.name, Errno.name(-n), -n, Libc.strerror(-n));
                return;
            }
            if (n == 0) continue; // our own host's transmission
            if (log.packets()) notePacket("%s: received %s", l.name, describe(frame, 0, n));
            feed(new Input.FrameReceived(l.index, frame, 0, n));
        }
    }

    private void feed(Input input) {
        try {
            policy.handle(now, input, this);
        } catch (RuntimeException e) {
            // A fault in the policy must not take the host's address resolution down with it.
            policyFailures++;
            note("error: the policy failed on %s: %s", input, e);
            if (policyFailures == 1) e.printStackTrace();
        }
    }

    /** Inputs the policy threw on (each logged; the loop went on). */
    public long policyFailures() {
        return policyFailures;
    }

    /** Carries out one of the policy's actions. */
    @Override
    public void accept(Action action) {
        try {
            switch (action) {
                case Action.Transmit t -> {
                    Link l = byIndex(t.link());
                    if (l == null || l.arp == null) {
                        droppedFrames++;
                        note("error: no socket to send on for ifindex %d (link gone?)", t.link());
                        return;
                    }
                    if (log.packets() && !rehearsing) {
                        var b = t.frame();
                        byte[] copy = new byte[b.remaining()];
                        b.duplicate().get(copy);
                        notePacket("%s: sent %s", l.name, describe(copy, 0, copy.length));
                    }
                    int length = l.arp.stage(t.frame());
                    if (rehearsing) rehearsedActions++;
                    else l.arp.sendStaged(length);
                }
                case Action.InstallNeighbor i -> {
                    int len = i.hardware().length();
                    i.hardware().copyTo(lladdr, 0);
                    if (rehearsing) {
                        rtnl.stageInstall(i.link(), i.address(), lladdr, len, nud(i.state()));
                        rehearsedActions++;
                        return;
                    }
                    rtnl.installNeighbor(i.link(), i.address(), lladdr, len, nud(i.state()));
                    if (log.packets()) notePacket("installed %s at %s on %s (%s)", Ip4.format(i.address()), i.hardware(), nameOf(i.link()), i.state());
                }
                case Action.RemoveNeighbor r -> {
                    if (rehearsing) {
                        rehearsedActions++;
                        return;
                    }
                    if (r.failed()) rtnl.failNeighbor(r.link(), r.address());
                    else rtnl.deleteNeighbor(r.link(), r.address());
                    if (log.packets()) notePacket("%s %s on %s", r.failed() ? "failed" : "removed", Ip4.format(r.address()), nameOf(r.link()));
                }
                case Action.AddHostRoute r -> {
                    if (rehearsing) return;
                    rtnl.addHostRoute(r.link(), r.address());
                    addedRoutes.add(linkAddressKey(r.link(), r.address()));
                    crashUndo(true, routeUndo(r.link(), r.address()));
                    note("route %s/32 dev %s added", Ip4.format(r.address()), nameOf(r.link()));
                }
                case Action.RemoveAddress r -> {
                    if (rehearsing) return;
                    rtnl.deleteAddress(r.link(), r.address(), r.prefixLength());
                    removedAddresses.add(r);
                    crashUndo(true, "ip", "addr", "add", Ip4.format(r.address()) + "/" + r.prefixLength(), "dev", nameOf(r.link()));
                    note("address %s/%d removed from %s (RFC 5227 conflict; put back on exit)", Ip4.format(r.address()), r.prefixLength(), nameOf(r.link()));
                }
                case Action.RemoveHostRoute r -> {
                    if (rehearsing) return;
                    rtnl.removeHostRoute(r.link(), r.address());
                    if (addedRoutes.remove(linkAddressKey(r.link(), r.address()))) crashUndo(false, routeUndo(r.link(), r.address()));
                    note("route %s/32 dev %s removed", Ip4.format(r.address()), nameOf(r.link()));
                }
                case Action.Emit e -> {
                    if (log.packets() && !rehearsing) notePacket("%s", describe(e.event()));
                }
            }
        } catch (NativeCallException e) {
            // One refused request (a vanished interface, a full table) must not stop the loop.
            installErrors++;
            note("error: %s (while carrying out %s)", e.getMessage(), action);
        }
    }

    /** The command that deletes the bridge route uarpd added ({@link Rtnetlink#addHostRoute}: proto static, main table). */
    private String[] routeUndo(int link, int address) {
        return new String[] {"ip", "route", "del", Ip4.format(address) + "/32", "dev", nameOf(link), "proto", "static"};
    }

    /**
     * Tells the {@link CrashRestorer} how to reverse (or no longer reverse) a route or address change,
     * so a SIGKILLed uarpd leaves the routes and addresses as it found them, like the sysctls.
     */
    private void crashUndo(boolean arm, String... command) {
        if (restorer == null) return;
        try {
            if (arm) restorer.undo(command);
            else restorer.forget(command);
        } catch (RuntimeException e) {
            note("error: the crash restorer cannot carry `%s`: %s (it is still reversed on a clean exit)", String.join(" ", command), e.getMessage());
        }
    }

    /** The key of {@link #addresses} and {@link #addedRoutes}: link in the high half, address (unsigned) in the low. */
    private static long linkAddressKey(int link, int address) {
        return ((long) link << 32) | (address & 0xFFFFFFFFL);
    }

    private String nameOf(int index) {
        Link l = byIndex(index);
        return l == null ? "ifindex " + index : l.name;
    }

    /** "ARP request who-has 192.0.2.2 tell 192.0.2.1 (aa:bb:…)" and the like, for the log. */
    static String describe(byte[] buf, int off, int len) {
        if (len < Ethernet.HEADER) return len + "-byte runt frame";
        int type = ((buf[off + 12] & 0xFF) << 8) | (buf[off + 13] & 0xFF);
        try {
            ArpPacket p = ArpCodec.decode(buf, off + Ethernet.HEADER, len - Ethernet.HEADER);
            String kind = type == PacketSocket.ETH_P_RARP ? "RARP" : "ARP";
            return switch (p.opcode().value()) {
                case 1 -> kind + " request who-has " + p.targetProtocol() + " tell " + p.senderProtocol() + " (" + p.senderHardware() + ")";
                case 2 -> kind + " reply " + p.senderProtocol() + " is-at " + p.senderHardware() + " to " + p.targetProtocol();
                case 3 -> kind + " request who-am-I " + p.targetHardware() + " from " + p.senderHardware();
                case 4 -> kind + " reply " + p.targetHardware() + " is " + p.targetProtocol() + " (from " + p.senderProtocol() + ")";
                default -> kind + " " + p.opcode() + " from " + p.senderProtocol();
            };
        } catch (MalformedFrameException e) {
            return "malformed frame (" + e.getMessage() + ")";
        }
    }

    /** "resolved 192.0.2.2 at 02:… on u0 (reply, 0.210 ms)" and the like. */
    private String describe(org.uarpd.engine.EngineEvent ev) {
        StringBuilder b = new StringBuilder(ev.kind().name().toLowerCase());
        if (ev.address() != 0) b.append(' ').append(Ip4.format(ev.address()));
        if (ev.hardware() != null) b.append(" at ").append(ev.hardware());
        if (ev.link() != 0) b.append(" on ").append(nameOf(ev.link()));
        if (ev.state() != null) b.append(" now ").append(ev.state());
        b.append(" (").append(ev.reason().name().toLowerCase().replace('_', ' '));
        if (ev.latencyNanos() > 0) b.append(String.format(", %.3f ms", ev.latencyNanos() / 1e6));
        if (ev.detail() != null) b.append(": ").append(ev.detail());
        return b.append(')').toString();
    }

    private void note(String format, Object... args) {
        if (log.enabled() && !rehearsing) log.line(System.nanoTime(), String.format(format, args));
    }

    /** A line about one packet, miss or install: logged only when {@link EventLog#packets()} asks for them. */
    private void notePacket(String format, Object... args) {
        if (log.packets() && !rehearsing) log.packet(System.nanoTime(), String.format(format, args));
    }

    public long resyncs() {
        return resyncs;
    }

    /** Closes every socket and puts every kernel setting back (idempotent). */
    private synchronized void cleanUp() {
        for (Link l : links) closeSockets(l);
        if (nft != null) {
            nft.close(); // the kernel deletes the owned table with its socket
            nft = null;
        }
        if (settings != null) {
            boolean changed = !settings.originals().isEmpty();
            List<String> failed = settings.restore();
            settings = null;
            for (String f : failed) note("could not restore: %s", f);
            if (failed.isEmpty() && changed) note("restored every kernel setting uarpd changed");
        }
        if (rtnl != null) {
            // Bridge routes go, addresses lost to a conflict come back: the kernel as uarpd found it.
            for (long key : addedRoutes) {
                try {
                    rtnl.removeHostRoute((int) (key >>> 32), (int) key);
                } catch (NativeCallException e) {
                    note("could not remove route %s/32: %s", Ip4.format((int) key), e.getMessage());
                }
            }
            addedRoutes.clear();
            for (Action.RemoveAddress r : removedAddresses) {
                try {
                    rtnl.addAddress(r.link(), r.address(), r.prefixLength());
                } catch (NativeCallException e) {
                    note("could not put back address %s/%d: %s", Ip4.format(r.address()), r.prefixLength(), e.getMessage());
                }
            }
            removedAddresses.clear();
            rtnl.close();
            rtnl = null;
        }
        // Disarmed last: until every route and address is back, a SIGKILL still leaves it to the restorer.
        if (restorer != null) {
            restorer.close();
            restorer = null;
        }
        if (wakeFd >= 0) {
            Libc.close(wakeFd);
            wakeFd = -1;
        }
    }

    /** Stops the loop if it runs, else puts everything back at once (idempotent). */
    @Override
    public void close() {
        stop();
    }
}

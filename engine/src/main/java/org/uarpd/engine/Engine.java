package org.uarpd.engine;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.uarpd.engine.EngineEvent.Kind;
import org.uarpd.engine.EngineEvent.Reason;
import org.uarpd.engine.Neighbors.Observation;
import org.uarpd.engine.PublishedEntry.Target;
import org.uarpd.wire.ArpView;
import org.uarpd.wire.EtherType;
import org.uarpd.wire.Frame;
import org.uarpd.wire.HardwareAddress;
import org.uarpd.wire.Ip4;
import org.uarpd.wire.MalformedFrameException;
import org.uarpd.wire.Opcode;
import org.uarpd.wire.link.Ethernet;

/**
 * uarpd's policy: a deterministic, sans-I/O ARP engine (DESIGN.md). No threads, sockets or clock:
 * a backend passes each {@link Input} with the time it happened to {@link #handle}, carries out the
 * {@link Action}s handed to its {@link ActionSink} (in order, during the call), and calls again, with
 * {@link Input.TimeAdvanced} if nothing else happened, no later than {@link #nextDeadline()}. The same
 * config (seed included) and the same inputs at the same times give the same actions. Not
 * thread-safe: one thread (the backend's event loop) drives it.
 *
 * <h2>Contract</h2>
 * <ul>
 * <li>{@code now} is the backend's monotonic clock in nanoseconds (any origin; a value earlier than
 *     the previous call's is taken as the previous one). Timers fire on the first tick of
 *     {@link EngineConfig#timerTickNanos()} at or after their deadline; {@link #nextDeadline()} is that
 *     tick's time.
 * <li>Links are known from {@link Input.LinkChanged}; frames, misses and addresses of unknown links
 *     are dropped with an event. A link's {@link LinkPolicy} is chosen once, when the link is first
 *     seen, by its name from {@link EngineConfig#links()} (else {@link EngineConfig#defaultLink()}).
 *     Link ids are the backend's (ifindex); 0 means "every link" in {@code Flush} and {@code Publish}.
 * <li>{@link Action.Transmit} frames and their buffers are the engine's scratch space, reused by
 *     the next Transmit: copy what you keep beyond the sink call.
 * <li>{@link Action.InstallNeighbor} means "create or replace" (NLM_F_CREATE|NLM_F_REPLACE);
 *     state STATIC means NUD_PERMANENT. {@link Action.RemoveNeighbor} with {@code failed=true} means
 *     "resolution failed: fail the held packets" (set NUD_FAILED / delete), with {@code false} a plain
 *     delete.
 * <li>Backends should not feed the engine's own installs back as {@link Input.KernelNeighborChanged}
 *     (Linux: skip messages whose nlmsg_pid is ours); if they do, an echo that matches the table is
 *     ignored.
 * <li>Nothing is thrown for anything on the wire: a malformed frame is counted and reported as a
 *     {@link Kind#DROPPED} event. {@link IllegalArgumentException} is thrown only for invalid
 *     operator input (a timer beyond the wheel's range).
 * </ul>
 *
 * <h2>Inputs handled</h2>
 * <ul>
 * <li>{@link Input.KernelMiss}: served from the table when it can (InstallNeighbor, event ANSWERED
 *     FROM_CACHE; a STALE entry is served and then checked, DELAY → PROBE); otherwise resolved:
 *     broadcast requests, then InstallNeighbor(REACHABLE) on the reply, or RemoveNeighbor(failed=true)
 *     when the probes are spent, so the kernel's held packets get host-unreachable. {@code probes}
 *     (Linux NDA_PROBES) counts against the budget; {@code known} (a kernel re-check, NUD_PROBE)
 *     starts unicast probes at once. A FAILED entry (negative cache) answers RemoveNeighbor(failed)
 *     at once. On ASSIST links a miss not in the table gets one broadcast request and no more; the
 *     kernel's own broadcasts follow and decide failure (no RemoveNeighbor, no negative cache).
 * <li>{@link Input.FrameReceived}: ARP requests, replies and InARP requests (EtherType 0x0806) and
 *     RARP requests (0x8035). Answers: the host's own addresses (AUTHORITATIVE links only), published
 *     entries, proxy ARP, RARP, InARP. Learning follows Linux arp_process: a request to one of our
 *     addresses creates the requester's entry (InstallNeighbor STALE on AUTHORITATIVE links), any
 *     packet updates an existing entry, a reply sent to our hardware address confirms (REACHABLE),
 *     a different address within the lock time is ignored unless gratuitous; STATIC never changes.
 * <li>{@link Input.AddressAdded} / {@link Input.AddressRemoved}: the host's addresses and subnets per
 *     link (also what proxy ARP, {@link PublishedEntry.Target.RoutedElsewhere}, routes by). Removing
 *     one drops dynamic entries no longer on any of the link's subnets; adding one announces it
 *     when {@link LinkPolicy#announce()}.
 * <li>{@link Input.LinkChanged} / {@link Input.LinkRemoved}: a link going down drops its dynamic
 *     entries; a removed link drops all of its state, static entries included.
 * <li>{@link Input.KernelNeighborChanged}: static entries are re-installed if someone else changed
 *     them; REACHABLE/STALE bindings are adopted; a deletion removes our binding (not a resolution
 *     under way, nor a negative-cache entry).
 * <li>{@link Input.Command}: {@link OperatorCommand.AddStatic} (replaces a dynamic entry),
 *     {@code DeleteStatic}, {@code Flush} (dynamic entries; RemoveNeighbor for those installed),
 *     {@code Probe}, and (added here) {@link OperatorCommand.Publish} / {@link OperatorCommand.Unpublish}.
 * </ul>
 *
 * <h2>Additions to the skeleton's contract</h2>
 * <ul>
 * <li>{@link EngineConfig} (record; {@link EngineConfig#defaults()} and {@code with…}) with
 *     {@link NeighborTimers}, {@link RateLimit} (per link and per target), {@link LinkPolicy} per link
 *     name ({@link LinkMode} AUTHORITATIVE / ASSIST, rarp, inarp, announce, published entries),
 *     table bounds, timer tick, seed, and the RARP table {@link org.uarpd.engine.rarp.EthersTable}
 *     (read from ethers/hosts files; errors are {@link org.uarpd.engine.rarp.ConfigFileException}).
 * <li>{@link PublishedEntry} (single address, {@link Cidr} range with exclusions, or proxy ARP for
 *     addresses routed out of another link; own or configured hardware address; broadcast-only,
 *     reply delay, answer RFC 5227 probes) and the commands {@link OperatorCommand.Publish} and
 *     {@link OperatorCommand.Unpublish}.
 * <li>{@link EngineEvent} carries the entry's {@link NeighborState}, a {@link Reason} enum (instead
 *     of a string), the resolution latency and a free-text detail (a malformed frame's fault).
 * <li>Read-only views for monitors and tests: {@link #lookup}, {@link #neighbors()}, {@link #size()},
 *     {@link #pendingResolutions()}, {@link #count(Reason)}, {@link #bridgedHosts()}.
 * <li>Issue 7 (docs/guard.md): {@link LinkPolicy#conflict()} ({@link ConflictPolicy}, RFC 5227 probe,
 *     announce and defend, {@link Action.RemoveAddress}), {@link LinkPolicy#guard()} ({@link GuardPolicy}),
 *     {@link LinkPolicy#bridge()} (proxy-ARP bridging with {@link Action.AddHostRoute} /
 *     {@link Action.RemoveHostRoute}), {@link OperatorCommand.Announce}, and the event kinds
 *     {@link Kind#CLAIMED}, {@link Kind#CONFLICT}, {@link Kind#ALERT}.
 * </ul>
 */
public final class Engine implements EnginePort {
    private static final int ARP_HEADER = 8;
    /** Link ids (ifindex) below this are kept in an array; rarer larger ones in a map. */
    private static final int DIRECT_LINK_IDS = 1 << 16;

    private EngineConfig config;
    private final TimerWheel wheel = new TimerWheel();
    private final NeighborTable table;
    private final Neighbors neighbors;
    private final AddressClaims claims;
    private final Bridge bridge = new Bridge(this);
    private final TimerWheel.Expiry expiry = this::expired;

    private Link[] linksById = new Link[16];
    private final Map<Integer, Link> linksFar = new HashMap<>();
    private final PublishedTable publishedEverywhere = new PublishedTable();
    private final PublishedTable.Routes routes = this::routedOutOfAnotherLink;
    /** Auxiliary timers (negative wheel ids): what to do when each fires. */
    private final Map<Integer, Runnable> tasks = new HashMap<>();
    private int delayedReplies;
    private final long[] counters = new long[Reason.values().length];
    private final byte[] scratch = new byte[255];
    private final byte[] zeros = new byte[255];
    private final ArpView view = new ArpView();
    private final ArpView outView = new ArpView();

    private boolean started;
    private long origin;
    private long now;
    private ActionSink out;

    public Engine(EngineConfig config) {
        this.config = config;
        this.table = new NeighborTable(config.maxEntries(), config.maxStaticEntries(), wheel);
        this.neighbors = new Neighbors(this, table, wheel, config);
        this.claims = new AddressClaims(this, config.seed());
    }

    public EngineConfig config() {
        return config;
    }

    /** Handles one input at time {@code nowNanos}, running every timer due by then first. */
    @Override
    public void handle(long nowNanos, Input input, ActionSink sink) {
        this.out = sink;
        if (!started) {
            started = true;
            origin = nowNanos;
            now = nowNanos;
        } else if (nowNanos > now) {
            now = nowNanos;
        }
        wheel.advance(Math.floorDiv(now - origin, config.timerTickNanos()), expiry);
        switch (input) {
            case Input.FrameReceived f -> onFrame(f.link(), f.frame(), f.offset(), f.length());
            case Input.KernelMiss m -> {
                Link l = link(m.link());
                if (l == null) emit(Kind.DROPPED, m.link(), m.address(), null, null, Reason.UNKNOWN_LINK);
                else if (!l.up) emit(Kind.IGNORED, m.link(), m.address(), null, null, Reason.LINK_IS_DOWN);
                else if (!l.speaksRfc826()) emit(Kind.IGNORED, m.link(), m.address(), null, null, Reason.WRONG_HARDWARE);
                else neighbors.handleKernelMiss(l, m.address(), m.probes(), m.known());
            }
            case Input.AddressAdded a -> {
                Link l = link(a.link());
                if (l == null) {
                    emit(Kind.DROPPED, a.link(), a.address(), null, null, Reason.UNKNOWN_LINK);
                } else {
                    boolean isNew = !l.owns(a.address());
                    l.addAddress(a.address(), a.prefixLength());
                    if (isNew && l.up && l.policy.announce()) announce(l, a.address());
                    if (isNew) claims.added(l, a.address(), a.prefixLength());
                }
            }
            case Input.AddressRemoved a -> {
                Link l = link(a.link());
                if (l != null) {
                    l.removeAddress(a.address());
                    claims.removed(l.id, a.address());
                    // Entries for neighbours no longer on any of the link's subnets lost their route (NetBSD purges them).
                    neighbors.purgeOffSubnet(l);
                }
            }
            case Input.LinkChanged c -> onLinkChanged(c);
            case Input.LinkRemoved r -> onLinkRemoved(r.link());
            case Input.KernelNeighborChanged k -> neighbors.handleKernelChanged(k.link(), k.address(), k.hardware(), k.state());
            case Input.Command c -> onCommand(c.command());
            case Input.TimeAdvanced t -> { }
        }
        this.out = null;
    }

    /** When the engine next needs a call (with {@link Input.TimeAdvanced}); {@link Long#MAX_VALUE} if never. */
    @Override
    public long nextDeadline() {
        long tick = wheel.nextDeadlineTick();
        return tick == Long.MAX_VALUE ? Long.MAX_VALUE : origin + tick * config.timerTickNanos();
    }

    // -- read-only views -------------------------------------------------------------------------

    /** One neighbour entry as seen from outside. {@code hardware} is null while INCOMPLETE or FAILED. */
    public record Neighbor(int link, int address, HardwareAddress hardware, NeighborState state) {}

    public Neighbor lookup(int link, int address) {
        int id = table.find(link, address);
        return id == NeighborTable.NONE ? null : view(id);
    }

    /** Every entry, in no particular order. */
    public List<Neighbor> neighbors() {
        List<Neighbor> all = new ArrayList<>(table.size());
        for (int id = 0; id < table.highWater(); id++) {
            if (table.inUse(id)) all.add(view(id));
        }
        return all;
    }

    /** Entries in the table (dynamic and static). */
    public int size() {
        return table.size();
    }

    public int pendingResolutions() {
        return neighbors.pending();
    }

    /** How many events have been reported with {@code reason} since the engine was made. */
    public long count(Reason reason) {
        return counters[reason.ordinal()];
    }

    private Neighbor view(int id) {
        return new Neighbor(table.link[id], table.address[id], table.hardware(id), table.stateOf(id));
    }

    // -- links -----------------------------------------------------------------------------------

    Link link(int id) {
        if (id >= 0 && id < linksById.length) return linksById[id];
        return linksFar.get(id);
    }

    private void onLinkChanged(Input.LinkChanged c) {
        Link l = link(c.link());
        boolean created = l == null;
        if (created) {
            l = new Link(c.link());
            l.policy = config.policyFor(c.name());
            for (PublishedEntry e : l.policy.published()) l.published.add(e);
            if (l.policy.guard().active()) l.guard = new Guard(this, l, l.policy.guard());
            if (c.link() >= 0 && c.link() < DIRECT_LINK_IDS) {
                // Capped, so that link() and this choose the same place for every id: an array longer
                // than DIRECT_LINK_IDS would hide the links kept in linksFar behind its null slots.
                if (c.link() >= linksById.length) {
                    linksById = java.util.Arrays.copyOf(linksById,
                            Math.min(DIRECT_LINK_IDS, Math.max(c.link() + 1, linksById.length * 2)));
                }
                linksById[c.link()] = l;
            } else {
                linksFar.put(c.link(), l);
            }
        }
        boolean wasUp = l.up;
        HardwareAddress oldHw = l.hardware;
        l.configure(c.name(), c.type(), c.address(), c.up());
        if (wasUp && !c.up()) {
            // Bindings learnt on a link that went down may be stale when it returns (Linux neigh_ifdown).
            neighbors.flush(l.id, Reason.LINK_DOWN, false, false);
        }
        if (created) {
            // Pinned bindings from the configuration: static, so no frame can change them.
            for (Map.Entry<Integer, HardwareAddress> e : l.policy.guard().pinned().entrySet()) {
                neighbors.addStatic(l.id, e.getKey(), e.getValue());
            }
        }
        if (c.up() && l.policy.announce() && !created && (!wasUp || !c.address().equals(oldHw))) {
            // A link that comes up, or takes a new hardware address, tells its neighbours (RFC 5227 §3).
            for (int i = 0; i < l.addressCount; i++) announce(l, l.addresses[i]);
        }
    }

    private void onLinkRemoved(int id) {
        Link l = link(id);
        if (l == null) return;
        neighbors.flush(id, Reason.LINK_REMOVED, true, false);
        claims.linkRemoved(id);
        bridge.linkRemoved(id);
        if (l.guard != null) l.guard.forget();
        if (id >= 0 && id < linksById.length) linksById[id] = null; else linksFar.remove(id);
    }

    // -- operator --------------------------------------------------------------------------------

    private void onCommand(OperatorCommand command) {
        switch (command) {
            case OperatorCommand.AddStatic a -> neighbors.addStatic(a.link(), a.address(), a.hardware());
            case OperatorCommand.DeleteStatic d -> neighbors.deleteStatic(d.link(), d.address());
            case OperatorCommand.Flush f -> neighbors.flush(f.link(), Reason.FLUSHED, false, true);
            case OperatorCommand.Probe p -> {
                Link l = link(p.link());
                if (l == null) emit(Kind.DROPPED, p.link(), p.address(), null, null, Reason.UNKNOWN_LINK);
                else if (!l.up) emit(Kind.IGNORED, p.link(), p.address(), null, null, Reason.LINK_IS_DOWN);
                else if (!l.speaksRfc826()) emit(Kind.IGNORED, p.link(), p.address(), null, null, Reason.WRONG_HARDWARE);
                else neighbors.handleOwnNeed(l, p.address());
            }
            case OperatorCommand.Publish p -> {
                if (p.link() == 0) {
                    publishedEverywhere.add(p.entry());
                } else {
                    Link l = link(p.link());
                    if (l == null) {
                        emit(Kind.DROPPED, p.link(), 0, null, null, Reason.UNKNOWN_LINK);
                        return;
                    }
                    l.published.add(p.entry());
                }
            }
            case OperatorCommand.Reconfigure r -> reconfigure(r.next());
            case OperatorCommand.Announce a -> {
                Link l = link(a.link());
                if (l == null) emit(Kind.DROPPED, a.link(), a.address(), null, null, Reason.UNKNOWN_LINK);
                else if (!l.speaksRfc826()) emit(Kind.IGNORED, a.link(), a.address(), null, null, Reason.WRONG_HARDWARE);
                else announceRepeatedly(a.link(), a.address(), a.count(), a.intervalNanos());
            }
            case OperatorCommand.Unpublish u -> {
                if (u.link() == 0) {
                    publishedEverywhere.remove(u.entry());
                } else {
                    Link l = link(u.link());
                    if (l != null) l.published.remove(u.entry());
                }
            }
        }
    }

    /** {@link OperatorCommand.Reconfigure}: checks first, then changes everything at once. */
    private void reconfigure(EngineConfig next) {
        if (next.maxEntries() != config.maxEntries() || next.maxStaticEntries() != config.maxStaticEntries()) {
            throw new IllegalArgumentException("table bounds cannot change while running (maxEntries " + config.maxEntries()
                    + " → " + next.maxEntries() + ", maxStaticEntries " + config.maxStaticEntries() + " → "
                    + next.maxStaticEntries() + "): restart to resize the table");
        }
        if (next.timerTickNanos() != config.timerTickNanos()) {
            throw new IllegalArgumentException("the timer tick cannot change while running (" + config.timerTickNanos()
                    + " → " + next.timerTickNanos() + " ns): restart to change it");
        }
        EngineConfig kept = next.withSeed(config.seed());
        for (int i = 0; i < linksById.length; i++) {
            if (linksById[i] != null) repolicy(linksById[i], kept);
        }
        for (Link l : linksFar.values()) repolicy(l, kept);
        config = kept;
        neighbors.reconfigure(kept);
    }

    /**
     * The link's configured published entries are swapped; those the operator published stay. A
     * changed guard policy starts a fresh guard (its history goes) and swaps the pinned bindings that
     * changed; an unchanged one keeps its state.
     */
    private void repolicy(Link l, EngineConfig next) {
        LinkPolicy policy = next.policyFor(l.name);
        LinkPolicy old = l.policy;
        for (PublishedEntry e : old.published()) l.published.remove(e);
        for (PublishedEntry e : policy.published()) l.published.add(e);
        l.policy = policy;
        if (!policy.guard().equals(old.guard())) {
            // The old guard's pending verifications go with it, or their timers would still act on the link.
            if (l.guard != null) l.guard.forget();
            l.guard = policy.guard().active() ? new Guard(this, l, policy.guard()) : null;
            Map<Integer, HardwareAddress> before = old.guard().pinned();
            Map<Integer, HardwareAddress> after = policy.guard().pinned();
            for (Map.Entry<Integer, HardwareAddress> e : before.entrySet()) {
                if (!e.getValue().equals(after.get(e.getKey()))) neighbors.deleteStatic(l.id, e.getKey());
            }
            for (Map.Entry<Integer, HardwareAddress> e : after.entrySet()) {
                if (!e.getValue().equals(before.get(e.getKey()))) neighbors.addStatic(l.id, e.getKey(), e.getValue());
            }
        }
    }

    // -- frames ----------------------------------------------------------------------------------

    private void onFrame(int linkId, byte[] buf, int off, int len) {
        Link l = link(linkId);
        if (l == null) {
            emit(Kind.DROPPED, linkId, 0, null, null, Reason.UNKNOWN_LINK);
            return;
        }
        if (!l.up) {
            emit(Kind.IGNORED, linkId, 0, null, null, Reason.LINK_IS_DOWN);
            return;
        }
        ArpView v = view;
        int proto;
        boolean toBroadcast;
        boolean toUs;
        byte[] src;
        int srcOff;
        try {
            if (l.type == Ethernet.INSTANCE && (len < Ethernet.HEADER || u16(buf, off + 12) >= Ethernet.MIN_ETHERTYPE)) {
                // The commonest link, Ethernet II, read in place: no allocation on the answer path.
                // (IEEE 802.3 length-field frames, LLC/SNAP-encapsulated ARP among them, take the
                // general path below: Ethernet.decode reads them.)
                if (len < Ethernet.HEADER) {
                    dropMalformed(linkId, "Ethernet header truncated: " + len + " of " + Ethernet.HEADER + " bytes");
                    return;
                }
                proto = u16(buf, off + 12);
                if (!EtherType.isArpFamily(proto)) {
                    emit(Kind.DROPPED, linkId, 0, null, null, Reason.NOT_ARP);
                    return;
                }
                v.resetEthernet(buf, off, len);
                toBroadcast = l.isBroadcast(buf, off, 6);
                toUs = l.isOwnHardware(buf, off, 6);
                src = buf;
                srcOff = off + 6;
            } else {
                Frame frame = l.type.decode(buf, off, len);
                proto = frame.protocol();
                if (!EtherType.isArpFamily(proto)) {
                    emit(Kind.DROPPED, linkId, 0, null, null, Reason.NOT_ARP);
                    return;
                }
                v.reset(frame.buffer(), frame.payloadOffset(), frame.payloadLength());
                toBroadcast = frame.destination().equals(l.type.broadcast());
                toUs = frame.destination().equals(l.hardware);
                src = frame.source() == null ? null : frame.source().toByteArray();
                srcOff = 0;
            }
        } catch (MalformedFrameException e) {
            dropMalformed(linkId, e.getMessage());
            return;
        } catch (RuntimeException e) {
            // A decoder must not throw anything else, but a bad frame must never stop the loop.
            dropMalformed(linkId, "decoder failed: " + e);
            return;
        }
        if (!v.isIp4()) {
            emit(Kind.IGNORED, linkId, 0, null, null, Reason.NOT_IPV4);
            return;
        }
        int hln = v.hardwareLength();
        if (hln != l.type.addressLength()) {
            emit(Kind.IGNORED, linkId, 0, null, null, Reason.WRONG_HARDWARE);
            return;
        }
        byte[] b = v.buffer();
        int hrd = v.hardwareType();
        int op = v.opcode();
        int sha = v.senderHardwareOffset();
        int spa = v.senderProtocolIp4();
        int tha = v.targetHardwareOffset();
        int tpa = v.targetProtocolIp4();
        boolean sourceKnown = src != null && src.length - srcOff >= hln;
        if (l.isOwnHardware(b, sha, hln) || (sourceKnown && l.isOwnHardware(src, srcOff, hln))) {
            // Our own frames echoed back (our probes included) are never news, nor conflicts (RFC 5227 §2.1.1).
            emit(Kind.IGNORED, linkId, spa, null, null, Reason.OWN_FRAME);
            return;
        }
        if (l.guard != null && sourceKnown && !l.guard.admit(src, srcOff, b, sha, hln, spa)) return;
        if (proto != EtherType.RARP && (op == 1 || op == 2)) {
            // RFC 5227 §2.1.1 / §2.4: someone else using, or probing for, one of our addresses.
            // (A claim exists only for an address the link holds, so owning is the whole test.)
            if (spa != 0 && l.owns(spa)) {
                claims.inspect(l, spa, tpa, false, b, sha, hln, true);
                return;
            }
            if (spa == 0 && op == 1 && claims.unusable(l.id, tpa)) {
                boolean sourceMatches = !sourceKnown || java.util.Arrays.equals(src, srcOff, srcOff + hln, b, sha, sha + hln);
                if (claims.inspect(l, spa, tpa, true, b, sha, hln, sourceMatches)) return;
            }
            if (l.guard != null && !l.guard.observeStation(spa, b, sha, hln)) return;
        }
        if (proto == EtherType.RARP) {
            if (op == Opcode.RARP_REQUEST.value()) onRarpRequest(l, hrd, b, sha, tha, hln);
            else emit(Kind.DROPPED, linkId, spa, null, null, Reason.UNSUPPORTED_OPCODE);
            return;
        }
        switch (op) {
            case 1 -> onRequest(l, hrd, b, sha, spa, tpa, hln, toBroadcast);
            case 2 -> {
                Observation kind = spa == tpa ? Observation.GRATUITOUS : toUs ? Observation.REPLY_TO_US : Observation.OVERHEARD;
                if (kind == Observation.OVERHEARD && table.find(linkId, spa) == NeighborTable.NONE) {
                    // A reply for someone else about a host we do not track: nothing to learn (Linux neither).
                    emit(Kind.IGNORED, linkId, spa, null, null, Reason.NOT_FOR_US);
                }
                neighbors.handleObservation(l, spa, b, sha, hln, kind);
            }
            case 8 -> onInarpRequest(l, hrd, b, sha, spa, tha, hln);
            default -> emit(Kind.DROPPED, linkId, spa, null, null, Reason.UNSUPPORTED_OPCODE);
        }
    }

    /** An ARP request (RFC 826): learn from it, then answer it if it is ours to answer. */
    private void onRequest(Link l, int hrd, byte[] b, int sha, int spa, int tpa, int hln, boolean toBroadcast) {
        boolean ownTarget = l.owns(tpa);
        if (ownTarget && claims.unusable(l.id, tpa)) {
            // Still probing for it, or lost to another host: not ours to answer (RFC 5227 §2.1.1).
            emit(Kind.IGNORED, l.id, tpa, null, null, Reason.ADDRESS_CONFLICT);
            return;
        }
        if (spa == tpa) {
            // A gratuitous request announces the sender's binding; nobody answers it (RFC 5227 §2.3).
            neighbors.handleObservation(l, spa, b, sha, hln, Observation.GRATUITOUS);
            return;
        }
        neighbors.handleObservation(l, spa, b, sha, hln, ownTarget ? Observation.REQUEST_TO_US : Observation.OVERHEARD);
        if (ownTarget) {
            if (l.policy.mode() == LinkMode.ASSIST) {
                emit(Kind.IGNORED, l.id, tpa, null, null, Reason.KERNEL_ANSWERS);
                return;
            }
            // Our own address: answered even for an RFC 5227 probe, which is how the prober learns of the conflict.
            reply(l, hrd, Opcode.REPLY.value(), l.hardwareBytes, 0, tpa, b, sha, spa, hln, 0, Reason.OWN_ADDRESS);
            return;
        }
        if (l.policy.bridge() && l.policy.mode() == LinkMode.AUTHORITATIVE) {
            // The requester is a host on this side of the bridge: learn it (and route to it).
            if (spa != 0) neighbors.handleObservation(l, spa, b, sha, hln, Observation.REQUEST_TO_US);
            Bridge.Requester who = new Bridge.Requester(l.id, spa, HardwareAddress.of(b, sha, hln), hrd);
            Iterable<Link> links = allLinks();
            for (Link other : links) {
                if (other != l && other.policy.bridge() && other.owns(tpa) && !claims.unusable(other.id, tpa)) {
                    // The bridge host's own address on the far side: reachable through us.
                    answerBridged(l, who, tpa);
                    return;
                }
            }
            int far = bridge.request(l, tpa, who, links, config.maxPending());
            if (far != 0) answerBridged(l, who, tpa);
            return;
        }
        PublishedTable.Slot slot = publishedFor(l, tpa);
        if (slot == null) {
            emit(Kind.IGNORED, l.id, tpa, null, null, Reason.NOT_FOR_US);
            return;
        }
        PublishedEntry entry = slot.entry();
        if (spa == 0 && !entry.answerProbes()) {
            emit(Kind.IGNORED, l.id, tpa, null, null, Reason.PROBE_NOT_ANSWERED);
            return;
        }
        if (entry.broadcastOnly() && !toBroadcast) {
            emit(Kind.IGNORED, l.id, tpa, null, null, Reason.UNICAST_REQUEST);
            return;
        }
        byte[] hw = slot.hardware() == null ? l.hardwareBytes : slot.hardware();
        Reason why = slot.why() == PublishedTable.Slot.Reason.PROXY ? Reason.PROXY : Reason.PUBLISHED;
        reply(l, hrd, Opcode.REPLY.value(), hw, 0, tpa, b, sha, spa, hln, entry.replyDelayNanos(), why);
    }

    /** An Inverse ARP request (RFC 2390 §7.1): tell the asker our protocol address on this link. */
    private void onInarpRequest(Link l, int hrd, byte[] b, int sha, int spa, int tha, int hln) {
        if (!l.policy.inarp() || !l.isOwnHardware(b, tha, hln)) {
            emit(Kind.IGNORED, l.id, spa, null, null, Reason.NOT_FOR_US);
            return;
        }
        int ours = l.sourceFor(spa);
        if (ours == 0) {
            emit(Kind.IGNORED, l.id, spa, null, null, Reason.NO_SOURCE_ADDRESS);
            return;
        }
        neighbors.handleObservation(l, spa, b, sha, hln, Observation.REQUEST_TO_US);
        reply(l, hrd, Opcode.INARP_REPLY.value(), l.hardwareBytes, 0, ours, b, sha, spa, hln, 0, Reason.INARP);
    }

    /** A RARP request (RFC 903): the protocol address of the target hardware address, from the ethers table. */
    private void onRarpRequest(Link l, int hrd, byte[] b, int sha, int tha, int hln) {
        if (!l.policy.rarp()) {
            emit(Kind.IGNORED, l.id, 0, null, null, Reason.RARP_DISABLED);
            return;
        }
        HardwareAddress asked = HardwareAddress.of(b, tha, hln);
        Integer ip = config.ethers().lookup(asked);
        if (ip == null) {
            emit(Kind.IGNORED, l.id, 0, asked, null, Reason.RARP_UNKNOWN);
            return;
        }
        int ours = l.sourceFor(ip);
        if (ours == 0) {
            emit(Kind.IGNORED, l.id, ip, asked, null, Reason.NO_SOURCE_ADDRESS);
            return;
        }
        // RFC 903: sender fields are the server's, target fields the answer; sent back to the asker.
        FrameWriter w = l.writer;
        int plen = ARP_HEADER + 2 * hln + 8;
        byte[] f = w.begin(b, sha, hln, EtherType.RARP, plen);
        writeArp(f, w.payloadOffset(), hrd, Opcode.RARP_REPLY.value(), hln, l.hardwareBytes, 0, ours, b, tha, ip);
        out.accept(w.finish());
        emit(Kind.ANSWERED, l.id, ip, asked, null, Reason.RARP);
    }

    private void reply(Link l, int hrd, int op, byte[] senderHw, int senderHwOff, int senderIp,
                       byte[] b, int requesterHw, int requesterIp, int hln, long delay, Reason why) {
        FrameWriter w = l.writer;
        byte[] f = w.begin(b, requesterHw, hln, EtherType.ARP, ARP_HEADER + 2 * hln + 8);
        writeArp(f, w.payloadOffset(), hrd, op, hln, senderHw, senderHwOff, senderIp, b, requesterHw, requesterIp);
        if (delay > 0) {
            // Timer-driven: the real host, if it is there, gets to answer first (Linux proxy_delay).
            // Bounded like Linux's proxy queue, so a flood of requests cannot grow it without end.
            if (delayedReplies >= config.maxPending()) {
                emit(Kind.IGNORED, l.id, senderIp, null, null, Reason.TOO_MANY_PENDING);
                return;
            }
            delayedReplies++;
            byte[] frame = w.copy();
            int linkId = l.id;
            after(delay, () -> {
                delayedReplies--;
                sendDelayed(linkId, frame, senderIp, why);
            });
            return;
        }
        out.accept(w.finish());
        emit(Kind.ANSWERED, l.id, senderIp, null, null, why);
    }

    /** Writes an IPv4-over-{@code hrd} ARP-family packet at {@code f[p]} (RFC 826 layout) through wire's view. */
    private void writeArp(byte[] f, int p, int hrd, int op, int hln, byte[] sha, int shaOff, int spa,
                          byte[] tha, int thaOff, int tpa) {
        ArpView w = outView.initialize(f, p, hrd, EtherType.IPV4, hln, 4, op);
        w.setSenderHardware(sha, shaOff);
        w.setSenderProtocolIp4(spa);
        w.setTargetHardware(tha, thaOff);
        w.setTargetProtocolIp4(tpa);
    }

    /** Sends the next request for entry {@code id}: broadcast, or unicast to its known address. */
    void sendRequest(Link l, int id, boolean unicast, int alreadySent) {
        int target = table.address[id];
        int hln = l.type.addressLength();
        byte[] dst;
        if (unicast) {
            table.copyHardware(id, scratch, 0);
            dst = scratch;
        } else {
            dst = l.broadcastBytes;
        }
        FrameWriter w = l.writer;
        byte[] f = w.begin(dst, 0, hln, EtherType.ARP, ARP_HEADER + 2 * hln + 8);
        int source = l.sourceFor(target);
        writeArp(f, w.payloadOffset(), l.type.hardwareType().value(), Opcode.REQUEST.value(), hln,
                l.hardwareBytes, 0, source, zeros, 0, target);
        out.accept(w.finish());
        Reason why = alreadySent > 0 ? Reason.RETRANSMIT
                : (table.flags[id] & NeighborTable.KERNEL_WAITING) != 0 ? Reason.KERNEL_MISS : Reason.OWN_NEED;
        emit(Kind.REQUESTED, l.id, target, unicast ? table.hardware(id) : null, table.stateOf(id), why);
    }

    /**
     * {@code count} announcements of {@code address}, one now and the rest {@code interval} apart
     * (RFC 5227 §2.3 spaces ANNOUNCE_NUM of them ANNOUNCE_INTERVAL apart). A link that is down or gone
     * when one falls due skips it (the count goes on, so a flapping link does not stretch the run).
     */
    void announceRepeatedly(int linkId, int address, int count, long interval) {
        Link l = link(linkId);
        if (l == null || !l.up) emit(Kind.IGNORED, linkId, address, null, null, l == null ? Reason.UNKNOWN_LINK : Reason.LINK_IS_DOWN);
        else announce(l, address);
        if (count > 1) after(interval, () -> announceRepeatedly(linkId, address, count - 1, interval));
    }

    /** An RFC 5227 §2.1.1 probe for {@code address}: sender protocol address 0, target hardware 0, broadcast. */
    void sendProbe(Link l, int address) {
        int hln = l.type.addressLength();
        FrameWriter w = l.writer;
        byte[] f = w.begin(l.broadcastBytes, 0, hln, EtherType.ARP, ARP_HEADER + 2 * hln + 8);
        writeArp(f, w.payloadOffset(), l.type.hardwareType().value(), Opcode.REQUEST.value(), hln,
                l.hardwareBytes, 0, 0, zeros, 0, address);
        out.accept(w.finish());
        emit(Kind.REQUESTED, l.id, address, null, null, Reason.PROBING);
    }

    /** A unicast request for {@code target} to {@code to} (the guard asking an old station if it is still there). */
    void sendUnicastRequest(Link l, int target, HardwareAddress to) {
        int hln = l.type.addressLength();
        to.copyTo(scratch, 0);
        FrameWriter w = l.writer;
        byte[] f = w.begin(scratch, 0, hln, EtherType.ARP, ARP_HEADER + 2 * hln + 8);
        writeArp(f, w.payloadOffset(), l.type.hardwareType().value(), Opcode.REQUEST.value(), hln,
                l.hardwareBytes, 0, l.sourceFor(target), zeros, 0, target);
        out.accept(w.finish());
        emit(Kind.REQUESTED, l.id, target, to, null, Reason.VERIFYING);
    }

    /** The guard's verification found no old station: the new binding is believed. */
    void acceptVerifiedChange(Link l, int address, HardwareAddress hw) {
        neighbors.applyVerifiedChange(l, address, hw);
    }

    /** RFC 5227 §2.4: the host must stop using {@code address}; the backend deletes it from the kernel. */
    void removeOwnAddress(Link l, int address, int prefix) {
        l.removeAddress(address);
        out.accept(new Action.RemoveAddress(l.id, address, prefix));
        emit(Kind.REMOVED, l.id, address, null, null, Reason.ADDRESS_CONFLICT);
    }

    /** Answers a bridged requester on {@code from} for {@code target}, which lives on another bridged link. */
    void answerBridged(Link from, Bridge.Requester r, int target) {
        int hln = from.type.addressLength();
        byte[] hw = r.hardware().toByteArray();
        reply(from, r.hrd(), Opcode.REPLY.value(), from.hardwareBytes, 0, target, hw, 0, r.address(), hln, 0, Reason.BRIDGED);
    }

    void resolveForBridge(Link l, int target) {
        neighbors.handleOwnNeed(l, target);
    }

    /** How long a resolution can take before it fails, with every probe and backoff. */
    long resolutionGiveUpNanos() {
        NeighborTimers t = config.timers();
        return Math.min(t.maxRetransNanos(), t.retransNanos() << Math.min(t.broadcastProbes(), 16)) * (t.broadcastProbes() + 1);
    }

    private Iterable<Link> allLinks() {
        List<Link> all = new ArrayList<>();
        for (Link x : linksById) if (x != null) all.add(x);
        all.addAll(linksFar.values());
        return all;
    }

    void act(Action a) {
        out.accept(a);
    }

    /** Hosts the bridge knows (for monitors and tests). */
    public int bridgedHosts() {
        return bridge.hosts();
    }

    /** A gratuitous ARP request announcing {@code address} at our hardware address (RFC 5227 §3). */
    void announce(Link l, int address) {
        if (!l.speaksRfc826()) return;
        int hln = l.type.addressLength();
        FrameWriter w = l.writer;
        byte[] f = w.begin(l.broadcastBytes, 0, hln, EtherType.ARP, ARP_HEADER + 2 * hln + 8);
        writeArp(f, w.payloadOffset(), l.type.hardwareType().value(), Opcode.REQUEST.value(), hln,
                l.hardwareBytes, 0, address, zeros, 0, address);
        out.accept(w.finish());
        emit(Kind.ANSWERED, l.id, address, l.hardware, null, Reason.ANNOUNCED);
    }

    private PublishedTable.Slot publishedFor(Link l, int target) {
        PublishedTable.Slot s = l.published.isEmpty() ? null : l.published.match(target, l, routes);
        if (s == null && !publishedEverywhere.isEmpty()) s = publishedEverywhere.match(target, l, routes);
        return s;
    }

    /** RFC 1027: the target is reached through another of our links (on its subnet), not this one. */
    private boolean routedOutOfAnotherLink(Link asking, int target) {
        for (Link other : linksById) {
            if (other != null && other != asking && other.up && other.onSubnet(target) && !other.owns(target)) return true;
        }
        for (Link other : linksFar.values()) {
            if (other != asking && other.up && other.onSubnet(target) && !other.owns(target)) return true;
        }
        return false;
    }

    private void dropMalformed(int link, String detail) {
        counters[Reason.MALFORMED.ordinal()]++;
        out.accept(new Action.Emit(new EngineEvent(now, Kind.DROPPED, link, 0, null, null, Reason.MALFORMED, 0, detail)));
    }

    private static int u16(byte[] b, int off) {
        return ((b[off] & 0xFF) << 8) | (b[off + 1] & 0xFF);
    }

    // -- timers ----------------------------------------------------------------------------------

    long now() {
        return now;
    }

    void schedule(int id, long deadlineNanos) {
        long tick = Math.ceilDiv(deadlineNanos - origin, config.timerTickNanos());
        wheel.schedule(id, tick);
    }

    /** Runs {@code task} once, {@code delayNanos} from now (an auxiliary timer); returns its id for {@link #cancelTask}. */
    int after(long delayNanos, Runnable task) {
        int aux = wheel.allocateAux();
        tasks.put(aux, task);
        schedule(aux, now + delayNanos);
        return aux;
    }

    void cancelTask(int aux) {
        if (tasks.remove(aux) != null) wheel.releaseAux(aux);
    }

    private void expired(int id) {
        if (id >= 0) {
            neighbors.handleTimer(id);
            return;
        }
        Runnable task = tasks.remove(id);
        wheel.releaseAux(id);
        if (task != null) task.run();
    }

    private void sendDelayed(int linkId, byte[] frame, int address, Reason why) {
        Link l = link(linkId);
        if (l == null || !l.up) {
            emit(Kind.IGNORED, linkId, address, null, null, Reason.LINK_IS_DOWN);
            return;
        }
        out.accept(new Action.Transmit(linkId, ByteBuffer.wrap(frame)));
        emit(Kind.ANSWERED, linkId, address, null, null, why);
    }

    // -- actions ---------------------------------------------------------------------------------

    void emit(Kind kind, int link, int address, HardwareAddress hw, NeighborState state, Reason reason) {
        counters[reason.ordinal()]++;
        out.accept(new Action.Emit(new EngineEvent(now, kind, link, address, hw, state, reason, 0, null)));
    }

    void emitEntry(Kind kind, int id, Reason reason) {
        emit(kind, table.link[id], table.address[id], table.hardware(id), table.stateOf(id), reason);
    }

    void emitResolved(int id, Reason reason, long latency) {
        counters[reason.ordinal()]++;
        out.accept(new Action.Emit(new EngineEvent(now, Kind.RESOLVED, table.link[id], table.address[id],
                table.hardware(id), table.stateOf(id), reason, latency, null)));
    }

    void install(int id, NeighborState state) {
        table.flags[id] |= NeighborTable.INSTALLED;
        int linkId = table.link[id];
        int address = table.address[id];
        HardwareAddress hw = table.hardware(id);
        out.accept(new Action.InstallNeighbor(linkId, address, hw, state));
        Link l = link(linkId);
        if (l == null) return;
        if (l.policy.bridge()) bridge.learnt(l, address);
        if (state != NeighborState.STATIC && l.guard != null && l.guard.policy.lockLearnt()) {
            // Learnt, then locked: pinned as a static entry once this input is done.
            after(0, () -> {
                Neighbor n = lookup(linkId, address);
                if (n != null && n.state() != NeighborState.STATIC && hw.equals(n.hardware())) {
                    neighbors.addStatic(linkId, address, hw);
                    emit(Kind.CHANGED, linkId, address, hw, NeighborState.STATIC, Reason.PINNED);
                }
            });
        }
    }

    /** A neighbour entry was deleted from the table. */
    void entryGone(int linkId, int address) {
        Link l = link(linkId);
        if (l != null && l.policy.bridge()) bridge.gone(linkId, address);
    }

    void removeNeighbor(int link, int address, boolean failed) {
        out.accept(new Action.RemoveNeighbor(link, address, failed));
    }
}

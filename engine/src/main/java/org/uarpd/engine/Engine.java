package org.uarpd.engine;

import java.util.List;
import java.util.Map;
import org.uarpd.engine.EngineEvent.Kind;
import org.uarpd.engine.EngineEvent.Reason;
import org.uarpd.wire.HardwareAddress;
import org.uarpd.wire.Ip6Address;

/**
 * uarpd's policy: a deterministic, sans-I/O ARP engine. No threads, sockets or clock: a backend
 * passes each {@link Input} with the time it happened to {@link #handle}, carries out the
 * {@link Action}s handed to its {@link ActionSink} (in order, during the call), and calls again, with
 * {@link Input.TimeAdvanced} if nothing else happened, no later than {@link #nextDeadline()}. The same
 * config (seed included) and the same inputs at the same times give the same actions. Not
 * thread-safe: one thread (the backend's event loop) drives it.
 *
 * <p>This class routes each input to the component that handles it (docs/ARCHITECTURE.md names them)
 * and keeps the links' lifecycle; the components share an {@link EngineContext}, never the engine.
 *
 * <h2>Contract</h2>
 * <ul>
 * <li>{@code now} is the backend's monotonic clock in nanoseconds (any origin; a value earlier than
 *     the previous call's is taken as the previous one). Timers fire on the first tick of
 *     {@link EngineConfig#timerTickNanos()} at or after their deadline; {@link #nextDeadline()} is that
 *     tick's time.
 * <li>Links are known from {@link Input.LinkChanged}; frames, misses and addresses of unknown links
 *     are dropped with an event. A link's {@link LinkPolicy} is chosen when the link is first seen, by
 *     its name from {@link EngineConfig#links()} (else {@link EngineConfig#defaultLink()}), and again on
 *     {@link OperatorCommand.Reconfigure}. Link ids are the backend's (ifindex); 0 means "every link"
 *     in {@code Flush} and {@code Publish}.
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
 *     operator input (a timer beyond the wheel's range, a {@code Reconfigure} that resizes the table).
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
 *     entries ({@link PublishedEntry}: an address, a {@link Cidr} range with exclusions, or proxy ARP
 *     for addresses routed out of another link), bridged hosts, RARP ({@link
 *     org.uarpd.engine.rarp.EthersTable}), InARP. Learning follows Linux arp_process: a request to one
 *     of our addresses creates the requester's entry (unless the requester is on none of the link's
 *     subnets, or over the link's {@link LearningLimits}) (InstallNeighbor STALE on AUTHORITATIVE links),
 *     any packet updates an existing entry, a reply sent to our hardware address confirms (REACHABLE),
 *     a different address within the lock time is ignored unless gratuitous; STATIC never changes.
 *     The link's {@link GuardPolicy} decides what the wire may teach first.
 * <li>{@link Input.AddressAdded} / {@link Input.AddressRemoved}: the host's addresses and subnets per
 *     link (also what proxy ARP routes by). Removing one drops dynamic entries no longer on any of the
 *     link's subnets; adding one announces it when {@link LinkPolicy#announce()}, and claims it by
 *     RFC 5227 when the link's {@link ConflictPolicy} says so ({@link Action.RemoveAddress} when lost).
 * <li>{@link Input.LinkChanged} / {@link Input.LinkRemoved}: a link going down drops its dynamic
 *     entries; a removed link drops all of its state, static entries included.
 * <li>{@link Input.KernelNeighborChanged}: static entries are re-installed if someone else changed
 *     them; REACHABLE/STALE bindings are adopted; a deletion removes our binding (not a resolution
 *     under way, nor a negative-cache entry).
 * <li>{@link Input.Command}: every {@link OperatorCommand}; the {@code Directory…} ones keep the copy
 *     of a shared directory of bindings that {@link DirectoryBindings} uses for misses and answers.
 * <li>IPv6 neighbour discovery (RFC 4861), the second protocol domain: NS/NA frames (EtherType
 *     0x86DD on Ethernet) and the {@code …6} inputs and commands go to {@link NdStack}, configured by
 *     {@link NdConfig}; actions {@link Action.InstallNeighbor6}, {@link Action.RemoveNeighbor6},
 *     {@link Action.RemoveAddress6}; events carry {@link EngineEvent#address6()}.
 * </ul>
 *
 * <p>Read-only views for monitors and tests: {@link #lookup}, {@link #neighbors()}, {@link #size()},
 * {@link #pendingResolutions()}, {@link #count(Reason)}, {@link #bridgedHosts()}, {@link #claims()},
 * {@link #bounds()}, {@link #learntEntries(int)}.
 */
public final class Engine implements EnginePort {
    private final TimerWheel wheel = new TimerWheel();
    private final EngineContext ctx;
    private final ArpDomain arp;
    private final ArpNeighbors neighbors;
    private final AddressClaims claims;
    private final Bridge bridge;
    private final Answering answering;
    private final ArpReceiver receiver;
    private final NdStack nd;
    private final DirectoryBindings directory;
    /** IPv4's side of the guard's verified changes: ARP asks the old station, the ARP table believes. */
    private final Guard.Verifier<Integer> verifier4;

    public Engine(EngineConfig config) {
        this(config, NdConfig.defaults());
    }

    public Engine(EngineConfig config, NdConfig ndConfig) {
        ctx = new EngineContext(config, wheel);
        Ip4Addresses addresses = new Ip4Addresses();
        NeighborTable table = new NeighborTable(addresses, config.maxEntries(), config.maxStaticEntries(), wheel);
        directory = new DirectoryBindings(ctx);
        arp = new ArpDomain(ctx, table, addresses, directory);
        Neighbors machine = new Neighbors(ctx, table, arp);
        ctx.onEntryTimer(machine::handleTimer);
        neighbors = new ArpNeighbors(ctx, table, addresses, machine);
        bridge = new Bridge(ctx, arp, neighbors);
        neighbors.bridge(bridge);
        claims = new AddressClaims(ctx, arp, config.seed());
        answering = new Answering(ctx, arp, neighbors, claims, bridge, directory);
        receiver = new ArpReceiver(ctx, arp, neighbors, claims, answering);
        nd = new NdStack(ctx, ndConfig);
        verifier4 = new Guard.Verifier<>(arp::askHolder, neighbors::believe);
    }

    public EngineConfig config() {
        return ctx.config();
    }

    /** Handles one input at time {@code nowNanos}, running every timer due by then first. */
    @Override
    public void handle(long nowNanos, Input input, ActionSink sink) {
        ctx.begin(nowNanos, sink);
        try {
            switch (input) {
                case Input.FrameReceived f -> {
                    if (!nd.frame(f.link(), f.frame(), f.offset(), f.length())) receiver.frame(f.link(), f.frame(), f.offset(), f.length());
                }
                case Input.KernelMiss6 m -> nd.handle(m);
                case Input.AddressAdded6 a -> nd.handle(a);
                case Input.AddressRemoved6 a -> nd.handle(a);
                case Input.KernelNeighborChanged6 k -> nd.handle(k);
                case Input.RouteChanged6 r -> nd.handle(r);
                case Input.RoutesReset6 r -> nd.handle(r);
                case Input.KernelMiss m -> {
                    Link l = LinkGate.resolvable(ctx, arp, m.link(), m.address(), null);
                    if (l != null) directory.arm(l, m.address());
                    if (l != null) neighbors.kernelMiss(l, m.address(), m.probes(), m.known());
                    directory.disarm();
                }
                case Input.AddressAdded a -> onAddressAdded(a);
                case Input.AddressRemoved a -> {
                    Link l = ctx.links.get(a.link());
                    if (l != null) {
                        l.removeAddress(a.address());
                        claims.removed(l.id, a.address());
                        neighbors.purgeOffSubnet(l);
                    }
                }
                case Input.LinkChanged c -> onLinkChanged(c);
                case Input.LinkRemoved r -> onLinkRemoved(r.link());
                case Input.KernelNeighborChanged k -> neighbors.kernelChanged(k.link(), k.address(), k.hardware(), k.state());
                case Input.Command c -> onCommand(c.command());
                case Input.TimeAdvanced t -> { }
            }
        } finally {
            ctx.end();
        }
    }

    /** When the engine next needs a call (with {@link Input.TimeAdvanced}); {@link Long#MAX_VALUE} if never. */
    @Override
    public long nextDeadline() {
        return ctx.nextDeadline();
    }

    // -- read-only views -------------------------------------------------------------------------

    /** One neighbour entry as seen from outside. {@code hardware} is null while INCOMPLETE or FAILED. */
    public record Neighbor(int link, int address, HardwareAddress hardware, NeighborState state) {}

    public Neighbor lookup(int link, int address) {
        return neighbors.lookup(link, address);
    }

    /** Every entry, in no particular order. */
    public List<Neighbor> neighbors() {
        return neighbors.all();
    }

    /** Entries in the table (dynamic and static). */
    public int size() {
        return neighbors.size();
    }

    public int pendingResolutions() {
        return neighbors.pending();
    }

    /** How many events have been reported with {@code reason} since the engine was made. */
    public long count(Reason reason) {
        return ctx.count(reason);
    }

    /** One IPv6 neighbour entry as seen from outside. {@code hardware} is null while INCOMPLETE or FAILED. */
    public record Neighbor6(int link, Ip6Address address, HardwareAddress hardware, NeighborState state) {}

    public Neighbor6 lookup6(int link, Ip6Address address) {
        return nd.lookup(link, address);
    }

    /** Every IPv6 entry, in no particular order. */
    public List<Neighbor6> neighbors6() {
        return nd.all();
    }

    /** IPv6 entries in the table (dynamic and static). */
    public int size6() {
        return nd.size();
    }

    public int pendingResolutions6() {
        return nd.pending();
    }

    /** The host's addresses under RFC 5227 on every link, with their state (yielded ones included). */
    public List<AddressClaim> claims() {
        return claims.view();
    }

    /** Every table and queue of the engine with its size now and its bound (the list is in {@link Bound#all}). */
    public List<Bound> bounds() {
        return Bound.all(ctx, neighbors.table(), answering, bridge, nd);
    }

    /** Learnt-only entries on {@code link} (see {@link LearningLimits}). */
    public int learntEntries(int link) {
        return neighbors.table().learntOnlyOn(link);
    }

    /** Hosts the bridge knows (for monitors and tests). */
    public int bridgedHosts() {
        return bridge.hosts();
    }

    // -- links -----------------------------------------------------------------------------------

    private void onAddressAdded(Input.AddressAdded a) {
        Link l = ctx.links.get(a.link());
        if (l == null) {
            ctx.emit(Kind.DROPPED, a.link(), a.address(), null, null, Reason.UNKNOWN_LINK);
            return;
        }
        boolean isNew = !l.owns(a.address());
        l.addAddress(a.address(), a.prefixLength());
        if (isNew && l.up && l.policy.announce()) arp.announce(l, a.address());
        if (isNew) claims.added(l, a.address(), a.prefixLength());
    }

    private void onLinkChanged(Input.LinkChanged c) {
        Link l = ctx.links.get(c.link());
        boolean created = l == null;
        if (created) {
            l = new Link(c.link());
            l.policy = ctx.config().policyFor(c.name());
            for (PublishedEntry e : l.policy.published()) l.published.add(e);
            if (l.policy.guard().active()) l.guard = new Guard(ctx, verifier4, nd.verifier, l, l.policy.guard());
            ctx.links.put(l);
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
        nd.linkChanged(l, created, wasUp);
        if (c.up() && l.policy.announce() && !created && (!wasUp || !c.address().equals(oldHw))) {
            // A link that comes up, or takes a new hardware address, tells its neighbours (RFC 5227 §3).
            for (int i = 0; i < l.addressCount; i++) arp.announce(l, l.addresses[i]);
        }
    }

    private void onLinkRemoved(int id) {
        Link l = ctx.links.get(id);
        if (l == null) return;
        neighbors.flush(id, Reason.LINK_REMOVED, true, false);
        claims.linkRemoved(id);
        bridge.linkRemoved(id);
        nd.linkRemoved(id);
        if (l.guard != null) l.guard.forget();
        ctx.links.remove(id);
    }

    // -- operator --------------------------------------------------------------------------------

    private void onCommand(OperatorCommand command) {
        switch (command) {
            case OperatorCommand.AddStatic a -> neighbors.addStatic(a.link(), a.address(), a.hardware());
            case OperatorCommand.DeleteStatic d -> neighbors.deleteStatic(d.link(), d.address());
            case OperatorCommand.Flush f -> {
                neighbors.flush(f.link(), Reason.FLUSHED, false, true);
                nd.flush(f.link());
            }
            case OperatorCommand.Probe p -> {
                Link l = LinkGate.resolvable(ctx, arp, p.link(), p.address(), null);
                if (l != null) neighbors.resolve(l, p.address());
            }
            case OperatorCommand.Publish p ->
                    LinkGate.changePublished(ctx, p.link(), answering.everywhere, l -> l.published, s -> s.add(p.entry()), true);
            case OperatorCommand.Unpublish u ->
                    LinkGate.changePublished(ctx, u.link(), answering.everywhere, l -> l.published, s -> s.remove(u.entry()), false);
            case OperatorCommand.Reconfigure r -> reconfigure(r.next());
            case OperatorCommand.AddStatic6 c -> nd.command(c);
            case OperatorCommand.DeleteStatic6 c -> nd.command(c);
            case OperatorCommand.Probe6 c -> nd.command(c);
            case OperatorCommand.Publish6 c -> nd.command(c);
            case OperatorCommand.Unpublish6 c -> nd.command(c);
            case OperatorCommand.ReconfigureNd c -> nd.command(c);
            case OperatorCommand.Reclaim r -> {
                Link l = ctx.links.get(r.link());
                if (l == null) ctx.emit(Kind.DROPPED, r.link(), r.address(), null, null, Reason.UNKNOWN_LINK);
                else claims.reclaim(l, r.address());
            }
            case OperatorCommand.Announce a -> {
                Link l = ctx.links.get(a.link());
                if (l == null) ctx.emit(Kind.DROPPED, a.link(), a.address(), null, null, Reason.UNKNOWN_LINK);
                else if (!l.speaksRfc826()) ctx.emit(Kind.IGNORED, a.link(), a.address(), null, null, Reason.WRONG_HARDWARE);
                else arp.announceRepeatedly(a, a.count());
            }
            case OperatorCommand.DirectoryCommand d -> directory.command(d);
        }
    }

    /** {@link OperatorCommand.Reconfigure}: checks first, then changes everything at once. */
    private void reconfigure(EngineConfig next) {
        EngineConfig config = ctx.config();
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
        for (Link l : ctx.links.all()) repolicy(l, kept);
        ctx.reconfigure(kept);
        neighbors.reconfigure();
        nd.reconfigure();
    }

    /**
     * The link's configured published entries are swapped; those the operator published stay. A
     * changed guard policy starts a fresh guard (its history goes) and swaps the pinned bindings that
     * changed; an unchanged one keeps its state.
     */
    private void repolicy(Link l, EngineConfig next) {
        LinkPolicy policy = next.policyFor(l.name);
        LinkPolicy old = l.policy;
        LinkGate.swapConfigured(old.published(), policy.published(), l.published::remove, l.published::add);
        l.policy = policy;
        if (!policy.guard().equals(old.guard())) {
            // The old guard's pending verifications go with it, or their timers would still act on the link.
            if (l.guard != null) l.guard.forget();
            l.guard = policy.guard().active() ? new Guard(ctx, verifier4, nd.verifier, l, policy.guard()) : null;
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
}

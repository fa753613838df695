package org.uarpd.engine;

import static org.uarpd.engine.NeighborState.DELAY;
import static org.uarpd.engine.NeighborState.FAILED;
import static org.uarpd.engine.NeighborState.INCOMPLETE;
import static org.uarpd.engine.NeighborState.PROBE;
import static org.uarpd.engine.NeighborState.REACHABLE;
import static org.uarpd.engine.NeighborState.STALE;
import static org.uarpd.engine.NeighborState.STATIC;
import static org.uarpd.engine.NeighborTable.NONE;

import java.util.SplittableRandom;
import java.util.function.IntPredicate;
import org.uarpd.engine.EngineEvent.Kind;
import org.uarpd.engine.EngineEvent.Reason;
import org.uarpd.wire.HardwareAddress;

/**
 * The neighbour state machine (RFC 4861 §7.3, adapted to ARP as Linux and gVisor do), for any
 * protocol domain: it works on entry ids of its domain's {@link NeighborTable}, addresses arrive as
 * the domain's {@link AddressColumn.Key}, hardware addresses as values, and the one thing it sends
 * (a solicitation) goes through its {@link NeighborDomain}. Each handler is named after the event it
 * handles; {@link #setState} is the only place that arms an entry's timer on entering a state. What
 * a link's mode allows comes from its {@link ModeRules}.
 *
 * <pre>
 *  (none)     -miss/own need-------------------> INCOMPLETE  broadcast requests, retransmit timer
 *  (none)     -request addressed to us---------> STALE       (learn the requester, RFC 826)
 *  INCOMPLETE -reply addressed to us-----------> REACHABLE   install, held packets leave
 *  INCOMPLETE -other sign (request, overheard)-> STALE       install
 *  INCOMPLETE -probes exhausted----------------> FAILED      kernel told: host unreachable
 *  REACHABLE  -reachable time over-------------> STALE
 *  any dynamic -different address (not locked)-> STALE, or REACHABLE if a reply addressed to us
 *  STALE      -used (kernel miss, own need)----> DELAY       (kernel served from the cache)
 *  STALE      -stale lifetime over-------------> (removed)
 *  DELAY      -delay over----------------------> PROBE       unicast requests
 *  DELAY/PROBE -reply addressed to us----------> REACHABLE
 *  PROBE      -probes exhausted----------------> FAILED
 *  FAILED     -negative-cache lifetime over----> (removed)
 *  STATIC: only the operator changes it.
 * </pre>
 */
final class Neighbors {
    /** How a packet relates to us, which decides what it may teach (Linux arp_process). */
    enum Observation {
        /** A request whose target is one of our addresses (RFC 826: the requester is worth knowing). */
        REQUEST_TO_US,
        /** A reply sent to our hardware address: a confirmation. */
        REPLY_TO_US,
        /** Anything else heard: updates an existing entry only. */
        OVERHEARD,
        /** Sender and target protocol addresses equal: an announcement (RFC 5227 §2.3). */
        GRATUITOUS
    }

    /** Told, by entry id (still in the table; its domain reads the address), of a binding given to the kernel and of a removal. */
    interface Listener {
        default void installed(Link link, int id, HardwareAddress hw, NeighborState state) { }

        default void removed(Link link, int id) { }
    }

    /**
     * Whether an observation of {@code kind} on {@code link} may create an entry for an address not in
     * the table: a request to us always (RFC 826), a reply to us only where the link's rules learn them.
     */
    static boolean creates(Link link, Observation kind) {
        return kind == Observation.REQUEST_TO_US
                || (kind == Observation.REPLY_TO_US && link.rules().learnsRepliesToUs());
    }

    private final EngineContext ctx;
    private final NeighborTable table;
    private final NeighborDomain domain;
    private final TimerWheel wheel;
    private final SplittableRandom random;
    private Listener listener = NO_LISTENER;
    private NeighborTimers timers;

    private static final Listener NO_LISTENER = new Listener() { };

    Neighbors(EngineContext ctx, NeighborTable table, NeighborDomain domain) {
        this.ctx = ctx;
        this.table = table;
        this.domain = domain;
        this.wheel = table.wheel();
        this.timers = domain.timers(ctx.config());
        this.random = new SplittableRandom(ctx.config().seed());
    }

    void listen(Listener l) {
        this.listener = l;
    }

    /** Entries resolving now (INCOMPLETE). */
    int pending() {
        return table.incomplete();
    }

    /** Takes the timers of the current configuration for what happens from now on (armed timers keep their deadlines). */
    void reconfigure() {
        this.timers = domain.timers(ctx.config());
    }

    // -- events from the kernel and the operator -------------------------------------------------

    /** The kernel has no usable binding and asks (RTM_MISS / app_solicit). */
    void handleKernelMiss(Link link, AddressColumn.Key key, int kernelProbes, HardwareAddress known) {
        if (known != null && known.length() == 0) known = null;
        int id = table.find(key);
        if (id == NONE) {
            if (known != null && link.rules().rechecksKnown()) {
                // The kernel re-checks a binding we do not hold (we restarted): confirm it by unicast.
                id = create(link, key, PROBE);
                if (id == NONE) return;
                table.setHardware(id, known);
                table.setKernelWaiting(id, true);
                table.setInstalled(id, true);
                setState(id, PROBE, Kind.ADDED, Reason.KERNEL_MISS);
            } else {
                startResolution(link, key, kernelProbes, true, Reason.KERNEL_MISS);
            }
            return;
        }
        table.touch(id);
        switch (table.stateOf(id)) {
            case INCOMPLETE, PROBE -> {
                table.setKernelWaiting(id, true);
                emitEntry(Kind.IGNORED, id, null, Reason.ALREADY_RESOLVING);
            }
            case FAILED -> {
                ctx.act(table.addresses().remove(link.id, id, true));
                emitEntry(Kind.IGNORED, id, null, Reason.NEGATIVE_CACHE);
            }
            case STATIC -> answerFromCache(id, STATIC);
            // Confirmed recently: whatever the kernel holds, ours is the one to use.
            case REACHABLE -> answerFromCache(id, REACHABLE);
            case STALE, DELAY -> {
                if (known != null) {
                    // The kernel already waited (its own DELAY) and now re-checks: probe at once.
                    table.setKernelWaiting(id, true);
                    setState(id, PROBE, Kind.CHANGED, Reason.KERNEL_MISS);
                } else {
                    // Serve the cached address (held packets leave) and check it soon (RFC 4861 §7.3.3).
                    answerFromCache(id, STALE);
                    if (table.stateOf(id) == STALE) setState(id, DELAY, Kind.CHANGED, Reason.KERNEL_MISS);
                }
            }
        }
    }

    /** uarpd itself wants the binding ({@link OperatorCommand.Probe}, a bridged request). */
    void handleOwnNeed(Link link, AddressColumn.Key key) {
        int id = table.find(key);
        if (id == NONE) {
            startResolution(link, key, 0, false, Reason.OWN_NEED);
            return;
        }
        table.touch(id);
        switch (table.stateOf(id)) {
            case INCOMPLETE, PROBE, DELAY -> emitEntry(Kind.IGNORED, id, null, Reason.ALREADY_RESOLVING);
            case FAILED -> emitEntry(Kind.IGNORED, id, null, Reason.NEGATIVE_CACHE);
            // Asked for now: no upper layer will confirm it, so skip DELAY and check by unicast at once.
            case STALE -> setState(id, PROBE, Kind.CHANGED, Reason.OWN_NEED);
            case REACHABLE, STATIC -> emitEntry(Kind.ANSWERED, id, table.hardware(id), Reason.FROM_CACHE);
        }
    }

    /**
     * A packet from the neighbour {@code sender} (neither unspecified nor one of ours) saying it is at
     * {@code hw}: what it teaches, by {@code kind}. Follows Linux: only a request addressed to us
     * creates an entry (and a reply addressed to us where {@link ModeRules#learnsRepliesToUs()});
     * anything else updates existing entries; a reply addressed to us confirms; a different address
     * within the lock time is ignored unless gratuitous.
     */
    void handleObservation(Link link, AddressColumn.Key sender, byte[] hw, Observation kind) {
        int id = table.find(sender);
        Reason reason = switch (kind) {
            case REQUEST_TO_US -> Reason.LEARNED_FROM_REQUEST;
            case REPLY_TO_US -> Reason.REPLY;
            case OVERHEARD -> Reason.OBSERVED;
            case GRATUITOUS -> Reason.GRATUITOUS;
        };
        NeighborState confirmed = kind == Observation.REPLY_TO_US ? REACHABLE : STALE;
        if (id == NONE) {
            if (!creates(link, kind)) {
                if (kind == Observation.REPLY_TO_US) {
                    emitKey(Kind.IGNORED, sender, HardwareAddress.of(hw), null, Reason.UNSOLICITED);
                } else if (kind == Observation.GRATUITOUS) {
                    // An announcement from a host we do not track: nothing to update (Linux neither).
                    emitKey(Kind.IGNORED, sender, null, null, Reason.GRATUITOUS);
                }
                return;
            }
            boolean fromRequest = kind == Observation.REQUEST_TO_US;
            if (fromRequest && !mayLearn(link, sender)) return;
            id = create(link, sender, confirmed, fromRequest);
            if (id == NONE) return;
            if (fromRequest) table.setLearntOnly(id, true);
            table.setHardware(id, hw);
            setState(id, confirmed, Kind.ADDED, reason);
            if (link.rules().installsLearnt()) install(id, confirmed);
            return;
        }
        NeighborState state = table.stateOf(id);
        boolean same = table.hardwareEquals(id, hw);
        long now = ctx.now();
        switch (state) {
            case STATIC -> {
                if (!same) emitEntry(Kind.IGNORED, id, HardwareAddress.of(hw), Reason.STATIC_ENTRY);
            }
            case INCOMPLETE -> {
                // The answer we were waiting for, or as good as one (RFC 4861 §7.2.5).
                table.setHardware(id, hw);
                long latency = now - table.stamp[id];
                table.stamp[id] = now;
                table.setKernelWaiting(id, false);
                setState(id, confirmed, null, null);
                ctx.emit(Kind.RESOLVED, table.link[id], table.eventAddress(id), table.eventAddress6(id), table.hardware(id), confirmed,
                        reason, latency, null);
                install(id, confirmed);
            }
            case FAILED -> {
                // A sign of life from a host we gave up on: believe it, but check before trusting.
                table.setHardware(id, hw);
                table.stamp[id] = now;
                setState(id, confirmed, Kind.CHANGED, reason);
                if (link.rules().installsLearnt()) install(id, confirmed);
            }
            case REACHABLE, STALE, DELAY, PROBE -> {
                Guard guard = link.guard;
                if (!same && guard != null && guard.refuseChange(sender, hw, table.hardware(id), kind, state)) return;
                if (same && guard != null) guard.heardFromHolder(sender);
                if (!same) {
                    boolean locked = now - table.stamp[id] < timers.lockTimeNanos() && kind != Observation.GRATUITOUS;
                    if (locked) {
                        emitEntry(Kind.IGNORED, id, HardwareAddress.of(hw), Reason.LOCKED);
                        return;
                    }
                    table.setHardware(id, hw);
                    table.stamp[id] = now;
                    if (kind == Observation.REPLY_TO_US) table.touch(id);
                    rebind(link, id, confirmed, reason);
                } else if (kind == Observation.REPLY_TO_US) {
                    // Confirmation of the address we have (RFC 4861 §7.3.3: solicited → REACHABLE).
                    table.stamp[id] = now;
                    table.touch(id);
                    if (state == REACHABLE) {
                        arm(id, REACHABLE); // fresh again; not a change
                    } else {
                        rebind(link, id, REACHABLE, reason);
                    }
                }
            }
        }
    }

    /** The guard found no old station answering: {@code hw} is now believed for the address. */
    void applyVerifiedChange(Link link, AddressColumn.Key key, HardwareAddress hw) {
        int id = table.find(key);
        if (id == NONE || table.stateOf(id) == STATIC || table.stateOf(id) == INCOMPLETE || table.stateOf(id) == FAILED) return;
        table.setHardware(id, hw);
        table.stamp[id] = ctx.now();
        rebind(link, id, STALE, Reason.VERIFIED);
    }

    /** The entry of {@code key} if it is a learnt one bound to {@code hw}, else {@link NeighborTable#NONE}. */
    int learntBinding(AddressColumn.Key key, HardwareAddress hw) {
        int id = table.find(key);
        return id != NONE && table.stateOf(id) != STATIC && hw.equals(table.hardware(id)) ? id : NONE;
    }

    /**
     * A dynamic entry's binding changed or was confirmed: moves it to {@code next} and installs it
     * where the kernel should hear of it (a link that installs what it learns, a kernel waiting on
     * it, or a binding the kernel already holds).
     */
    private void rebind(Link link, int id, NeighborState next, Reason reason) {
        boolean kernelWaiting = table.kernelWaiting(id);
        table.setKernelWaiting(id, false);
        setState(id, next, Kind.CHANGED, reason);
        if (link.rules().installsLearnt() || kernelWaiting || table.installed(id)) install(id, next);
    }

    /** Removes dynamic entries of {@code link} (0: all); with {@code includeStatic}, static ones too. */
    void flush(int link, Reason reason, boolean includeStatic, boolean tellKernel) {
        for (int id = 0; id < table.highWater(); id++) {
            if (!table.inUse(id)) continue;
            if (link != 0 && table.link[id] != link) continue;
            if (!includeStatic && table.stateOf(id) == STATIC) continue;
            remove(id, reason, tellKernel);
        }
    }

    /** Drops the dynamic entries of {@code link} that {@code test} picks. */
    void purge(int link, IntPredicate test, Reason reason) {
        for (int id = 0; id < table.highWater(); id++) {
            if (table.inUse(id) && table.link[id] == link && table.stateOf(id) != STATIC && test.test(id)) {
                remove(id, reason, false);
            }
        }
    }

    // -- timers ----------------------------------------------------------------------------------

    void handleTimer(int id) {
        switch (table.stateOf(id)) {
            case INCOMPLETE, PROBE -> probe(id);
            case REACHABLE -> setState(id, STALE, Kind.CHANGED, Reason.REACHABLE_TIMEOUT);
            case DELAY -> setState(id, PROBE, Kind.CHANGED, Reason.DELAY_TIMEOUT);
            case STALE -> remove(id, Reason.STALE_EXPIRED, false);
            case FAILED -> remove(id, Reason.NEGATIVE_CACHE_EXPIRED, false);
            case STATIC -> { }
        }
    }

    // -- the machine -----------------------------------------------------------------------------

    private void startResolution(Link link, AddressColumn.Key key, int kernelProbes, boolean forKernel, Reason reason) {
        if (table.incomplete() >= ctx.config().maxPending()) {
            emitKey(Kind.IGNORED, key, null, null, Reason.TOO_MANY_PENDING);
            return;
        }
        int id = create(link, key, INCOMPLETE);
        if (id == NONE) return;
        if (forKernel) table.setKernelWaiting(id, true);
        // Probes the kernel reports as already made count against the budget, but one is always sent.
        // Where the kernel's own solicitations follow ours, its count says nothing about ours.
        table.probes[id] = link.rules().fullBroadcastBudget()
                ? (byte) Math.max(0, Math.min(kernelProbes, timers.broadcastProbes() - 1)) : 0;
        setState(id, INCOMPLETE, Kind.ADDED, reason);
    }

    /** A new dynamic entry the host needs (not learnt only): see {@link #create(Link, AddressColumn.Key, NeighborState, boolean)}. */
    int create(Link link, AddressColumn.Key key, NeighborState initial) {
        return create(link, key, initial, false);
    }

    /**
     * A new dynamic entry, making room if the table is full: the least recently used learnt-only
     * entry goes first (its binding withdrawn from the kernel), then, only for an entry the host
     * needs, the least recently used of all. A learnt-only entry never pushes out one the host uses.
     */
    int create(Link link, AddressColumn.Key key, NeighborState initial, boolean learntOnly) {
        if (table.dynamicFull()) {
            int victim = table.oldestLearntOnly(0);
            boolean learntVictim = victim != NONE;
            if (!learntVictim && !learntOnly) victim = table.lruOldest();
            if (victim == NONE) {
                emitKey(Kind.IGNORED, key, null, null, Reason.TABLE_FULL);
                return NONE;
            }
            remove(victim, Reason.EVICTED, learntVictim);
        }
        return table.add(key, initial, ctx.now());
    }

    /**
     * Whether a request from {@code sender}, not in the table, may create its entry on {@code link}
     * ({@link LearningLimits}): within the link's learning rate, and, at the link's cap of learnt-only
     * entries, by evicting the least recently used of them (its binding withdrawn from the kernel).
     */
    private boolean mayLearn(Link link, AddressColumn.Key sender) {
        LearningLimits limits = ctx.config().learning();
        long now = ctx.now();
        if (limits.maxLearnt() == 0 || limits.rate().earliest(link.learnTat, now) != Long.MIN_VALUE) {
            emitKey(Kind.IGNORED, sender, null, null, Reason.LEARN_RATE_LIMITED);
            return false;
        }
        link.learnTat = limits.rate().charge(link.learnTat, now);
        while (table.learntOnlyOn(link.id) >= limits.maxLearnt()) {
            int victim = table.oldestLearntOnly(link.id);
            if (victim == NONE) break;
            remove(victim, Reason.LEARNT_LIMIT, true);
        }
        return true;
    }

    void remove(int id, Reason reason, boolean tellKernel) {
        boolean installed = table.installed(id);
        emitEntry(Kind.REMOVED, id, reason);
        Action withdraw = tellKernel && installed ? table.addresses().remove(table.link[id], id, false) : null;
        Link l = ctx.links.get(table.link[id]);
        if (l != null) listener.removed(l, id);
        table.remove(id);
        if (withdraw != null) ctx.act(withdraw);
    }

    /**
     * The one place an entry enters a state: arms (or cancels) the timer that state needs, reports
     * the change ({@code kind} null: the caller reports it), and on entering INCOMPLETE or PROBE
     * sends the first probe (which arms the retransmit timer).
     */
    void setState(int id, NeighborState next, Kind kind, Reason reason) {
        if (next == PROBE) table.probes[id] = 0;
        table.setState(id, next);
        arm(id, next);
        if (kind != null) emitEntry(kind, id, reason);
        if (next == PROBE || next == INCOMPLETE) probe(id);
    }

    private void arm(int id, NeighborState s) {
        long now = ctx.now();
        switch (s) {
            case REACHABLE -> {
                // RFC 4861 §6.3.2: a uniformly random factor in [0.5, 1.5) so neighbours do not expire in step.
                long t = (long) (timers.baseReachableNanos() * (0.5 + random.nextDouble()));
                ctx.schedule(wheel, id, now + t);
            }
            case STALE -> ctx.schedule(wheel, id, now + timers.staleLifetimeNanos());
            case DELAY -> ctx.schedule(wheel, id, now + timers.delayFirstProbeNanos());
            case FAILED -> ctx.schedule(wheel, id, now + timers.negativeCacheNanos());
            case STATIC -> ctx.cancel(wheel, id);
            case INCOMPLETE, PROBE -> { } // probe() arms the retransmit timer
        }
    }

    /**
     * Sends the next probe of an INCOMPLETE or PROBE entry if its budget and the rate limits allow,
     * and arms the retransmit timer; gives up when the budget is spent.
     */
    private void probe(int id) {
        NeighborState s = table.stateOf(id);
        int sent = table.probes[id] & 0xFF; // up to 200 (unicast + reprobes): unsigned
        Link link = ctx.links.get(table.link[id]);
        int budget = s != INCOMPLETE ? timers.unicastProbes() + timers.broadcastReprobes()
                : link == null || link.rules().fullBroadcastBudget() ? timers.broadcastProbes() : Math.min(1, timers.broadcastProbes());
        if (sent >= budget || link == null || !link.up || !domain.canSolicit(link)) {
            fail(id, link);
            return;
        }
        long now = ctx.now();
        EngineConfig config = ctx.config();
        long linkWait = config.linkRequests().earliest(link.requestTat, now);
        long targetWait = config.targetRequests().earliest(table.targetTat[id], now);
        if (linkWait != Long.MIN_VALUE || targetWait != Long.MIN_VALUE) {
            // Defer, not drop: the probe goes out as soon as both buckets allow (never a long stall).
            Reason why = linkWait != Long.MIN_VALUE ? Reason.LINK_RATE_LIMITED : Reason.TARGET_RATE_LIMITED;
            emitEntry(Kind.IGNORED, id, null, why);
            ctx.schedule(wheel, id, Math.max(linkWait, targetWait));
            return;
        }
        link.requestTat = config.linkRequests().charge(link.requestTat, now);
        table.targetTat[id] = config.targetRequests().charge(table.targetTat[id], now);
        boolean unicast = s == PROBE && sent < timers.unicastProbes() && table.hasHardware(id);
        Reason why = sent > 0 ? Reason.RETRANSMIT : table.kernelWaiting(id) ? Reason.KERNEL_MISS : Reason.OWN_NEED;
        domain.solicit(link, id, unicast, why);
        table.probes[id] = (byte) (sent + 1);
        ctx.schedule(wheel, id, now + timers.intervalAfter(sent + 1));
    }

    /** The probes are spent: FAILED (negative cache, kernel told) where the mode keeps one, else the entry just goes. */
    private void fail(int id, Link link) {
        if (link != null && !link.rules().negativeCache()) {
            remove(id, Reason.KERNEL_ANSWERS, false);
            return;
        }
        boolean tell = table.kernelWaiting(id) || table.installed(id);
        table.setKernelWaiting(id, false);
        table.setInstalled(id, false);
        table.clearHardware(id);
        table.stamp[id] = ctx.now();
        setState(id, FAILED, Kind.FAILED, Reason.PROBES_EXHAUSTED);
        // The kernel's held packets get host-unreachable; a binding it still used is withdrawn.
        if (tell) ctx.act(table.addresses().remove(table.link[id], id, true));
    }

    private void answerFromCache(int id, NeighborState as) {
        install(id, as);
        table.setKernelWaiting(id, false);
        emitEntry(Kind.ANSWERED, id, table.hardware(id), Reason.FROM_CACHE);
    }

    /** Gives the kernel the entry's binding, in state {@code state}. */
    void install(int id, NeighborState state) {
        table.setInstalled(id, true);
        int linkId = table.link[id];
        HardwareAddress hw = table.hardware(id);
        ctx.act(table.addresses().install(linkId, id, hw, state));
        Link l = ctx.links.get(linkId);
        if (l != null) listener.installed(l, id, hw, state);
    }

    void emitEntry(Kind kind, int id, Reason reason) {
        emitEntry(kind, id, table.hardware(id), reason);
    }

    private void emitEntry(Kind kind, int id, HardwareAddress hw, Reason reason) {
        ctx.emit(kind, table.link[id], table.eventAddress(id), table.eventAddress6(id), hw, table.stateOf(id), reason, 0, null);
    }

    /** An event about {@code key}'s address, which need not have an entry. */
    void emitKey(Kind kind, AddressColumn.Key key, HardwareAddress hw, NeighborState state, Reason reason) {
        ctx.emit(kind, key.link(), key.eventAddress(), key.eventAddress6(), hw, state, reason, 0, null);
    }
}

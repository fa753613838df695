package org.uarpd.engine;

import static org.uarpd.engine.NeighborState.DELAY;
import static org.uarpd.engine.NeighborState.FAILED;
import static org.uarpd.engine.NeighborState.INCOMPLETE;
import static org.uarpd.engine.NeighborState.PROBE;
import static org.uarpd.engine.NeighborState.REACHABLE;
import static org.uarpd.engine.NeighborState.STALE;
import static org.uarpd.engine.NeighborState.STATIC;
import static org.uarpd.engine.NeighborTable.INSTALLED;
import static org.uarpd.engine.NeighborTable.KERNEL_STATIC;
import static org.uarpd.engine.NeighborTable.KERNEL_WAITING;
import static org.uarpd.engine.NeighborTable.NONE;

import java.util.SplittableRandom;
import org.uarpd.engine.EngineEvent.Kind;
import org.uarpd.engine.EngineEvent.Reason;
import org.uarpd.wire.HardwareAddress;

/**
 * The neighbour state machine (RFC 4861 §7.3, adapted to ARP as Linux and gVisor do). Each handler is
 * named after the event it handles; {@link #setState} is the only place that arms an entry's timer
 * on entering a state.
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
    /** How an ARP packet relates to us, which decides what it may teach (Linux arp_process). */
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

    private final Engine engine;
    private final NeighborTable table;
    private final TimerWheel wheel;
    private NeighborTimers timers;
    private EngineConfig config;
    private final SplittableRandom random;
    private int pending;

    Neighbors(Engine engine, NeighborTable table, TimerWheel wheel, EngineConfig config) {
        this.engine = engine;
        this.table = table;
        this.wheel = wheel;
        this.config = config;
        this.timers = config.timers();
        this.random = new SplittableRandom(config.seed());
    }

    int pending() {
        return pending;
    }

    /** Takes the timers, limits and bounds of {@code next} for what happens from now on (armed timers keep their deadlines). */
    void reconfigure(EngineConfig next) {
        this.config = next;
        this.timers = next.timers();
    }

    // -- events from the kernel and the operator -------------------------------------------------

    /** The kernel has no usable binding and asks (RTM_MISS / app_solicit). */
    void handleKernelMiss(Link link, int address, int kernelProbes, HardwareAddress known) {
        if (known != null && known.length() == 0) known = null;
        int id = table.find(link.id, address);
        if (id == NONE) {
            if (known != null && link.policy.mode() != LinkMode.ASSIST) {
                // The kernel re-checks a binding we do not hold (we restarted): confirm it by unicast.
                id = create(link, address, PROBE, Reason.KERNEL_MISS);
                if (id == NONE) return;
                table.setHardware(id, known);
                table.flags[id] |= KERNEL_WAITING | INSTALLED;
                setState(id, PROBE, Kind.ADDED, Reason.KERNEL_MISS);
            } else {
                startResolution(link, address, kernelProbes, true, Reason.KERNEL_MISS);
            }
            return;
        }
        table.touch(id);
        switch (table.stateOf(id)) {
            case INCOMPLETE, PROBE -> {
                table.flags[id] |= KERNEL_WAITING;
                engine.emit(Kind.IGNORED, link.id, address, null, table.stateOf(id), Reason.ALREADY_RESOLVING);
            }
            case FAILED -> {
                engine.removeNeighbor(link.id, address, true);
                engine.emit(Kind.IGNORED, link.id, address, null, FAILED, Reason.NEGATIVE_CACHE);
            }
            case STATIC -> answerFromCache(id, STATIC);
            // Confirmed recently: whatever the kernel holds, ours is the one to use.
            case REACHABLE -> answerFromCache(id, REACHABLE);
            case STALE, DELAY -> {
                if (known != null) {
                    // The kernel already waited (its own DELAY) and now re-checks: probe at once.
                    table.flags[id] |= KERNEL_WAITING;
                    transition(id, PROBE, Kind.CHANGED, Reason.KERNEL_MISS);
                } else {
                    // Serve the cached address (held packets leave) and check it soon (RFC 4861 §7.3.3).
                    answerFromCache(id, STALE);
                    if (table.stateOf(id) == STALE) transition(id, DELAY, Kind.CHANGED, Reason.KERNEL_MISS);
                }
            }
        }
    }

    /** uarpd itself wants the binding ({@link OperatorCommand.Probe}). */
    void handleOwnNeed(Link link, int address) {
        int id = table.find(link.id, address);
        if (id == NONE) {
            startResolution(link, address, 0, false, Reason.OWN_NEED);
            return;
        }
        table.touch(id);
        switch (table.stateOf(id)) {
            case INCOMPLETE, PROBE, DELAY -> engine.emit(Kind.IGNORED, link.id, address, null, table.stateOf(id), Reason.ALREADY_RESOLVING);
            case FAILED -> engine.emit(Kind.IGNORED, link.id, address, null, FAILED, Reason.NEGATIVE_CACHE);
            // Asked for now: no upper layer will confirm it, so skip DELAY and check by unicast at once.
            case STALE -> transition(id, PROBE, Kind.CHANGED, Reason.OWN_NEED);
            case REACHABLE, STATIC -> engine.emit(Kind.ANSWERED, link.id, address, table.hardware(id), table.stateOf(id), Reason.FROM_CACHE);
        }
    }

    /**
     * An ARP packet from {@code sender} with hardware address {@code buf[shaOff, shaOff+hln)}:
     * what it teaches about the sender, by {@code kind}. Follows Linux: only a request addressed to
     * us creates an entry (ASSIST links also learn replies addressed to us, which answer the
     * kernel's own requests); anything else updates existing entries; a reply addressed to us
     * confirms; a different address within the lock time is ignored unless gratuitous.
     */
    void handleObservation(Link link, int sender, byte[] buf, int shaOff, int hln, Observation kind) {
        if (sender == 0) return; // RFC 5227 probe: says nothing about the sender
        if (link.owns(sender)) {
            engine.emit(Kind.IGNORED, link.id, sender, HardwareAddress.of(buf, shaOff, hln), null, Reason.ADDRESS_CONFLICT);
            return;
        }
        int id = table.find(link.id, sender);
        Reason reason = switch (kind) {
            case REQUEST_TO_US -> Reason.LEARNED_FROM_REQUEST;
            case REPLY_TO_US -> Reason.REPLY;
            case OVERHEARD -> Reason.OBSERVED;
            case GRATUITOUS -> Reason.GRATUITOUS;
        };
        if (id == NONE) {
            boolean learn = kind == Observation.REQUEST_TO_US
                    || (kind == Observation.REPLY_TO_US && link.policy.mode() == LinkMode.ASSIST);
            if (!learn) {
                if (kind == Observation.REPLY_TO_US) {
                    engine.emit(Kind.IGNORED, link.id, sender, HardwareAddress.of(buf, shaOff, hln), null, Reason.UNSOLICITED);
                } else if (kind == Observation.GRATUITOUS) {
                    // An announcement from a host we do not track: nothing to update (Linux neither).
                    engine.emit(Kind.IGNORED, link.id, sender, null, null, Reason.GRATUITOUS);
                }
                return;
            }
            NeighborState initial = kind == Observation.REPLY_TO_US ? REACHABLE : STALE;
            id = create(link, sender, initial, reason);
            if (id == NONE) return;
            table.setHardware(id, buf, shaOff, hln);
            setState(id, initial, Kind.ADDED, reason);
            if (installsLearnt(link)) engine.install(id, initial);
            return;
        }
        NeighborState state = table.stateOf(id);
        boolean same = table.hardwareEquals(id, buf, shaOff, hln);
        switch (state) {
            case STATIC -> {
                if (!same) engine.emit(Kind.IGNORED, link.id, sender, HardwareAddress.of(buf, shaOff, hln), STATIC, Reason.STATIC_ENTRY);
            }
            case INCOMPLETE -> {
                // The answer we were waiting for, or as good as one (RFC 4861 §7.2.5).
                table.setHardware(id, buf, shaOff, hln);
                NeighborState next = kind == Observation.REPLY_TO_US ? REACHABLE : STALE;
                long latency = engine.now() - table.stamp[id];
                table.stamp[id] = engine.now();
                pending--;
                table.flags[id] &= ~KERNEL_WAITING;
                setState(id, next, null, null);
                engine.emitResolved(id, reason, latency);
                engine.install(id, next);
            }
            case FAILED -> {
                // A sign of life from a host we gave up on: believe it, but check before trusting.
                table.setHardware(id, buf, shaOff, hln);
                table.stamp[id] = engine.now();
                NeighborState next = kind == Observation.REPLY_TO_US ? REACHABLE : STALE;
                transition(id, next, Kind.CHANGED, reason);
                if (installsLearnt(link)) engine.install(id, next);
            }
            case REACHABLE, STALE, DELAY, PROBE -> {
                if (!same && link.guard != null && link.guard.refuseChange(id, table, sender, buf, shaOff, hln, kind, state)) return;
                if (same && link.guard != null) link.guard.heardFromHolder(sender);
                if (!same) {
                    boolean locked = engine.now() - table.stamp[id] < timers.lockTimeNanos() && kind != Observation.GRATUITOUS;
                    if (locked) {
                        engine.emit(Kind.IGNORED, link.id, sender, HardwareAddress.of(buf, shaOff, hln), state, Reason.LOCKED);
                        return;
                    }
                    table.setHardware(id, buf, shaOff, hln);
                    table.stamp[id] = engine.now();
                    rebind(link, id, kind == Observation.REPLY_TO_US ? REACHABLE : STALE, reason);
                } else if (kind == Observation.REPLY_TO_US) {
                    // Confirmation of the address we have (RFC 4861 §7.3.3: solicited → REACHABLE).
                    table.stamp[id] = engine.now();
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

    /** Someone other than uarpd changed the kernel's binding. */
    void handleKernelChanged(int link, int address, HardwareAddress hw, NeighborState kernelState) {
        int id = table.find(link, address);
        boolean bound = hw != null && hw.length() > 0;
        if (id != NONE && (table.flags[id] & KERNEL_STATIC) != 0) {
            // Someone else's permanent entry: the kernel has the last word on it, we follow.
            if (bound && kernelState == STATIC) {
                if (!table.hardwareEquals(id, hw)) {
                    table.setHardware(id, hw);
                    engine.emitEntry(Kind.CHANGED, id, Reason.KERNEL_CHANGED);
                }
                return;
            }
            remove(id, Reason.KERNEL_CHANGED, false); // deleted, or no longer pinned
            if (!bound) return;
            id = NONE;
        }
        if (bound && kernelState == STATIC && (id == NONE || table.stateOf(id) != STATIC)) {
            adoptKernelStatic(id, link, address, hw);
            return;
        }
        if (id != NONE && table.stateOf(id) == STATIC) {
            if (hw == null || kernelState != STATIC || !table.hardwareEquals(id, hw)) {
                // Static bindings are ours to keep: put it back.
                engine.emit(Kind.IGNORED, link, address, hw, STATIC, Reason.STATIC_ENTRY);
                engine.install(id, STATIC);
            }
            return;
        }
        if (hw == null || hw.length() == 0) {
            // Only a binding the kernel held goes with it: a resolution under way or a negative-cache
            // entry stays (the deletion may well be the kernel carrying out our own RemoveNeighbor).
            if (id != NONE && table.stateOf(id) != INCOMPLETE && table.stateOf(id) != FAILED) {
                table.flags[id] &= ~(INSTALLED | KERNEL_WAITING);
                remove(id, Reason.KERNEL_CHANGED, false);
            }
            return;
        }
        if (id != NONE && table.stateOf(id) == kernelState && table.hardwareEquals(id, hw)) {
            // Nothing new (typically the echo of our own install): not a change.
            table.flags[id] |= INSTALLED;
            return;
        }
        if (kernelState != REACHABLE && kernelState != STALE) {
            // The kernel's own resolution states say nothing we can use.
            engine.emit(Kind.IGNORED, link, address, hw, kernelState, Reason.KERNEL_CHANGED);
            return;
        }
        if (id == NONE) {
            Link l = engine.link(link);
            if (l == null) return;
            id = create(l, address, kernelState, Reason.KERNEL_CHANGED);
            if (id == NONE) return;
            table.setHardware(id, hw);
            table.flags[id] |= INSTALLED;
            setState(id, kernelState, Kind.ADDED, Reason.KERNEL_CHANGED);
            return;
        }
        table.setHardware(id, hw);
        table.stamp[id] = engine.now();
        table.flags[id] = (byte) ((table.flags[id] | INSTALLED) & ~KERNEL_WAITING);
        transition(id, kernelState, Kind.CHANGED, Reason.KERNEL_CHANGED);
    }

    /**
     * The operator pinned a binding in the kernel itself ({@code ip neigh add … permanent},
     * {@code arp -s}): it becomes a STATIC entry here too, so that nothing learnt from the wire is
     * ever installed over it, but one the kernel owns — followed when it changes or goes, never
     * installed or put back by us.
     */
    private void adoptKernelStatic(int id, int link, int address, HardwareAddress hw) {
        if (engine.link(link) == null) return;
        if (id != NONE) remove(id, Reason.KERNEL_CHANGED, false); // the kernel's entry replaced it there
        if (table.staticFull()) {
            engine.emit(Kind.IGNORED, link, address, hw, STATIC, Reason.TABLE_FULL);
            return;
        }
        id = table.add(link, address, STATIC, engine.now());
        table.setHardware(id, hw);
        table.flags[id] |= INSTALLED | KERNEL_STATIC;
        engine.emitEntry(Kind.ADDED, id, Reason.KERNEL_CHANGED);
    }

    void addStatic(int link, int address, HardwareAddress hw) {
        int id = table.find(link, address);
        if (id != NONE && table.stateOf(id) == STATIC) {
            table.flags[id] &= ~KERNEL_STATIC; // the operator's through uarpd now: ours to keep
            if (table.hardwareEquals(id, hw)) return; // nothing changes (gVisor: no event either)
            table.setHardware(id, hw);
            engine.emitEntry(Kind.CHANGED, id, Reason.OPERATOR);
            engine.install(id, STATIC);
            return;
        }
        if (id != NONE) {
            // The operator's word replaces whatever the wire said: the dynamic entry goes.
            remove(id, Reason.OPERATOR, false);
        }
        if (table.staticFull()) {
            engine.emit(Kind.IGNORED, link, address, hw, null, Reason.TABLE_FULL);
            return;
        }
        id = table.add(link, address, STATIC, engine.now());
        table.setHardware(id, hw);
        engine.emitEntry(Kind.ADDED, id, Reason.OPERATOR);
        engine.install(id, STATIC);
    }

    /** The guard found no old station answering: {@code hw} is now believed for {@code address}. */
    void applyVerifiedChange(Link link, int address, HardwareAddress hw) {
        int id = table.find(link.id, address);
        if (id == NONE || table.stateOf(id) == STATIC || table.stateOf(id) == INCOMPLETE || table.stateOf(id) == FAILED) return;
        table.setHardware(id, hw);
        table.stamp[id] = engine.now();
        rebind(link, id, STALE, Reason.VERIFIED);
    }

    /**
     * A dynamic entry's binding changed or was confirmed: moves it to {@code next} and installs it
     * where the kernel should hear of it (an AUTHORITATIVE link, a kernel waiting on it, or a binding
     * the kernel already holds).
     */
    private void rebind(Link link, int id, NeighborState next, Reason reason) {
        boolean kernelWaiting = (table.flags[id] & KERNEL_WAITING) != 0;
        table.flags[id] &= ~KERNEL_WAITING;
        transition(id, next, Kind.CHANGED, reason);
        if (installsLearnt(link) || kernelWaiting || (table.flags[id] & INSTALLED) != 0) engine.install(id, next);
    }

    void deleteStatic(int link, int address) {
        int id = table.find(link, address);
        if (id == NONE || table.stateOf(id) != STATIC) {
            engine.emit(Kind.IGNORED, link, address, null, null, Reason.NO_SUCH_ENTRY);
            return;
        }
        engine.emitEntry(Kind.REMOVED, id, Reason.OPERATOR);
        table.remove(id);
        engine.entryGone(link, address);
        engine.removeNeighbor(link, address, false);
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

    /** Drops dynamic entries of {@code link} that no longer lie on any of its subnets. */
    void purgeOffSubnet(Link link) {
        for (int id = 0; id < table.highWater(); id++) {
            if (table.inUse(id) && table.link[id] == link.id && table.stateOf(id) != STATIC
                    && !link.onSubnet(table.address[id])) {
                remove(id, Reason.ADDRESS_REMOVED, false);
            }
        }
    }

    // -- timers ----------------------------------------------------------------------------------

    void handleTimer(int id) {
        switch (table.stateOf(id)) {
            case INCOMPLETE, PROBE -> probe(id);
            case REACHABLE -> transition(id, STALE, Kind.CHANGED, Reason.REACHABLE_TIMEOUT);
            case DELAY -> transition(id, PROBE, Kind.CHANGED, Reason.DELAY_TIMEOUT);
            case STALE -> remove(id, Reason.STALE_EXPIRED, false);
            case FAILED -> remove(id, Reason.NEGATIVE_CACHE_EXPIRED, false);
            case STATIC -> { }
        }
    }

    // -- the machine -----------------------------------------------------------------------------

    private void startResolution(Link link, int address, int kernelProbes, boolean forKernel, Reason reason) {
        if (pending >= config.maxPending()) {
            engine.emit(Kind.IGNORED, link.id, address, null, null, Reason.TOO_MANY_PENDING);
            return;
        }
        int id = create(link, address, INCOMPLETE, reason);
        if (id == NONE) return;
        pending++;
        if (forKernel) table.flags[id] |= KERNEL_WAITING;
        // Probes the kernel reports as already made count against the budget, but one is always sent.
        // The kernel's count is of its own solicitations; on an ASSIST link those come after ours.
        table.probes[id] = assisting(link) ? 0 : (byte) Math.max(0, Math.min(kernelProbes, timers.broadcastProbes() - 1));
        setState(id, INCOMPLETE, Kind.ADDED, reason);
    }

    /** A new dynamic entry, evicting the least recently used one if the table is full. */
    private int create(Link link, int address, NeighborState initial, Reason reason) {
        if (table.dynamicFull()) {
            int victim = table.lruOldest();
            if (victim == NONE) {
                engine.emit(Kind.IGNORED, link.id, address, null, null, Reason.TABLE_FULL);
                return NONE;
            }
            remove(victim, Reason.EVICTED, false);
        }
        return table.add(link.id, address, initial, engine.now());
    }

    private void remove(int id, Reason reason, boolean tellKernel) {
        if (table.stateOf(id) == INCOMPLETE) pending--;
        boolean installed = (table.flags[id] & INSTALLED) != 0;
        engine.emitEntry(Kind.REMOVED, id, reason);
        int link = table.link[id];
        int address = table.address[id];
        table.remove(id);
        engine.entryGone(link, address);
        if (tellKernel && installed) engine.removeNeighbor(link, address, false);
    }

    /** Changes state, arms the state's timer and reports the change. */
    private void transition(int id, NeighborState next, Kind kind, Reason reason) {
        if (table.stateOf(id) == INCOMPLETE && next != INCOMPLETE) pending--;
        setState(id, next, kind, reason);
    }

    /**
     * The one place an entry enters a state: arms (or cancels) the timer that state needs, reports
     * the change ({@code kind} null: the caller reports it), and on entering INCOMPLETE or PROBE
     * sends the first probe (which arms the retransmit timer).
     */
    private void setState(int id, NeighborState next, Kind kind, Reason reason) {
        if (next == PROBE) table.probes[id] = 0;
        table.setState(id, next);
        arm(id, next);
        if (kind != null) engine.emitEntry(kind, id, reason);
        if (next == PROBE || next == INCOMPLETE) probe(id);
    }

    private void arm(int id, NeighborState s) {
        long now = engine.now();
        switch (s) {
            case REACHABLE -> {
                // RFC 4861 §6.3.2: a uniformly random factor in [0.5, 1.5) so neighbours do not expire in step.
                long t = (long) (timers.baseReachableNanos() * (0.5 + random.nextDouble()));
                engine.schedule(id, now + t);
            }
            case STALE -> engine.schedule(id, now + timers.staleLifetimeNanos());
            case DELAY -> engine.schedule(id, now + timers.delayFirstProbeNanos());
            case FAILED -> engine.schedule(id, now + timers.negativeCacheNanos());
            case STATIC -> wheel.cancel(id);
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
        Link link = engine.link(table.link[id]);
        int budget = s != INCOMPLETE ? timers.unicastProbes() + timers.broadcastReprobes()
                : assisting(link) ? Math.min(1, timers.broadcastProbes()) : timers.broadcastProbes();
        if (sent >= budget) {
            fail(id);
            return;
        }
        if (link == null || !link.up || !link.speaksRfc826()) {
            fail(id);
            return;
        }
        long now = engine.now();
        long linkWait = config.linkRequests().earliest(link.requestTat, now);
        long targetWait = config.targetRequests().earliest(table.targetTat[id], now);
        if (linkWait != Long.MIN_VALUE || targetWait != Long.MIN_VALUE) {
            // Defer, not drop: the probe goes out as soon as both buckets allow (never a long stall).
            Reason why = linkWait != Long.MIN_VALUE ? Reason.LINK_RATE_LIMITED : Reason.TARGET_RATE_LIMITED;
            engine.emit(Kind.IGNORED, link.id, table.address[id], null, s, why);
            engine.schedule(id, Math.max(linkWait, targetWait));
            return;
        }
        link.requestTat = config.linkRequests().charge(link.requestTat, now);
        table.targetTat[id] = config.targetRequests().charge(table.targetTat[id], now);
        boolean unicast = s == PROBE && sent < timers.unicastProbes() && table.hasHardware(id);
        engine.sendRequest(link, id, unicast, sent);
        table.probes[id] = (byte) (sent + 1);
        engine.schedule(id, now + timers.intervalAfter(sent + 1));
    }

    /**
     * On an ASSIST link the kernel keeps its own ARP and has the last word: a miss uarpd cannot serve
     * from its table gets one broadcast at once (the kernel, with app_solicit 1, would otherwise wait a
     * retransmit interval before its own), and whether an address is unreachable is the kernel's call,
     * not ours: a resolution or re-check that gets no answer just ends, with no negative cache.
     */
    private static boolean assisting(Link link) {
        return link != null && link.policy.mode() == LinkMode.ASSIST;
    }

    private void fail(int id) {
        if (assisting(engine.link(table.link[id]))) {
            remove(id, Reason.KERNEL_ANSWERS, false);
            return;
        }
        NeighborState was = table.stateOf(id);
        if (was == INCOMPLETE) pending--;
        boolean tell = (table.flags[id] & (KERNEL_WAITING | INSTALLED)) != 0;
        table.flags[id] &= ~(KERNEL_WAITING | INSTALLED);
        table.clearHardware(id);
        table.stamp[id] = engine.now();
        setState(id, FAILED, Kind.FAILED, Reason.PROBES_EXHAUSTED);
        // The kernel's held packets get host-unreachable; a binding it still used is withdrawn.
        if (tell) engine.removeNeighbor(table.link[id], table.address[id], true);
    }

    private void answerFromCache(int id, NeighborState as) {
        engine.install(id, as);
        table.flags[id] &= ~KERNEL_WAITING;
        engine.emit(Kind.ANSWERED, table.link[id], table.address[id], table.hardware(id), table.stateOf(id), Reason.FROM_CACHE);
    }

    private static boolean installsLearnt(Link link) {
        return link.policy.mode() == LinkMode.AUTHORITATIVE;
    }
}

package org.uarpd.engine;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import org.uarpd.engine.EngineEvent.Kind;
import org.uarpd.engine.EngineEvent.Reason;
import org.uarpd.wire.HardwareAddress;
import org.uarpd.wire.Ip6Address;

/**
 * The guard of one link ({@link GuardPolicy}): decides what the wire may teach. Frame checks run
 * before anything is learnt ({@link #admit}); binding changes are vetted by {@link #refuseChange}.
 * It sees values (addresses, hardware addresses), never the frame.
 */
final class Guard {
    /** Where a change the guard verified goes: no old station answered, so {@code hw} is believed. */
    interface Verified {
        void believe(Link link, int address, HardwareAddress hw);
    }

    private final EngineContext ctx;
    private final ArpDomain arp;
    private final Verified verified;
    private final Link link;
    final GuardPolicy policy;

    // per-source limits: a fixed table, so forged sources cannot grow memory (a collision evicts)
    private final long[] sourceKeys;
    private final long[] sourceTats;

    // arpwatch's station table: address → {hardware, previous hardware}, least recent forgotten first
    private final LinkedHashMap<Integer, long[]> stations;

    /** Changes being verified: address → the verification. */
    private final Map<Integer, Verification> verifying = new HashMap<>();
    /** Refused claims: address → {claimed hardware, refused until}; at most maxStations (expired ones swept first). */
    private final Map<Integer, long[]> quarantine = new HashMap<>();

    private record Verification(HardwareAddress claimed, HardwareAddress old, int timer) {}

    Guard(EngineContext ctx, ArpDomain arp, Verified verified, Link link, GuardPolicy policy) {
        this.ctx = ctx;
        this.arp = arp;
        this.verified = verified;
        this.link = link;
        this.policy = policy;
        this.sourceKeys = new long[policy.sourceSlots()];
        this.sourceTats = new long[policy.sourceSlots()];
        java.util.Arrays.fill(sourceKeys, -1L);
        int max = policy.maxStations();
        this.stations = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<Integer, long[]> eldest) {
                return size() > max;
            }
        };
    }

    /**
     * Frame-level rules, before the engine looks at the packet: per-source rate limit, link-layer
     * source equal to the ARP sender. Only for packets whose link-layer source is known. Returns false
     * (with an event) to drop the frame.
     */
    boolean admit(ArpObservation o) {
        int sender = o.sender;
        if (!admitSource(o.linkSource, sender, null)) return false;
        if (policy.senderConsistency() && !o.sourceMatchesSender()) {
            // A frame whose link-layer source is not its ARP sender speaks for someone else (RFC 5227 §2.1.1 notes why).
            ctx.emit(Kind.ALERT, link.id, sender, o.senderHardwareAddress(), HardwareAddress.of(o.linkSource), null, Reason.SENDER_MISMATCH);
            return false;
        }
        return true;
    }

    /**
     * The per-source rate limit, keyed by the frame's link-layer source alone, so one budget covers a
     * station's ARP and neighbour discovery frames alike. Returns false (with an event naming
     * {@code address}, or {@code address6} for IPv6) to drop the frame.
     */
    boolean admitSource(byte[] linkSource, int address, Ip6Address address6) {
        RateLimit r = policy.perSource();
        if (r == null) return true;
        long key = bytesKey(linkSource);
        int slot = (int) (mix(key) & (sourceKeys.length - 1));
        long now = ctx.now();
        if (sourceKeys[slot] != key) {
            sourceKeys[slot] = key;
            sourceTats[slot] = Long.MIN_VALUE;
        }
        if (r.earliest(sourceTats[slot], now) != Long.MIN_VALUE) {
            ctx.emit(Kind.DROPPED, link.id, address, address6, null, null, Reason.SOURCE_RATE_LIMITED, 0, null);
            return false;
        }
        sourceTats[slot] = r.charge(sourceTats[slot], now);
        return true;
    }

    /**
     * arpwatch's reports for a sender seen on the link. Returns false when the sender is a bogon
     * (outside every subnet of the link), which is then not learnt.
     */
    boolean observeStation(int sender, byte[] senderHw) {
        if (!policy.stationEvents() || sender == 0) return true;
        if (link.addressCount > 0 && !link.onSubnet(sender)) {
            ctx.emit(Kind.ALERT, link.id, sender, HardwareAddress.of(senderHw), null, Reason.BOGON);
            return false;
        }
        long hw = bytesKey(senderHw);
        long[] st = stations.get(sender);
        if (st == null) {
            stations.put(sender, new long[] {hw, -1L});
            ctx.emit(Kind.ALERT, link.id, sender, HardwareAddress.of(senderHw), null, Reason.NEW_STATION);
        } else if (st[0] != hw) {
            // arpwatch: back to the address before the current one is a flip flop, else a change.
            Reason why = st[1] == hw ? Reason.FLIP_FLOP : Reason.CHANGED_STATION;
            HardwareAddress before = unpack(st[0], senderHw.length);
            st[1] = st[0];
            st[0] = hw;
            ctx.emit(Kind.ALERT, link.id, sender, HardwareAddress.of(senderHw), before, null, why);
        }
        return true;
    }

    /**
     * A packet from {@code sender} says its hardware address is {@code claimedHw}, not {@code old},
     * which its entry (in {@code state}) holds. Returns true when the guard refuses (or defers) the
     * change; false lets the state machine apply it.
     */
    boolean refuseChange(int sender, byte[] claimedHw, HardwareAddress old, Neighbors.Observation kind,
                         NeighborState state) {
        HardwareAddress claimed = HardwareAddress.of(claimedHw);
        if (!policy.allowUnsolicited() && kind == Neighbors.Observation.REPLY_TO_US
                && (state == NeighborState.REACHABLE || state == NeighborState.STALE || state == NeighborState.DELAY)) {
            // Nobody asked: a reply that would change a binding is how ARP poisoning works.
            ctx.emit(Kind.ALERT, link.id, sender, claimed, old, state, Reason.UNSOLICITED);
            return true;
        }
        if (!policy.verifyChanges()) return false;
        long now = ctx.now();
        long[] q = quarantine.get(sender);
        if (q != null && q[1] > now && q[0] == bytesKey(claimedHw)) {
            ctx.emit(Kind.ALERT, link.id, sender, claimed, old, state, Reason.SPOOFING);
            return true;
        }
        Verification v = verifying.get(sender);
        if (v != null) {
            ctx.emit(Kind.IGNORED, link.id, sender, claimed, state, Reason.VERIFYING);
            return true;
        }
        int timer = ctx.after(policy.verifyTimeoutNanos(), () -> verificationTimedOut(sender));
        verifying.put(sender, new Verification(claimed, old, timer));
        ctx.emit(Kind.ALERT, link.id, sender, claimed, old, state, Reason.VERIFYING);
        // Ask the old station, by unicast, whether it still holds the address.
        arp.askHolder(link, sender, old);
        return true;
    }

    /** A packet from {@code sender} with the hardware address we hold: the old station is alive. */
    void heardFromHolder(int sender) {
        if (verifying.isEmpty()) return;
        Verification v = verifying.remove(sender);
        if (v == null) return;
        ctx.cancelTask(v.timer());
        long now = ctx.now();
        if (quarantine.size() >= policy.maxStations()) quarantine.values().removeIf(q -> q[1] <= now);
        if (quarantine.size() < policy.maxStations()) quarantine.put(sender, new long[] {bytesKey(v.claimed()), now + policy.quarantineNanos()});
        ctx.emit(Kind.ALERT, link.id, sender, v.claimed(), v.old(), null, Reason.SPOOFING);
    }

    private void verificationTimedOut(int sender) {
        Verification v = verifying.remove(sender);
        if (v == null) return;
        verified.believe(link, sender, v.claimed());
    }

    /** Stations in arpwatch's table now (at most {@link GuardPolicy#maxStations()}). */
    int stations() {
        return stations.size();
    }

    /** Refused claims held in quarantine now (at most {@link GuardPolicy#maxStations()}). */
    int quarantined() {
        return quarantine.size();
    }

    /** Changes being verified now (at most one per neighbour entry). */
    int verifying() {
        return verifying.size();
    }

    void forget() {
        for (Verification v : verifying.values()) ctx.cancelTask(v.timer());
        verifying.clear();
    }

    private static long bytesKey(HardwareAddress hw) {
        return bytesKey(hw.toByteArray());
    }

    /**
     * Up to 7 bytes exactly, longer addresses (IPoIB) folded by hashing: never negative either way,
     * so -1 can stand for "no address" (a station's previous one).
     */
    /** The hardware address {@link #bytesKey} packed, or null where the key is a hash (longer than 7 bytes). */
    private static HardwareAddress unpack(long key, int length) {
        if (length > 7) return null;
        byte[] b = new byte[length];
        for (int i = length - 1; i >= 0; i--, key >>>= 8) b[i] = (byte) key;
        return HardwareAddress.of(b);
    }

    private static long bytesKey(byte[] b) {
        long k = 0;
        if (b.length <= 7) {
            for (byte x : b) k = (k << 8) | (x & 0xFF);
            return k;
        }
        for (byte x : b) k = k * 31 + (x & 0xFF);
        return k & Long.MAX_VALUE;
    }

    private static long mix(long x) {
        x ^= x >>> 33;
        x *= 0xff51afd7ed558ccdL;
        x ^= x >>> 33;
        return x;
    }
}

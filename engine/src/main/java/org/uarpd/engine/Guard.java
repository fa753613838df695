package org.uarpd.engine;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import org.uarpd.engine.EngineEvent.Kind;
import org.uarpd.engine.EngineEvent.Reason;
import org.uarpd.wire.HardwareAddress;
import org.uarpd.wire.Ip6Address;

/**
 * The guard of one link ({@link GuardPolicy}): decides what the wire may teach, for both families.
 * Frame checks run before anything is learnt ({@link #admit}); binding changes are vetted by
 * {@link #refuseChange}. It sees values (addresses, hardware addresses), never the frame. Its tables
 * are keyed by the address as a value: an {@link Integer} for IPv4, an {@link Ip6Address} for IPv6,
 * and each family's {@link Verifier} asks the old station and applies a verified change.
 */
final class Guard {
    /** One step of a verified change about {@code address} on {@code link}, with a hardware address. */
    interface Step<A> {
        void apply(Link link, A address, HardwareAddress hw);
    }

    /**
     * One family's side of a verified change: {@code askHolder} asks the station that held the
     * address, by unicast, whether it still does; {@code believe} takes the claimed hardware address
     * once no answer came.
     */
    record Verifier<A>(Step<A> askHolder, Step<A> believe) {}

    private final EngineContext ctx;
    private final Verifier<Integer> ip4;
    private final Verifier<Ip6Address> ip6;
    private final Link link;
    final GuardPolicy policy;

    // per-source limits: a fixed table, so forged sources cannot grow memory (a collision evicts)
    private final long[] sourceKeys;
    private final long[] sourceTats;

    // arpwatch's station table: address → {hardware, previous hardware}, least recent forgotten first
    private final LinkedHashMap<Object, long[]> stations;

    /** Changes being verified: address → the verification. */
    private final Map<Object, Verification> verifying = new HashMap<>();
    /** Refused claims: address → {claimed hardware, refused until}; at most maxStations (expired ones swept first). */
    private final Map<Object, long[]> quarantine = new HashMap<>();

    private record Verification(HardwareAddress claimed, HardwareAddress old, int timer) {}

    Guard(EngineContext ctx, Verifier<Integer> ip4, Verifier<Ip6Address> ip6, Link link, GuardPolicy policy) {
        this.ctx = ctx;
        this.ip4 = ip4;
        this.ip6 = ip6;
        this.link = link;
        this.policy = policy;
        this.sourceKeys = new long[policy.sourceSlots()];
        this.sourceTats = new long[policy.sourceSlots()];
        java.util.Arrays.fill(sourceKeys, -1L);
        int max = policy.maxStations();
        this.stations = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<Object, long[]> eldest) {
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
        station(sender, senderHw);
        return true;
    }

    /**
     * The same reports for an IPv6 neighbour: the source of a solicitation with its Source
     * Link-Layer Address option, or the target of an advertisement with its Target one (RFC 4861
     * §7.2.3, §7.2.5). {@code onLink} is whether the address is link-local or on one of the link's
     * IPv6 prefixes (false only when the link has some); off-link it is a bogon, not learnt.
     */
    boolean observeStation(Ip6Address sender, byte[] senderHw, boolean onLink) {
        if (!policy.stationEvents()) return true;
        if (!onLink) {
            alert(sender, HardwareAddress.of(senderHw.clone()), null, null, Reason.BOGON);
            return false;
        }
        station(sender, senderHw);
        return true;
    }

    private void station(Object sender, byte[] senderHw) {
        long hw = bytesKey(senderHw);
        long[] st = stations.get(sender);
        if (st == null) {
            stations.put(sender, new long[] {hw, -1L});
            alert(sender, HardwareAddress.of(senderHw.clone()), null, null, Reason.NEW_STATION);
        } else if (st[0] != hw) {
            // arpwatch: back to the address before the current one is a flip flop, else a change.
            Reason why = st[1] == hw ? Reason.FLIP_FLOP : Reason.CHANGED_STATION;
            HardwareAddress before = unpack(st[0], senderHw.length);
            st[1] = st[0];
            st[0] = hw;
            alert(sender, HardwareAddress.of(senderHw.clone()), before, null, why);
        }
    }

    /**
     * A packet from {@code sender} says its hardware address is {@code claimedHw}, not {@code old},
     * which its entry (in {@code state}) holds. Returns true when the guard refuses (or defers) the
     * change; false lets the state machine apply it.
     */
    boolean refuseChange(AddressColumn.Key sender, byte[] claimedHw, HardwareAddress old, Neighbors.Observation kind,
                         NeighborState state) {
        Object address = address(sender);
        HardwareAddress claimed = HardwareAddress.of(claimedHw);
        if (!policy.allowUnsolicited() && kind == Neighbors.Observation.REPLY_TO_US
                && (state == NeighborState.REACHABLE || state == NeighborState.STALE || state == NeighborState.DELAY)) {
            // Nobody asked: a reply that would change a binding is how ARP (and NA) poisoning works.
            alert(address, claimed, old, state, Reason.UNSOLICITED);
            return true;
        }
        if (!policy.verifyChanges()) return false;
        long now = ctx.now();
        long[] q = quarantine.get(address);
        if (q != null && q[1] > now && q[0] == bytesKey(claimedHw)) {
            alert(address, claimed, old, state, Reason.SPOOFING);
            return true;
        }
        Verification v = verifying.get(address);
        if (v != null) {
            emit(Kind.IGNORED, address, claimed, null, state, Reason.VERIFYING);
            return true;
        }
        int timer = ctx.after(policy.verifyTimeoutNanos(), () -> verificationTimedOut(address));
        verifying.put(address, new Verification(claimed, old, timer));
        alert(address, claimed, old, state, Reason.VERIFYING);
        // Ask the old station, by unicast, whether it still holds the address.
        if (address instanceof Ip6Address a6) ip6.askHolder().apply(link, a6, old);
        else ip4.askHolder().apply(link, (Integer) address, old);
        return true;
    }

    /** A packet from {@code sender} with the hardware address we hold: the old station is alive. */
    void heardFromHolder(AddressColumn.Key sender) {
        if (verifying.isEmpty()) return;
        Object address = address(sender);
        Verification v = verifying.remove(address);
        if (v == null) return;
        ctx.cancelTask(v.timer());
        long now = ctx.now();
        if (quarantine.size() >= policy.maxStations()) quarantine.values().removeIf(q -> q[1] <= now);
        if (quarantine.size() < policy.maxStations()) quarantine.put(address, new long[] {bytesKey(v.claimed()), now + policy.quarantineNanos()});
        alert(address, v.claimed(), v.old(), null, Reason.SPOOFING);
    }

    private void verificationTimedOut(Object address) {
        Verification v = verifying.remove(address);
        if (v == null) return;
        if (address instanceof Ip6Address a6) ip6.believe().apply(link, a6, v.claimed());
        else ip4.believe().apply(link, (Integer) address, v.claimed());
    }

    /** The key's address as the guard's tables hold it: the IPv6 address, else the IPv4 one boxed. */
    private static Object address(AddressColumn.Key key) {
        Ip6Address a6 = key.eventAddress6();
        return a6 != null ? a6 : (Object) key.eventAddress();
    }

    private void alert(Object address, HardwareAddress hw, HardwareAddress known, NeighborState state, Reason reason) {
        emit(Kind.ALERT, address, hw, known, state, reason);
    }

    private void emit(Kind kind, Object address, HardwareAddress hw, HardwareAddress known, NeighborState state, Reason reason) {
        if (address instanceof Ip6Address a6) ctx.emit(kind, link.id, 0, a6, hw, known, state, reason, 0, null);
        else ctx.emit(kind, link.id, (Integer) address, null, hw, known, state, reason, 0, null);
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

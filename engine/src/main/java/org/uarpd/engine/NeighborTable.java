package org.uarpd.engine;

import java.util.Arrays;
import org.uarpd.wire.HardwareAddress;

/**
 * The neighbour entries of every link of one protocol domain, in primitive arrays so that a million
 * entries cost tens of bytes each rather than a few hundred: an entry is a dense index into parallel
 * arrays, found through an open-addressing index keyed by (link, address) with linear probing and
 * backward-shift deletion (no tombstones). The addresses themselves live in the domain's
 * {@link AddressColumn}: this class never looks at their width. Hardware addresses of up to 8 bytes (Ethernet, ARCnet…) are packed into a
 * {@code long}; longer ones (IPoIB, ATM) go to a side array allocated only when one appears.
 *
 * <p>Dynamic entries sit on an intrusive LRU list (least recently used first) so that eviction is
 * O(1); static entries are not on it and do not count against the dynamic bound (gVisor's
 * neighbour cache does the same).
 *
 * <p>This class stores; it decides nothing. {@link Neighbors} is the state machine over it.
 */
final class NeighborTable {
    static final int NONE = -1;
    static final byte FREE = 0;

    // Entry flags, read and written only through the named accessors below.
    private static final int KERNEL_WAITING = 1; // the kernel asked and must hear the outcome
    private static final int INSTALLED = 2;      // the kernel holds a binding we installed or it reported
    private static final int KERNEL_STATIC = 4;  // a STATIC entry someone else made in the kernel: followed, never installed
    private static final int LEARNT_ONLY = 8;    // created from a request, and not yet asked for nor confirmed

    private final int maxDynamic;
    private final int maxStatic;
    private final int hardLimit;

    private final AddressColumn addresses;
    int[] link = new int[0];
    private byte[] state = new byte[0]; // NeighborState.ordinal() + 1, FREE when unused
    private byte[] flags = new byte[0];
    byte[] probes = new byte[0];    // probes sent in the current INCOMPLETE / PROBE phase
    byte[] hwLength = new byte[0];
    long[] hwPacked = new long[0];
    HardwareAddress[] hwWide;       // only for addresses longer than 8 bytes
    long[] stamp = new long[0];     // INCOMPLETE: when resolution started; otherwise: last update
    long[] targetTat = new long[0]; // per-target request rate limit (GCRA theoretical arrival time)
    private int[] lruPrev = new int[0];
    private int[] lruNext = new int[0];

    private int[] index = new int[16]; // entry id + 1, 0 = empty slot
    private int indexMask = 15;
    private int used;          // ids handed out so far (high-water mark)
    private int freeList = NONE;
    private int dynamicCount;
    private int staticCount;
    private int lruHead = NONE;
    private int lruTail = NONE;
    /** Entries in INCOMPLETE: kept by {@link #add}, {@link #setState} and {@link #remove}, nowhere else. */
    private int incomplete;
    /** Learnt-only entries per link id: kept by {@link #setLearntOnly}, {@link #setState} and {@link #remove}. */
    private final java.util.HashMap<Integer, int[]> learntOnly = new java.util.HashMap<>();
    private int learntOnlyTotal;
    private final TimerWheel wheel;

    NeighborTable(AddressColumn addresses, int maxDynamic, int maxStatic, TimerWheel wheel) {
        this.addresses = addresses;
        this.maxDynamic = maxDynamic;
        this.maxStatic = maxStatic;
        this.hardLimit = maxDynamic + maxStatic;
        this.wheel = wheel;
    }

    int dynamicCount() {
        return dynamicCount;
    }

    int staticCount() {
        return staticCount;
    }

    int size() {
        return dynamicCount + staticCount;
    }

    /** Entries resolving (INCOMPLETE) now. */
    int incomplete() {
        return incomplete;
    }

    AddressColumn addresses() {
        return addresses;
    }

    /** The address of entry {@code id} as events and actions carry it. */
    int eventAddress(int id) {
        return addresses.eventAddress(id);
    }

    /** The IPv6 address of entry {@code id} for events, or null in an IPv4 domain. */
    org.uarpd.wire.Ip6Address eventAddress6(int id) {
        return addresses.eventAddress6(id);
    }

    /** The wheel this table's entry timers live on (ids are entry ids). */
    TimerWheel wheel() {
        return wheel;
    }

    boolean dynamicFull() {
        return dynamicCount >= maxDynamic;
    }

    boolean staticFull() {
        return staticCount >= maxStatic;
    }

    /** Upper bound (exclusive) of ids ever handed out, for scans. */
    int highWater() {
        return used;
    }

    boolean inUse(int id) {
        return state[id] != FREE;
    }

    NeighborState stateOf(int id) {
        return STATES[state[id] - 1];
    }

    void setState(int id, NeighborState s) {
        NeighborState old = stateOf(id);
        if (old == NeighborState.STATIC && s != NeighborState.STATIC) {
            staticCount--;
            dynamicCount++;
            lruAppend(id);
        } else if (old != NeighborState.STATIC && s == NeighborState.STATIC) {
            lruUnlink(id);
            dynamicCount--;
            staticCount++;
        }
        if (old == NeighborState.INCOMPLETE) incomplete--;
        if (s == NeighborState.INCOMPLETE) incomplete++;
        if (s == NeighborState.STATIC) setLearntOnly(id, false);
        state[id] = (byte) (s.ordinal() + 1);
    }

    private static final NeighborState[] STATES = NeighborState.values();

    // -- flags ----------------------------------------------------------------------------------

    /** The kernel asked for this binding and must hear how resolution ends. */
    boolean kernelWaiting(int id) {
        return (flags[id] & KERNEL_WAITING) != 0;
    }

    void setKernelWaiting(int id, boolean on) {
        setFlag(id, KERNEL_WAITING, on);
    }

    /** The kernel holds this binding (we installed it, or it told us). */
    boolean installed(int id) {
        return (flags[id] & INSTALLED) != 0;
    }

    void setInstalled(int id, boolean on) {
        setFlag(id, INSTALLED, on);
    }

    /** A STATIC entry someone else made in the kernel: followed, never installed by us. */
    boolean kernelStatic(int id) {
        return (flags[id] & KERNEL_STATIC) != 0;
    }

    void setKernelStatic(int id, boolean on) {
        setFlag(id, KERNEL_STATIC, on);
    }

    /** Created from a request and vouched for by nothing else yet (see {@link LearningLimits}). */
    boolean learntOnly(int id) {
        return (flags[id] & LEARNT_ONLY) != 0;
    }

    void setLearntOnly(int id, boolean on) {
        if (learntOnly(id) == on) return;
        setFlag(id, LEARNT_ONLY, on);
        int delta = on ? 1 : -1;
        learntOnlyTotal += delta;
        int[] n = learntOnly.computeIfAbsent(link[id], k -> new int[1]);
        n[0] += delta;
        if (n[0] == 0) learntOnly.remove(link[id]);
    }

    /** Learnt-only entries on link {@code linkId}. */
    int learntOnlyOn(int linkId) {
        int[] n = learntOnly.get(linkId);
        return n == null ? 0 : n[0];
    }

    /** Learnt-only entries on every link. */
    int learntOnlyTotal() {
        return learntOnlyTotal;
    }

    /**
     * The least recently used learnt-only entry on link {@code linkId} (0: on any link), or
     * {@link #NONE}. Walks the LRU list from its old end; learnt-only entries are never touched (a
     * use clears the flag), so under a flood they gather there and the walk is short.
     */
    int oldestLearntOnly(int linkId) {
        if (linkId == 0 ? learntOnlyTotal == 0 : learntOnlyOn(linkId) == 0) return NONE;
        for (int id = lruHead; id != NONE; id = lruNext[id]) {
            if (learntOnly(id) && (linkId == 0 || link[id] == linkId)) return id;
        }
        return NONE;
    }

    private void setFlag(int id, int flag, boolean on) {
        flags[id] = (byte) (on ? flags[id] | flag : flags[id] & ~flag);
    }

    // -- lookup ---------------------------------------------------------------------------------

    /** The entry for {@code key}, or {@link #NONE}. */
    int find(AddressColumn.Key key) {
        int[] idx = index;
        int mask = indexMask;
        int link = key.link();
        for (int slot = key.hash() & mask; ; slot = (slot + 1) & mask) {
            int v = idx[slot];
            if (v == 0) return NONE;
            int id = v - 1;
            if (this.link[id] == link && key.matches(id)) return id;
        }
    }

    /**
     * Adds an entry in {@code initial} state with no hardware address. The caller has made room
     * (see {@link #dynamicFull()}, {@link #lruOldest()}); exceeding the bound is a bug.
     */
    int add(AddressColumn.Key key, NeighborState initial, long now) {
        boolean isStatic = initial == NeighborState.STATIC;
        if (isStatic ? staticCount >= maxStatic : dynamicCount >= maxDynamic) {
            throw new IllegalStateException("neighbour table bound exceeded");
        }
        if ((size() + 1) * 2 > index.length) rehash(index.length * 2);
        int id;
        if (freeList != NONE) {
            id = freeList;
            freeList = lruNext[id];
        } else {
            if (used == this.link.length) grow();
            id = used++;
        }
        this.link[id] = key.link();
        key.store(id);
        state[id] = (byte) (initial.ordinal() + 1);
        if (initial == NeighborState.INCOMPLETE) incomplete++;
        flags[id] = 0;
        probes[id] = 0;
        hwLength[id] = 0;
        hwPacked[id] = 0;
        if (hwWide != null) hwWide[id] = null;
        stamp[id] = now;
        targetTat[id] = Long.MIN_VALUE;
        if (isStatic) {
            staticCount++;
            lruPrev[id] = NONE;
            lruNext[id] = NONE;
        } else {
            dynamicCount++;
            lruAppend(id);
        }
        insertIndex(id, key.hash());
        return id;
    }

    void remove(int id) {
        wheel.cancel(id);
        setLearntOnly(id, false);
        if (stateOf(id) == NeighborState.INCOMPLETE) incomplete--;
        if (stateOf(id) == NeighborState.STATIC) {
            staticCount--;
        } else {
            lruUnlink(id);
            dynamicCount--;
        }
        removeIndex(id);
        state[id] = FREE;
        if (hwWide != null) hwWide[id] = null;
        lruNext[id] = freeList;
        freeList = id;
    }

    // -- hardware addresses ---------------------------------------------------------------------

    boolean hasHardware(int id) {
        return hwLength[id] != 0;
    }

    void setHardware(int id, byte[] buf, int off, int len) {
        hwLength[id] = (byte) len;
        if (len <= 8) {
            hwPacked[id] = pack(buf, off, len);
            if (hwWide != null) hwWide[id] = null;
        } else {
            if (hwWide == null) hwWide = new HardwareAddress[this.link.length];
            hwWide[id] = HardwareAddress.of(buf, off, len);
        }
    }

    void setHardware(int id, byte[] hw) {
        setHardware(id, hw, 0, hw.length);
    }

    void setHardware(int id, HardwareAddress hw) {
        byte[] b = hw.toByteArray();
        setHardware(id, b, 0, b.length);
    }

    void clearHardware(int id) {
        hwLength[id] = 0;
        hwPacked[id] = 0;
        if (hwWide != null) hwWide[id] = null;
    }

    boolean hardwareEquals(int id, byte[] buf, int off, int len) {
        if ((hwLength[id] & 0xFF) != len) return false;
        if (len <= 8) return hwPacked[id] == pack(buf, off, len);
        return hwWide[id].equalsBytes(buf, off, len);
    }

    boolean hardwareEquals(int id, byte[] hw) {
        return hardwareEquals(id, hw, 0, hw.length);
    }

    boolean hardwareEquals(int id, HardwareAddress hw) {
        int len = hw.length();
        if ((hwLength[id] & 0xFF) != len) return false;
        if (len <= 8) {
            long v = 0;
            for (int i = 0; i < len; i++) v = (v << 8) | (hw.get(i) & 0xFF);
            return hwPacked[id] == v;
        }
        return hwWide[id].equals(hw);
    }

    /** Writes the entry's hardware address at {@code out[off]}; returns its length. */
    int copyHardware(int id, byte[] out, int off) {
        int len = hwLength[id] & 0xFF;
        if (len <= 8) {
            long v = hwPacked[id];
            for (int i = len - 1; i >= 0; i--) {
                out[off + i] = (byte) v;
                v >>>= 8;
            }
        } else {
            hwWide[id].copyTo(out, off);
        }
        return len;
    }

    HardwareAddress hardware(int id) {
        int len = hwLength[id] & 0xFF;
        if (len == 0) return null;
        if (len > 8) return hwWide[id];
        byte[] b = new byte[len];
        copyHardware(id, b, 0);
        return HardwareAddress.of(b);
    }

    private static long pack(byte[] buf, int off, int len) {
        long v = 0;
        for (int i = 0; i < len; i++) v = (v << 8) | (buf[off + i] & 0xFF);
        return v;
    }

    // -- LRU ------------------------------------------------------------------------------------

    /** Marks a dynamic entry as just used (which also ends its being learnt-only). */
    void touch(int id) {
        setLearntOnly(id, false); // used: no longer merely learnt
        if (stateOf(id) == NeighborState.STATIC || lruTail == id) return;
        lruUnlink(id);
        lruAppend(id);
    }

    /** The least recently used dynamic entry, or {@link #NONE}. */
    int lruOldest() {
        return lruHead;
    }

    int lruNewer(int id) {
        return lruNext[id];
    }

    private void lruAppend(int id) {
        lruPrev[id] = lruTail;
        lruNext[id] = NONE;
        if (lruTail != NONE) lruNext[lruTail] = id; else lruHead = id;
        lruTail = id;
    }

    private void lruUnlink(int id) {
        int p = lruPrev[id];
        int n = lruNext[id];
        if (p != NONE) lruNext[p] = n; else lruHead = n;
        if (n != NONE) lruPrev[n] = p; else lruTail = p;
        lruPrev[id] = NONE;
        lruNext[id] = NONE;
    }

    // -- storage --------------------------------------------------------------------------------

    private void grow() {
        int old = this.link.length;
        int n = (int) Math.min((long) hardLimit, Math.max(16L, old * 2L));
        if (n <= old) throw new IllegalStateException("neighbour table bound exceeded");
        link = Arrays.copyOf(link, n);
        addresses.resize(n);
        state = Arrays.copyOf(state, n);
        flags = Arrays.copyOf(flags, n);
        probes = Arrays.copyOf(probes, n);
        hwLength = Arrays.copyOf(hwLength, n);
        hwPacked = Arrays.copyOf(hwPacked, n);
        if (hwWide != null) hwWide = Arrays.copyOf(hwWide, n);
        stamp = Arrays.copyOf(stamp, n);
        targetTat = Arrays.copyOf(targetTat, n);
        lruPrev = Arrays.copyOf(lruPrev, n);
        lruNext = Arrays.copyOf(lruNext, n);
        wheel.ensureCapacity(n);
    }

    private void rehash(int newSize) {
        index = new int[newSize];
        indexMask = newSize - 1;
        for (int id = 0; id < used; id++) {
            if (state[id] != FREE) insertIndex(id, addresses.hash(link[id], id));
        }
    }

    private void insertIndex(int id, int hash) {
        int mask = indexMask;
        int slot = hash & mask;
        while (index[slot] != 0) slot = (slot + 1) & mask;
        index[slot] = id + 1;
    }

    private void removeIndex(int id) {
        int mask = indexMask;
        int slot = addresses.hash(link[id], id) & mask;
        while (index[slot] != id + 1) slot = (slot + 1) & mask;
        // Backward-shift deletion: pull later members of the probe run into the hole.
        int hole = slot;
        for (int s = (hole + 1) & mask; index[s] != 0; s = (s + 1) & mask) {
            int other = index[s] - 1;
            int home = addresses.hash(link[other], other) & mask;
            // Move when the hole lies cyclically within [home, s).
            if (((s - home) & mask) >= ((s - hole) & mask)) {
                index[hole] = index[s];
                hole = s;
            }
        }
        index[hole] = 0;
    }

    /** Every entry in use, as {@code view} makes it, in id order (for read-only views). */
    <T> java.util.List<T> collect(java.util.function.IntFunction<T> view) {
        java.util.List<T> all = new java.util.ArrayList<>(size());
        for (int id = 0; id < used; id++) {
            if (inUse(id)) all.add(view.apply(id));
        }
        return all;
    }
}

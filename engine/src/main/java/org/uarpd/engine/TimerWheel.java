package org.uarpd.engine;

import java.util.Arrays;

/**
 * Every engine timer on one hierarchical timing wheel (Varghese &amp; Lauck, scheme 7): four levels of
 * 256 slots over a tick of configurable length, so a timer up to 2^31 ticks ahead is armed and
 * cancelled in O(1) and expiry costs O(1) amortised per timer.
 *
 * <p>Timers are plain {@code int} ids owned by the caller: ids &ge; 0 are neighbour entries (their
 * storage grows with the table), negative ids are auxiliary timers (delayed replies). Each id is an
 * intrusive node of a circular doubly linked list whose sentinel is its slot, so nothing is allocated
 * per timer.
 *
 * <p>A timer lives at the level of the highest byte in which its deadline differs from the current
 * tick. When the current tick enters a higher-level slot, that slot is cascaded down; a level-0 slot
 * holds only timers due exactly at its tick.
 */
final class TimerWheel {
    /** Called for each timer that falls due, in deadline order (FIFO within one tick). */
    interface Expiry {
        void expired(int id);
    }

    static final int NIL = Integer.MIN_VALUE;
    /** The farthest ahead, in ticks, a timer may be armed. */
    static final long MAX_AHEAD = 1L << 31;
    private static final int LEVELS = 4;
    private static final int SLOT_BITS = 8;
    private static final int SLOTS = 1 << SLOT_BITS;
    private static final int SLOT_MASK = SLOTS - 1;
    private static final int SENTINELS = LEVELS * SLOTS;

    // Nodes for ids >= 0.
    private long[] deadline = new long[0];
    private int[] next = new int[0];
    private int[] prev = new int[0];
    // Nodes for ids < 0 (index ~id): the first SENTINELS are slot sentinels, the rest auxiliary timers.
    private long[] auxDeadline;
    private int[] auxNext;
    private int[] auxPrev;
    private int auxFree = NIL;
    private int auxUsed;

    private final long[] occupied = new long[LEVELS * SLOTS / 64];
    private long current;
    private long cachedNext = Long.MAX_VALUE;
    private boolean cacheValid = true;
    /**
     * The next tick after {@link #current} at which a timer fires or is cascaded, as the last
     * {@link #advance} found it; valid until a timer is inserted or unlinked. Time moving forward short
     * of it changes nothing in the wheel, so an engine that handles frame after frame between two
     * timers advances without scanning the levels for each.
     */
    private long ahead;
    private boolean aheadValid;

    TimerWheel() {
        auxDeadline = new long[SENTINELS + 16];
        auxNext = new int[SENTINELS + 16];
        auxPrev = new int[SENTINELS + 16];
        for (int s = 0; s < SENTINELS; s++) {
            int id = ~s;
            auxNext[s] = id;
            auxPrev[s] = id;
        }
        auxUsed = SENTINELS;
    }

    /** Makes room for entry ids {@code [0, capacity)}. */
    void ensureCapacity(int capacity) {
        int old = next.length;
        if (capacity <= old) return;
        deadline = Arrays.copyOf(deadline, capacity);
        next = Arrays.copyOf(next, capacity);
        prev = Arrays.copyOf(prev, capacity);
        Arrays.fill(next, old, capacity, NIL);
        Arrays.fill(prev, old, capacity, NIL);
    }

    long currentTick() {
        return current;
    }

    /** Allocates an auxiliary timer id (negative). */
    int allocateAux() {
        int id;
        if (auxFree != NIL) {
            id = auxFree;
            auxFree = auxNext[~id];
        } else {
            if (auxUsed == auxNext.length) {
                int n = auxUsed * 2;
                auxDeadline = Arrays.copyOf(auxDeadline, n);
                auxNext = Arrays.copyOf(auxNext, n);
                auxPrev = Arrays.copyOf(auxPrev, n);
            }
            id = ~auxUsed++;
        }
        auxNext[~id] = NIL;
        auxPrev[~id] = NIL;
        return id;
    }

    /** Returns an auxiliary id (cancelling it first). */
    void releaseAux(int id) {
        cancel(id);
        auxNext[~id] = auxFree;
        auxFree = id;
    }

    boolean isArmed(int id) {
        return nextOf(id) != NIL && prevOf(id) != NIL;
    }

    long deadlineOf(int id) {
        return id >= 0 ? deadline[id] : auxDeadline[~id];
    }

    /**
     * Arms (or re-arms) {@code id} to fire at {@code tick}. A tick not after the current one fires on
     * the next tick, so a handler that re-arms with no delay cannot loop.
     */
    void schedule(int id, long tick) {
        cancel(id);
        if (tick <= current) tick = current + 1;
        if (tick - current >= MAX_AHEAD) {
            throw new IllegalArgumentException("timer " + (tick - current) + " ticks ahead exceeds the wheel's range of " + MAX_AHEAD);
        }
        setDeadline(id, tick);
        insert(id, tick);
        if (cacheValid && tick < cachedNext) cachedNext = tick;
    }

    void cancel(int id) {
        if (!isArmed(id)) return;
        if (cacheValid && deadlineOf(id) == cachedNext) cacheValid = false;
        unlink(id);
    }

    /** Fires, in order, every timer due at or before {@code target}, and makes {@code target} current. */
    void advance(long target, Expiry expiry) {
        if (target <= current) return;
        if (aheadValid && ahead > target) {
            current = target;
            return;
        }
        // Moving time and cascading change no deadline: the cached earliest stays right unless
        // something fires (fireSlot0 drops it then).
        while (true) {
            long t = nextInterestingTick(false);
            if (t == Long.MAX_VALUE || t > target) {
                current = target;
                ahead = t;
                aheadValid = true;
                return;
            }
            current = t;
            int level = interestingLevel;
            if (level > 0) {
                cascade(level, interestingSlot);
            }
            fireSlot0((int) (current & SLOT_MASK), expiry);
        }
    }

    /** The tick of the earliest armed timer, or {@link Long#MAX_VALUE}. */
    long nextDeadlineTick() {
        if (cacheValid) return cachedNext;
        long t = nextInterestingTick(true);
        if (t != Long.MAX_VALUE && interestingLevel > 0) {
            // A higher-level slot covers a span of ticks: its earliest timer is the answer.
            int sentinel = ~(interestingLevel * SLOTS + interestingSlot);
            long min = Long.MAX_VALUE;
            for (int id = nextOf(sentinel); id != sentinel; id = nextOf(id)) {
                min = Math.min(min, deadlineOf(id));
            }
            t = min;
        }
        cachedNext = t;
        cacheValid = true;
        return t;
    }

    // -- internals -------------------------------------------------------------------------------

    private int interestingLevel;
    private int interestingSlot;

    /**
     * The first tick after the current one at which something happens: a level-0 slot that holds
     * timers, or the start of the first occupied higher-level slot (where it must be cascaded).
     * Timers at lower levels are always earlier than those at higher ones.
     */
    private long nextInterestingTick(boolean includeCurrent) {
        for (int level = 0; level < LEVELS; level++) {
            int shift = level * SLOT_BITS;
            int index = (int) ((current >>> shift) & SLOT_MASK);
            int from = (level == 0 && includeCurrent) ? index : index + 1;
            int slot = nextOccupied(level, from, SLOTS);
            boolean wrapped = false;
            if (slot < 0 && level == LEVELS - 1) {
                // The top level is circular: timers up to 2^31 ticks ahead may sit before the index.
                slot = nextOccupied(level, 0, index);
                wrapped = slot >= 0;
            }
            if (slot < 0) continue;
            interestingLevel = level;
            interestingSlot = slot;
            long blockBase = current & ~((1L << (shift + SLOT_BITS)) - 1);
            if (wrapped) blockBase += 1L << (shift + SLOT_BITS);
            return blockBase + ((long) slot << shift);
        }
        return Long.MAX_VALUE;
    }

    private int nextOccupied(int level, int from, int to) {
        int base = level * SLOTS;
        for (int i = from; i < to; ) {
            int bit = base + i;
            long word = occupied[bit >>> 6] >>> (bit & 63);
            if (word != 0) {
                int found = i + Long.numberOfTrailingZeros(word);
                return found < to ? found : -1;
            }
            i = (i | 63) + 1;
        }
        return -1;
    }

    private void cascade(int level, int slot) {
        int sentinel = ~(level * SLOTS + slot);
        int id = nextOf(sentinel);
        while (id != sentinel) {
            int following = nextOf(id);
            unlink(id);
            insert(id, deadlineOf(id));
            id = following;
        }
    }

    private void fireSlot0(int slot, Expiry expiry) {
        int sentinel = ~slot;
        int id;
        while ((id = nextOf(sentinel)) != sentinel) {
            unlink(id);
            cacheValid = false;
            expiry.expired(id);
        }
    }

    private void insert(int id, long tick) {
        aheadValid = false;
        long diff = tick ^ current;
        int level = diff < SLOTS ? 0 : Math.min(LEVELS - 1, (63 - Long.numberOfLeadingZeros(diff)) / SLOT_BITS);
        int slot = (int) ((tick >>> (level * SLOT_BITS)) & SLOT_MASK);
        int s = level * SLOTS + slot;
        int sentinel = ~s;
        int last = prevOf(sentinel);
        setNext(last, id);
        setPrev(id, last);
        setNext(id, sentinel);
        setPrev(sentinel, id);
        occupied[s >>> 6] |= 1L << (s & 63);
    }

    private void unlink(int id) {
        aheadValid = false;
        int p = prevOf(id);
        int n = nextOf(id);
        setNext(p, n);
        setPrev(n, p);
        setNext(id, NIL);
        setPrev(id, NIL);
        if (p == n && p < 0 && ~p < SENTINELS) {
            int s = ~p;
            occupied[s >>> 6] &= ~(1L << (s & 63));
        }
    }

    private int nextOf(int id) {
        return id >= 0 ? next[id] : auxNext[~id];
    }

    private int prevOf(int id) {
        return id >= 0 ? prev[id] : auxPrev[~id];
    }

    private void setNext(int id, int v) {
        if (id >= 0) next[id] = v; else auxNext[~id] = v;
    }

    private void setPrev(int id, int v) {
        if (id >= 0) prev[id] = v; else auxPrev[~id] = v;
    }

    private void setDeadline(int id, long tick) {
        if (id >= 0) deadline[id] = tick; else auxDeadline[~id] = tick;
    }
}

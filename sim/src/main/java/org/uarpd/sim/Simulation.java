package org.uarpd.sim;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * The discrete-event core: a virtual clock in nanoseconds, an event queue and one seeded random
 * source. Events due at the same instant run in the order they were scheduled (a sequence number
 * breaks every tie), and every random draw comes from the one generator in event order, so a run is
 * a pure function of its scenario and seed.
 */
public final class Simulation {
    private long now;
    private long sequence;
    private final SplittableRandom random;
    private final long seed;

    // A binary min-heap on (time, sequence), kept in parallel arrays so scheduling allocates nothing
    // beyond the event itself.
    private long[] times = new long[1024];
    private long[] sequences = new long[1024];
    private Runnable[] events = new Runnable[1024];
    private int size;
    private long executed;

    public Simulation(long seed) {
        this.seed = seed;
        this.random = new SplittableRandom(seed);
    }

    public long now() {
        return now;
    }

    public long seed() {
        return seed;
    }

    public SplittableRandom random() {
        return random;
    }

    /** Events run so far. */
    public long executed() {
        return executed;
    }

    public int pending() {
        return size;
    }

    /** Runs {@code event} at absolute virtual time {@code time} (never earlier than now). */
    public void at(long time, Runnable event) {
        if (time < now) time = now;
        if (size == times.length) grow();
        int i = size++;
        long seq = sequence++;
        // sift up
        while (i > 0) {
            int parent = (i - 1) >>> 1;
            if (before(times[parent], sequences[parent], time, seq)) break;
            times[i] = times[parent];
            sequences[i] = sequences[parent];
            events[i] = events[parent];
            i = parent;
        }
        times[i] = time;
        sequences[i] = seq;
        events[i] = event;
    }

    /** Runs {@code event} {@code delay} nanoseconds from now; a delay past the end of time saturates there. */
    public void after(long delay, Runnable event) {
        // now + delay would wrap negative for a huge delay, which at() would clamp to "run now"
        long d = Math.max(0, delay);
        at(d > Long.MAX_VALUE - now ? Long.MAX_VALUE : now + d, event);
    }

    /** Time of the next event, or {@link Long#MAX_VALUE} when the queue is empty. */
    public long nextEventTime() {
        return size == 0 ? Long.MAX_VALUE : times[0];
    }

    /** Runs the next event; false when there was none. */
    public boolean step() {
        if (size == 0) return false;
        long time = times[0];
        Runnable event = events[0];
        removeHead();
        now = time;
        executed++;
        event.run();
        return true;
    }

    /** Runs every event due at or before {@code until}, then sets the clock to {@code until}. */
    public void runUntil(long until) {
        while (size > 0 && times[0] <= until) step();
        if (until > now) now = until;
    }

    /** Runs until no event is left. */
    public void runToCompletion() {
        while (step()) {
            // keep going
        }
    }

    private static boolean before(long t1, long s1, long t2, long s2) {
        return t1 < t2 || (t1 == t2 && s1 < s2);
    }

    private void removeHead() {
        int last = --size;
        long t = times[last];
        long s = sequences[last];
        Runnable e = events[last];
        events[last] = null;
        if (last == 0) return;
        int i = 0;
        int half = last >>> 1;
        while (i < half) {
            int child = 2 * i + 1;
            int right = child + 1;
            if (right < last && before(times[right], sequences[right], times[child], sequences[child])) child = right;
            if (before(t, s, times[child], sequences[child])) break;
            times[i] = times[child];
            sequences[i] = sequences[child];
            events[i] = events[child];
            i = child;
        }
        times[i] = t;
        sequences[i] = s;
        events[i] = e;
    }

    private void grow() {
        int n = times.length * 2;
        times = Arrays.copyOf(times, n);
        sequences = Arrays.copyOf(sequences, n);
        events = Arrays.copyOf(events, n);
    }

    /** Nanoseconds in a second, for readable arithmetic at call sites. */
    public static final long SECOND = 1_000_000_000L;
    public static final long MILLISECOND = 1_000_000L;
    public static final long MICROSECOND = 1_000L;

    /** Formats a virtual time as seconds with microsecond precision ("12.000345"). */
    public static String formatTime(long nanos) {
        long micros = nanos / MICROSECOND;
        return String.format(java.util.Locale.ROOT, "%d.%06d", micros / 1_000_000, micros % 1_000_000);
    }
}

package org.uarpd.linux;

/**
 * How the event loop waits: when it may sleep in poll(2), and at which scheduling priority. After every event (a descriptor ready, a deadline
 * handled) it keeps polling with a zero timeout for a window before it sleeps again, so what follows
 * closely — the reply to the request just sent, the next request of a burst — is caught by a CPU
 * that is still awake instead of after another wake-up from idle; idle, the loop still sleeps (the
 * window only opens on an event). With busy polling it never sleeps.
 *
 * <p>The default window is off. Measured (BENCHMARKS.md, "Linux backend", spin window): no window
 * from 50 µs to 100 ms moved the median of the first packet after idle — a resolution has one
 * wake-up, the miss, and a window opened by an earlier event does not reach it (on veth the reply
 * and the install's ack are queued before our sendto returns) — while under load windows of 2 ms and
 * more slowed arp-scan bursts (a spinning thread loses the scheduler's wake-up preference). A miss
 * that does arrive inside a window is resolved as fast as with busy polling.
 */
final class LoopPacing {
    static final int DEFAULT_MICROS = 0;
    /** The longest window accepted: beyond this, use --busy-poll and say so. */
    static final int MAX_MICROS = 100_000;

    final boolean busyPoll;
    private long windowNanos = DEFAULT_MICROS * 1_000L;
    /** When the window opened by the last event closes. */
    private long until;

    LoopPacing(boolean busyPoll) {
        this.busyPoll = busyPoll;
    }

    /** Returns {@code micros} if it is a window {@link #set} accepts, else says why not. */
    static int check(int micros) {
        if (micros < 0 || micros > MAX_MICROS) {
            throw new IllegalArgumentException("--spin-us " + micros + " is outside 0.." + MAX_MICROS
                    + " microseconds (for a loop that never sleeps use --busy-poll)");
        }
        return micros;
    }

    void set(int micros) {
        windowNanos = check(micros) * 1_000L;
    }

    /** An event was handled at {@code now}: the window opens. */
    void opened(long now) {
        until = now + windowNanos;
    }

    /** Keeps the loop polling without sleeping until further notice (the warm-up's turns). */
    void holdOpen(long now) {
        until = now + (1L << 62);
    }

    /**
     * Runs the calling (loop) thread under SCHED_FIFO {@code priority} (0: leave it alone): woken, it
     * runs ahead of ordinary work, which cuts the tail latency and lets bursts be answered as they
     * arrive (BENCHMARKS.md).
     */
    void realtime(int priority, EventLog log) {
        if (priority == 0) return;
        if (busyPoll) {
            throw new IllegalArgumentException("--busy-poll with a realtime priority would keep a CPU from every ordinary task: choose one");
        }
        Libc.realtime(priority);
        LogLines.note(log, "event loop runs at SCHED_FIFO priority %d", priority);
    }

    /** Whether the loop must not sleep at {@code now}. */
    boolean spinning(long now) {
        return busyPoll || now - until < 0;
    }
}

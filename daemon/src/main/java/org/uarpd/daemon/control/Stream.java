package org.uarpd.daemon.control;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

/**
 * A live feed to one uarpctl (monitor or capture): the loop offers JSON lines, the connection's
 * thread takes and writes them. Bounded: a reader too slow for the loop loses lines (counted and
 * told), the loop never waits.
 */
final class Stream {
    enum Kind { EVENTS, FRAMES }

    final Kind kind;
    /** Frames still wanted (capture --count); Long.MAX_VALUE for no limit. */
    volatile long remaining;
    final BlockingQueue<String> lines = new ArrayBlockingQueue<>(16_384);
    volatile boolean closed;
    long lost;
    /** Only events about this address (monitor --dst); 0 for all. */
    final int address;

    Stream(Kind kind, long count, int address) {
        this.kind = kind;
        this.remaining = count;
        this.address = address;
    }

    /** Loop thread: queue one line; false when this stream wants no more. */
    boolean offer(String line) {
        if (closed) return false;
        if (!lines.offer(line)) lost++;
        if (--remaining <= 0) {
            lines.offer(END);
            closed = true;
            return false;
        }
        return true;
    }

    static final String END = "";
}

package org.uarpd.daemon.control;

import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.function.IntFunction;
import org.uarpd.daemon.control.protocol.Response;
import org.uarpd.engine.EngineEvent;
import org.uarpd.linux.LoopControl;
import org.uarpd.wire.Ip4;

/**
 * A live feed to one uarpctl (monitor or capture): the loop offers events or frames, the connection's
 * thread takes and writes them. Bounded: a reader too slow for the loop loses lines (counted and
 * told), the loop never waits. The time on each line is the wall clock, for people and pcap files;
 * the loop's monotonic clock has no date.
 */
final class Stream {
    enum Kind { EVENTS, FRAMES }

    /** Put in the queue after the last line. */
    static final Response END = new Response.End(-1);

    final Kind kind;
    /** Lines still wanted (--count); Long.MAX_VALUE for no limit. */
    volatile long remaining;
    /** Lines a stream holds for a slow reader; lines beyond it are counted as lost, not queued. */
    static final int CAPACITY = 16_384;
    final BlockingQueue<Response> lines = new ArrayBlockingQueue<>(CAPACITY);
    volatile boolean closed;
    volatile long lost;
    /** Only lines of this family and about this address or range (monitor --dst, capture --host, --family). */
    final StreamFilter filter;
    private final IntFunction<String> linkNames;

    /** @param linkNames link names by index, read on the loop thread */
    Stream(Kind kind, long count, StreamFilter filter, IntFunction<String> linkNames) {
        this.kind = kind;
        this.remaining = count;
        this.filter = filter;
        this.linkNames = linkNames;
    }

    /** LoopControl thread: whether this stream wants the event {@code ev}. */
    boolean wants(EngineEvent ev) {
        return kind == Kind.EVENTS && filter.wants(ev);
    }

    /** LoopControl thread: whether this stream wants the frame {@code buf[off, off+len)}. */
    boolean wants(byte[] buf, int off, int len) {
        return kind == Kind.FRAMES && filter.wants(buf, off, len);
    }

    /** LoopControl thread: one event; false when this stream wants no more. */
    boolean offer(EngineEvent ev) {
        String address = ev.address6() != null ? ev.address6().toString() : ev.address() != 0 ? Ip4.format(ev.address()) : null;
        return offer(new Response.Event(Instant.now().toString(), ev.kind().name().toLowerCase(), address,
                ev.link() != 0 ? linkNames.apply(ev.link()) : null, ev.hardware() != null ? ev.hardware().toString() : null,
                ev.state() != null ? ev.state().name() : null, ev.reason().name().toLowerCase(),
                ev.latencyNanos() > 0 ? ev.latencyNanos() / 1e6 : null, ev.detail()));
    }

    /** LoopControl thread: one frame, {@code in} or {@code out} on {@code link}; false when this stream wants no more. */
    boolean offer(String direction, int link, byte[] buf, int off, int len) {
        Instant t = Instant.now();
        return offer(new Response.Frame(t.getEpochSecond() * 1_000_000_000L + t.getNano(), direction, linkNames.apply(link),
                Base64.getEncoder().encodeToString(Arrays.copyOfRange(buf, off, off + len))));
    }

    private boolean offer(Response line) {
        if (closed) return false;
        if (!lines.offer(line)) lost++;
        if (--remaining <= 0) {
            lines.offer(END);
            closed = true;
            return false;
        }
        return true;
    }
}

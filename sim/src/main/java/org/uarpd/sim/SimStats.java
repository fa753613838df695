package org.uarpd.sim;

import java.util.Locale;

/** Counters and the resolution latency histogram of a run. */
public final class SimStats {
    /** Upper bounds (exclusive) of the latency buckets, in nanoseconds; the last bucket is open. */
    static final long[] BUCKET_BOUNDS = {
        100 * Simulation.MICROSECOND, Simulation.MILLISECOND, 10 * Simulation.MILLISECOND,
        100 * Simulation.MILLISECOND, Simulation.SECOND, 10 * Simulation.SECOND
    };
    static final String[] BUCKET_NAMES = {"<100us", "<1ms", "<10ms", "<100ms", "<1s", "<10s", ">=10s"};

    /** Why a resolution failed. */
    public enum Failure {
        /** Every request went unanswered (or the resolver gave up and said so). */
        NO_ANSWER,
        /** An ATMARP server answered that it knows no such address (RFC 2225 ATMARP_NAK). */
        NAK
    }

    private long resolved;
    private long failed;
    private final long[] failedBy = new long[Failure.values().length];
    long refusedSends;
    private final long[] latency = new long[BUCKET_BOUNDS.length + 1];
    private long latencySum;
    private long latencyMax;
    long packetsSent;
    long packetsDelivered;
    long packetsUnreachable;
    long packetsHoldDropped;
    long packetsNoRoute;
    long malformedFrames;
    long misses;

    void resolved(long latencyNanos) {
        resolved++;
        latencySum += latencyNanos;
        latencyMax = Math.max(latencyMax, latencyNanos);
        int b = 0;
        while (b < BUCKET_BOUNDS.length && latencyNanos >= BUCKET_BOUNDS[b]) b++;
        latency[b]++;
    }

    void countFailure(Failure why) {
        failed++;
        failedBy[why.ordinal()]++;
    }

    public long failed(Failure why) {
        return failedBy[why.ordinal()];
    }

    public long resolved() { return resolved; }
    public long failed() { return failed; }
    public long packetsSent() { return packetsSent; }
    public long packetsDelivered() { return packetsDelivered; }
    public long packetsUnreachable() { return packetsUnreachable; }
    public long packetsHoldDropped() { return packetsHoldDropped; }
    public long packetsNoRoute() { return packetsNoRoute; }
    public long malformedFrames() { return malformedFrames; }
    public long misses() { return misses; }

    public long[] latencyBuckets() {
        return latency.clone();
    }

    /** Multi-line summary of resolutions and the latency histogram. */
    public String summary() {
        StringBuilder s = new StringBuilder();
        s.append(String.format(Locale.ROOT, "resolutions: %d resolved, %d failed (%d unanswered, %d refused by NAK); %d kernel misses%n",
                resolved, failed, failedBy[Failure.NO_ANSWER.ordinal()], failedBy[Failure.NAK.ordinal()], misses));
        if (resolved > 0) {
            s.append(String.format(Locale.ROOT, "latency: mean %s s, max %s s%n",
                    Simulation.formatTime(latencySum / resolved), Simulation.formatTime(latencyMax)));
        }
        long peak = 0;
        for (long c : latency) peak = Math.max(peak, c);
        for (int i = 0; i < latency.length; i++) {
            int bar = peak == 0 ? 0 : (int) Math.ceil(40.0 * latency[i] / peak);
            s.append(String.format(Locale.ROOT, "  %-7s %8d %s%n", BUCKET_NAMES[i], latency[i], "#".repeat(bar)));
        }
        s.append(String.format(Locale.ROOT, "packets: %d sent, %d delivered, %d host-unreachable, %d dropped from hold queue, %d no route%n",
                packetsSent, packetsDelivered, packetsUnreachable, packetsHoldDropped, packetsNoRoute));
        if (malformedFrames > 0) s.append("malformed frames dropped: ").append(malformedFrames).append('\n');
        if (refusedSends > 0) s.append("frames refused by a packet socket: ").append(refusedSends).append('\n');
        return s.toString();
    }
}

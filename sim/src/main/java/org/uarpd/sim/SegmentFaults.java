package org.uarpd.sim;

/**
 * What a segment does to frames in flight, decided per delivery (each receiver of a broadcast
 * draws its own fate, as on a real medium with independent receivers).
 *
 * @param loss        probability a delivery is lost
 * @param duplicate   probability a delivery arrives twice
 * @param delayNanos  fixed one-way delay
 * @param jitterNanos extra delay drawn uniformly from [0, jitter)
 * @param reorder     probability a delivery is held back by {@code reorderNanos}, letting later
 *                    frames overtake it
 * @param reorderNanos how long a reordered delivery is held back
 */
public record SegmentFaults(double loss, double duplicate, long delayNanos, long jitterNanos, double reorder, long reorderNanos) {
    /** A clean medium with a 10 µs delay. */
    public static final SegmentFaults NONE = new SegmentFaults(0, 0, 10 * Simulation.MICROSECOND, 0, 0, 0);

    public SegmentFaults {
        checkProbability("loss", loss);
        checkProbability("duplicate", duplicate);
        checkProbability("reorder", reorder);
        if (delayNanos < 0 || jitterNanos < 0 || reorderNanos < 0) throw new IllegalArgumentException("delays must not be negative");
    }

    private static void checkProbability(String what, double p) {
        if (!(p >= 0 && p <= 1)) throw new IllegalArgumentException(what + " must be a probability in [0, 1], got " + p);
    }

    public SegmentFaults withLoss(double p) {
        return new SegmentFaults(p, duplicate, delayNanos, jitterNanos, reorder, reorderNanos);
    }

    public SegmentFaults withDuplicate(double p) {
        return new SegmentFaults(loss, p, delayNanos, jitterNanos, reorder, reorderNanos);
    }

    public SegmentFaults withDelay(long delay, long jitter) {
        return new SegmentFaults(loss, duplicate, delay, jitter, reorder, reorderNanos);
    }

    public SegmentFaults withReorder(double p, long holdBack) {
        return new SegmentFaults(loss, duplicate, delayNanos, jitterNanos, p, holdBack);
    }
}

package org.uarpd.wire.pcap;

/** Resolution of the timestamps a capture file stores. Callers always hand timestamps in nanoseconds. */
public enum TimestampResolution {
    MICROS(1_000L),
    NANOS(1L);

    private final long nanosPerUnit;

    TimestampResolution(long nanosPerUnit) {
        this.nanosPerUnit = nanosPerUnit;
    }

    /** Seconds and sub-second units for an epoch time in nanoseconds (floor, so negative times stay ordered). */
    long seconds(long epochNanos) {
        return Math.floorDiv(epochNanos, 1_000_000_000L);
    }

    long fraction(long epochNanos) {
        return Math.floorMod(epochNanos, 1_000_000_000L) / nanosPerUnit;
    }

    long nanosPerUnit() {
        return nanosPerUnit;
    }
}

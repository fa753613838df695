package org.uarpd.fleet;

/**
 * The fencing clock: until when this host may act as an owner under its lease.
 *
 * <p>etcd starts a lease's TTL afresh when it processes a keepalive (or the grant). That happens
 * after this host sent the request, so the lease cannot expire on the server before
 * {@code sent + ttl}; keys under the lease, and with them the ownership, cannot pass to another host
 * before then. Counting from the send time of the last <em>answered</em> request, on the monotonic
 * clock, and stopping {@code margin} earlier gives a deadline that is never later than the earliest
 * possible expiry, whatever happens to later requests or their answers. A keepalive that reached
 * etcd but whose answer was lost only makes the real expiry later, which is the safe side.
 *
 * <p>Times are {@link System#nanoTime()} values passed in, so the arithmetic is testable on its own.
 */
final class LeaseDeadline {

    private final long marginNanos;
    private volatile long leaseId;
    private volatile long deadline;

    LeaseDeadline(long marginNanos) {
        this.marginNanos = marginNanos;
    }

    /** A lease was granted for a request sent at {@code sentNanos}. */
    void granted(long id, long sentNanos, long ttlSeconds) {
        deadline = sentNanos + ttlSeconds * 1_000_000_000L - marginNanos;
        leaseId = id;
    }

    /**
     * A lease granted to another process of this host, to be kept alive from here on: nothing may be
     * answered under it until a keepalive sent from here has been answered ({@link #renewed}).
     */
    void adopted(long id, long nowNanos) {
        deadline = nowNanos;
        leaseId = id;
    }

    /**
     * Another process of this machine knew lease {@code id} alive until {@code deadlineNanos} (on the
     * shared monotonic clock, see {@link Tenure}): that holds here too.
     */
    void inherited(long id, long deadlineNanos) {
        if (id == leaseId && id != 0 && deadlineNanos - deadline > 0) deadline = deadlineNanos;
    }

    /** The deadline itself, on {@link System#nanoTime()}; meaningful only while {@link #leaseId()} is not 0. */
    long deadline() {
        return deadline;
    }

    /** A keepalive sent at {@code sentNanos} was answered; answers may arrive out of order. */
    void renewed(long id, long sentNanos, long ttlSeconds) {
        if (id != leaseId || id == 0) return;
        long candidate = sentNanos + ttlSeconds * 1_000_000_000L - marginNanos;
        if (candidate - deadline > 0) deadline = candidate;
    }

    /** The lease is gone (revoked, expired, or replaced): nothing may be answered under it. */
    void dropped() {
        leaseId = 0;
    }

    boolean live(long nowNanos) {
        return leaseId != 0 && nowNanos - deadline < 0;
    }

    long leaseId() {
        return leaseId;
    }

    /** Nanoseconds from {@code nowNanos} until the deadline; negative once passed. */
    long remaining(long nowNanos) {
        return deadline - nowNanos;
    }
}

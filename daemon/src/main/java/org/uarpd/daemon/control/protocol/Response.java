package org.uarpd.daemon.control.protocol;

import java.util.List;
import java.util.Map;

/**
 * What uarpd answers: one record for a request carried out, {@link Failure} for one refused, and for
 * {@code monitor} and {@code capture} {@link Streaming}, then {@link Event} or {@link Frame} lines
 * and {@link End}. The fields of each record are what {@code uarpctl -j} prints (without the
 * {@code type} that names the record on the socket). A null field is left out.
 */
public sealed interface Response {
    /** The request was refused; {@code error} says why, for the operator to read. */
    record Failure(String error) implements Response {}

    /** Done; {@code message} says what was done. */
    record Message(String message) implements Response {}

    /** {@code show neigh}, sorted by link and address. */
    record Neighbours(List<Neighbour> entries) implements Response {}

    record Neighbour(String dst, String dev, String lladdr, String state) {}

    /** {@code show published}: the config's entries, then those added by uarpctl. */
    record Published(List<PublishedRow> entries) implements Response {}

    /** {@code when}: the condition an IPv6 entry is answered under ({@code always}, {@code route}, {@code target-answers via IF}); null for IPv4. */
    record PublishedRow(String dev, String target, List<String> exclude, String lladdr, boolean broadcastOnly, String replyDelay,
            boolean answerProbes, String source, String when) {}

    /** {@code show links}. */
    record Links(List<LinkRow> entries) implements Response {}

    /**
     * One link; {@code claims} are those of its {@code addresses} that uarpd does not answer for now
     * (RFC 5227): still probing, or yielded to another host until {@code uarpctl reclaim}.
     */
    record LinkRow(String name, int index, String lladdr, String mode, boolean rarp, List<String> addresses, List<ClaimRow> claims) {
        public LinkRow {
            claims = claims == null ? List.of() : List.copyOf(claims);
        }
    }

    /** {@code state} "probing" or "yielded"; {@code claimant} the other host's hardware address, null when none was seen. */
    record ClaimRow(String address, String state, String claimant) {}

    /** {@code show rarp}: the ethers table by address. */
    record Rarp(List<RarpRow> entries) implements Response {}

    record RarpRow(String lladdr, String address) {}

    /**
     * {@code show fleet}: this host ({@code host}) in fleet {@code fleet}; {@code lastContact} is the
     * wall-clock time of etcd's last answer (null: none yet); {@code owners} every group's owner as last
     * seen, with the ownership key's revision for the groups this host holds.
     */
    record Fleet(String fleet, String host, boolean connected, String lastContact, long leaseId, long leaseTtlSeconds,
            String leaseMargin, List<String> members, List<String> owned, List<FleetOwner> owners, int directorySize,
            long gains, long takeovers, long losses, long storeErrors, long malformed, long relists) implements Response {}

    record FleetOwner(String group, String host, Long revision) {}

    /** How a probe ended: resolved, known (answered from the table), failed or not probed, and after how long. */
    record ProbeResult(String dst, String dev, String outcome, String lladdr, String state, String reason, double ms) implements Response {}

    /** Counters; {@code events} by reason, only those that happened. */
    record Stats(long uptimeSeconds, long entries, long pendingResolutions, long kernelErrors, long framesUnsent, long resyncs,
            long policyFailures, long liveStreams, Map<String, Long> events) implements Response {}

    /** A stream follows. */
    record Streaming() implements Response {}

    /** One engine event ({@code ms}: the resolution's latency, when there was one). */
    record Event(String time, String kind, String dst, String dev, String lladdr, String state, String reason, Double ms, String detail)
            implements Response {}

    /** One frame, received ({@code in}) or sent ({@code out}), in base64. */
    record Frame(long epochNanos, String direction, String dev, String frame) implements Response {}

    /** A stream reached its count; {@code lost} lines did not fit its queue (a reader too slow). */
    record End(long lost) implements Response {}
}

package org.uarpd.engine;

import java.util.List;
import java.util.Objects;
import org.uarpd.wire.HardwareAddress;

/**
 * An address (or set of addresses) uarpd answers ARP requests for although the host does not own it.
 * When several cover a target, the most specific answers: a single address, then the range with the
 * longest prefix, then proxy ARP; entries on the asking link before those published on every link.
 *
 * @param target           which target addresses it covers
 * @param hardware         the hardware address to answer with; null for the link's own
 * @param broadcastOnly    answer only requests sent to the broadcast address, so unicast liveness
 *                         checks (a re-probe of a cached entry) reach the real host
 * @param replyDelayNanos  wait this long before answering (0: at once), like Linux's proxy_delay, so
 *                         that the real host, if present, answers first
 * @param answerProbes     answer RFC 5227 probes (sender address 0.0.0.0) too; off by default, since
 *                         an answer makes the probing host believe its address is taken (§2.1.1)
 */
public record PublishedEntry(Target target, HardwareAddress hardware, boolean broadcastOnly,
                             long replyDelayNanos, boolean answerProbes) {

    public PublishedEntry {
        Objects.requireNonNull(target, "target");
        if (replyDelayNanos < 0) throw new IllegalArgumentException("reply delay must not be negative");
    }

    /** What a published entry covers. */
    public sealed interface Target {
        /** One address. */
        record Address(int address) implements Target {}

        /** Every address of {@code range} except those in {@code excluded}. */
        record Range(Cidr range, List<Cidr> excluded) implements Target {
            public Range {
                excluded = List.copyOf(excluded);
            }
        }

        /**
         * Proxy ARP (RFC 1027): any address on the subnet of another link of this host (as learnt
         * from {@link Input.AddressAdded} prefixes), but not on the subnet of the asking link itself.
         */
        record RoutedElsewhere() implements Target {}
    }

    public static PublishedEntry address(int address) {
        return new PublishedEntry(new Target.Address(address), null, false, 0, false);
    }

    public static PublishedEntry range(Cidr range, Cidr... excluded) {
        return new PublishedEntry(new Target.Range(range, List.of(excluded)), null, false, 0, false);
    }

    public static PublishedEntry routedElsewhere() {
        return new PublishedEntry(new Target.RoutedElsewhere(), null, false, 0, false);
    }

    public PublishedEntry withHardware(HardwareAddress hw) {
        return new PublishedEntry(target, hw, broadcastOnly, replyDelayNanos, answerProbes);
    }

    public PublishedEntry withBroadcastOnly(boolean on) {
        return new PublishedEntry(target, hardware, on, replyDelayNanos, answerProbes);
    }

    public PublishedEntry withReplyDelay(long nanos) {
        return new PublishedEntry(target, hardware, broadcastOnly, nanos, answerProbes);
    }

    public PublishedEntry withAnswerProbes(boolean on) {
        return new PublishedEntry(target, hardware, broadcastOnly, replyDelayNanos, on);
    }
}

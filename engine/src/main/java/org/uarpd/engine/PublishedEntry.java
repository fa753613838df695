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

    /**
     * What a published entry written as text answers for: {@code proxy}, an address, or a CIDR range
     * less {@code exclusions} (addresses or ranges, each within the range). A /32 without exclusions
     * is the one address. Callers word the error for where the text came from.
     *
     * @throws IllegalArgumentException a target or exclusion that is neither address nor range, an
     *     exclusion outside the range, or exclusions on a target that takes none
     */
    public static Target parseTarget(String text, List<String> exclusions) {
        String t = text.strip();
        if (t.equals("proxy")) {
            if (!exclusions.isEmpty()) throw new IllegalArgumentException("exclusions need a range; proxy entries take none");
            return new Target.RoutedElsewhere();
        }
        Cidr range = Cidr.parse(t);
        List<Cidr> excluded = new java.util.ArrayList<>();
        for (String x : exclusions) {
            Cidr c = Cidr.parse(x.strip());
            if (!range.covers(c)) throw new IllegalArgumentException("'" + x.strip() + "' is outside the range " + range);
            excluded.add(c);
        }
        if (excluded.isEmpty() && range.prefixLength() == 32) return new Target.Address(range.network());
        return new Target.Range(range, excluded);
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

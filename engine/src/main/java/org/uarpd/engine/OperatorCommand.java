package org.uarpd.engine;

import org.uarpd.wire.HardwareAddress;
import org.uarpd.wire.Ip6Address;

/** What an operator can ask of the engine directly. */
public sealed interface OperatorCommand {
    /** Pin a binding that nothing on the wire can change (installed into the kernel as STATIC). */
    record AddStatic(int link, int address, HardwareAddress hardware) implements OperatorCommand {}

    record DeleteStatic(int link, int address) implements OperatorCommand {}

    /** Drop every dynamic entry on {@code link} (all links when {@code link} is 0). */
    record Flush(int link) implements OperatorCommand {}

    /** Resolve {@code address} on {@code link} now, for uarpd's own needs. */
    record Probe(int link, int address) implements OperatorCommand {}

    /** Answer for {@code entry} on {@code link} (on every link when {@code link} is 0). */
    record Publish(int link, PublishedEntry entry) implements OperatorCommand {}

    /** Stop answering for an entry added by {@link Publish} (matched by equality, same link). */
    record Unpublish(int link, PublishedEntry entry) implements OperatorCommand {}

    /**
     * Apply a new configuration without losing state: every entry, resolution and operator-published
     * entry stays; timers, rate limits, {@code maxPending}, the RARP table and each known link's
     * {@link LinkPolicy} (mode, rarp, inarp, announce, its configured published entries) become
     * {@code next}'s. Timers already armed keep their deadlines. The table's size bounds
     * ({@code maxEntries}, {@code maxStaticEntries}) and the timer tick cannot change while running
     * (the table and the wheel are sized by them): a {@code next} that changes them is refused with
     * {@link IllegalArgumentException} before anything changes. The seed is kept.
     */
    record Reconfigure(EngineConfig next) implements OperatorCommand {
        public Reconfigure {
            java.util.Objects.requireNonNull(next, "next");
        }
    }

    /**
     * Announce {@code address} on {@code link} now: {@code count} gratuitous ARP requests (RFC 5227
     * §2.3 announcement format: sender and target protocol address both {@code address}, sender
     * hardware address the link's own, broadcast), the first at once, the next every
     * {@code intervalNanos}. For failover: the address need not be one the host holds yet.
     * {@code hardware}, when not null, is announced instead of the link's own (a published entry's
     * own address); it must be as long as the link's. With {@code replyForm} each announcement is a
     * request followed by a broadcast reply with the same sender and target addresses (RFC 5944
     * §4.6's gratuitous reply: target hardware address = sender's), which hosts and switches that
     * ignore unsolicited requests still take.
     */
    record Announce(int link, int address, int count, long intervalNanos, HardwareAddress hardware, boolean replyForm)
            implements OperatorCommand {
        public Announce {
            if (count < 1 || count > 1000) throw new IllegalArgumentException("announce count must be 1..1000, got " + count);
            if (intervalNanos < 0) throw new IllegalArgumentException("announce interval must not be negative, got " + intervalNanos + " ns");
            if (address == 0) throw new IllegalArgumentException("cannot announce 0.0.0.0");
        }

        /** Requests only, at the link's own hardware address. */
        public Announce(int link, int address, int count, long intervalNanos) {
            this(link, address, count, intervalNanos, null, false);
        }
    }

    /** {@link AddStatic} for an IPv6 neighbour. */
    record AddStatic6(int link, Ip6Address address, HardwareAddress hardware) implements OperatorCommand {}

    record DeleteStatic6(int link, Ip6Address address) implements OperatorCommand {}

    /** {@link Probe} for an IPv6 neighbour: resolve it by neighbour solicitation now. */
    record Probe6(int link, Ip6Address address) implements OperatorCommand {}

    /** Answer neighbour solicitations for {@code entry} on {@code link} (every link when 0). */
    record Publish6(int link, NdPublished entry) implements OperatorCommand {}

    /** Stop answering for an entry added by {@link Publish6} (matched by equality, same link). */
    record Unpublish6(int link, NdPublished entry) implements OperatorCommand {}

    /**
     * Apply a new neighbour discovery configuration, as {@link Reconfigure} does for the rest: the
     * IPv6 entries stay, the ND timers and each known link's {@link NdLinkPolicy} become {@code next}'s.
     */
    record ReconfigureNd(NdConfig next) implements OperatorCommand {
        public ReconfigureNd {
            java.util.Objects.requireNonNull(next, "next");
        }
    }

    /**
     * Take back {@code address} on {@code link}, which the host yielded to another host
     * ({@link AddressClaim.State#YIELDED}): probe for it afresh (RFC 5227 §2.1.1) and, once no
     * conflict is heard, announce it (§2.3). A conflict during the probes yields it again. An address
     * not yielded is left alone (event IGNORED/NOT_YIELDED).
     */
    record Reclaim(int link, int address) implements OperatorCommand {}

    /** What the backend tells the engine about a shared directory of bindings (docs/fleet.md). */
    sealed interface DirectoryCommand extends OperatorCommand {}

    /** The directory holds {@code address} at {@code hardware} (written by another host); replaces what was held. */
    record DirectoryKnown(int address, HardwareAddress hardware) implements DirectoryCommand {
        public DirectoryKnown {
            java.util.Objects.requireNonNull(hardware, "hardware");
            if (address == 0) throw new IllegalArgumentException("0.0.0.0 is not a binding");
        }
    }

    /** The directory no longer holds {@code address}. */
    record DirectoryGone(int address) implements DirectoryCommand {}

    /**
     * Whether broadcast requests for addresses the directory holds on behalf of other hosts are
     * answered: on only while every binding held is known to have a live writer.
     */
    record DirectoryAnswers(boolean on) implements DirectoryCommand {}
}

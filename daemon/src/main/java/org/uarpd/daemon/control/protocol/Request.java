package org.uarpd.daemon.control.protocol;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/**
 * What {@code uarpctl} asks a running uarpd, one record per command. Addresses travel as the
 * operator wrote them: the daemon reads them (with the same parsers as the config file) and answers
 * a mistake with its reason. {@code dev} is a link name, or null for the only link (or every link,
 * where a command can mean all). On the socket a request is one JSON object per line, its
 * {@code command} naming the record ({@link ControlCodec}).
 */
public sealed interface Request {
    /** {@code show TABLE}. */
    record Show(Table table) implements Request {}

    /** The tables {@link Show} can ask for. */
    enum Table {
        @JsonProperty("neigh") NEIGH,
        @JsonProperty("published") PUBLISHED,
        @JsonProperty("links") LINKS,
        @JsonProperty("rarp") RARP,
        @JsonProperty("fleet") FLEET;

        /** The table named {@code name} as uarpctl's argument writes it. */
        public static Table named(String name) throws ProtocolException {
            for (Table t : values()) if (t.name().equalsIgnoreCase(name)) return t;
            throw new ProtocolException("show: unknown table '" + name + "'; expected neigh, published, links, rarp or fleet");
        }
    }

    /** A static entry: {@code address} is bound to {@code lladdr} until deleted. */
    record Add(String dev, String address, String lladdr) implements Request {}

    /** Deletes the static entry for {@code address}. */
    record Del(String dev, String address) implements Request {}

    /**
     * What {@link Publish} and {@link Unpublish} name: a target ("proxy", an address or a range) with
     * exclusions, and the options of the answer; {@code replyDelayNanos} 0 for none. An IPv6 target
     * may be answered under a condition, as the config file's {@code when} and {@code via} keys say
     * ({@code always}, {@code route}, {@code target-answers} asking on {@code via}); null: always.
     */
    record Entry(String target, List<String> exclude, String lladdr, boolean broadcastOnly, long replyDelayNanos, boolean answerProbes,
                 String when, String via) {
        public Entry {
            exclude = exclude == null ? List.of() : List.copyOf(exclude);
        }

        /** An entry answered always (every IPv4 entry). */
        public Entry(String target, List<String> exclude, String lladdr, boolean broadcastOnly, long replyDelayNanos, boolean answerProbes) {
            this(target, exclude, lladdr, broadcastOnly, replyDelayNanos, answerProbes, null, null);
        }
    }

    /** Answers for {@code entry} on {@code dev} (null: every link) until unpublished or restart. */
    record Publish(String dev, Entry entry) implements Request {}

    /** Stops answering for an entry added by {@link Publish}, named the same way. */
    record Unpublish(String dev, Entry entry) implements Request {}

    /** Drops the dynamic entries of {@code dev} (null: of every link). */
    record Flush(String dev) implements Request {}

    /** Resolves {@code address} now and answers when the outcome is known. */
    record Probe(String dev, String address) implements Request {}

    /** Table size, backend counters and events by reason. */
    record Stats() implements Request {}

    /** Gratuitous requests for {@code address}: {@code count} of them, {@code intervalNanos} apart. */
    record Announce(String dev, String address, long count, long intervalNanos) implements Request {}

    /**
     * Takes back {@code address}, one of the host's addresses that uarpd yielded to another host (RFC
     * 5227 §2.4): probes for it afresh, then announces it. {@code dev} null: the link that holds it.
     */
    record Reclaim(String dev, String address) implements Request {}

    /** Reads the config file again and applies it, as SIGHUP does. */
    record Reload() implements Request {}

    /**
     * Replaces the running uarpd with a freshly started one (same command line, same configuration
     * file): answered once the new one serves, by the old one, which then exits.
     */
    record Restart() implements Request {}

    /**
     * A live stream of events, {@code count} of them (null: until the reader hangs up), about
     * {@code dst} only (an address or range of either family; null: all), of {@code family} only
     * ({@code inet}, {@code inet6}; null: both).
     */
    record Monitor(Long count, String dst, String family) implements Request {
        public Monitor(Long count, String dst) {
            this(count, dst, null);
        }
    }

    /**
     * A live stream of the frames received and sent, {@code count} of them (null: no limit), about
     * {@code host} only (an address or range of either family; null: all), of {@code family} only
     * ({@code inet}: ARP, {@code inet6}: neighbour discovery; null: both).
     */
    record Capture(Long count, String host, String family) implements Request {
        public Capture(Long count, String host) {
            this(count, host, null);
        }
    }
}

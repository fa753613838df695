package org.uarpd.sim.scenario;

import java.util.List;
import org.uarpd.engine.Cidr6;
import org.uarpd.engine.PublishedEntry;
import org.uarpd.sim.SegmentFaults;
import org.uarpd.wire.HardwareAddress;
import org.uarpd.wire.Ip6Address;
import org.uarpd.wire.LinkType;

/**
 * A parsed scenario file (format in docs/sim.md): the network, what each host runs, and the timed
 * events. Every declaration keeps its line number so later checks can still point at the file.
 */
public record Scenario(
        String source,
        Long seed,
        List<SegmentDecl> segments,
        List<HostDecl> hosts,
        List<InterfaceDecl> interfaces,
        List<Inet6Decl> inet6,
        List<RouteDecl> routes,
        List<PublishDecl> published,
        List<Publish6Decl> published6,
        List<EthersDecl> ethers,
        List<BridgeDecl> bridges,
        List<TimedEvent> events,
        long duration) {

    public record SegmentDecl(int line, String name, LinkType type, SegmentFaults faults) {}

    /**
     * @param uarpd      the host runs uarpd (else it is a legacy host with the in-kernel ARP only)
     * @param uarpdDelay uarpd starts this long after each boot (the kernel's own ARP serves until then)
     * @param assist     uarpd's links run in assist mode instead of authoritative
     */
    public record HostDecl(int line, String name, boolean uarpd, long uarpdDelay, boolean assist, int holdDepth, boolean forward) {}

    /** An interface; {@code address} is ignored when {@code rarp} is set (the address comes by RARP at boot). */
    public record InterfaceDecl(int line, String host, String name, String segment, HardwareAddress hardware,
                                int address, int prefixLength, boolean rarp, boolean rarpServer, boolean proxy,
                                boolean atmArpServer) {}

    /** An IPv6 address configured on an interface at every boot; its prefix is on-link. */
    public record Inet6Decl(int line, String host, String ifname, Ip6Address address, int prefixLength) {}

    /** A route; {@code gateway} 0 means directly out of {@code device}. */
    public record RouteDecl(int line, String host, int prefix, int prefixLength, int gateway, String device) {}

    /** A published range with exclusions, or single address, answered with {@code hardware} (null: the link's own). */
    public record PublishDecl(int line, String host, String ifname, PublishedEntry.Target target, HardwareAddress hardware) {}

    /** A published IPv6 range (proxy neighbour discovery) with exclusions, answered with {@code hardware} (null: the link's own). */
    public record Publish6Decl(int line, String host, String ifname, Cidr6 range, List<Cidr6> excluded, HardwareAddress hardware) {}

    /** One line of the RARP server's ethers table on {@code host}. */
    public record EthersDecl(int line, String host, HardwareAddress hardware, int address) {}

    /** A source-route bridge (number {@code bridge}) between two Token Ring segments with their ring numbers. */
    public record BridgeDecl(int line, String segmentA, int ringA, String segmentB, int ringB, int bridge) {}

    /** Something scheduled at {@code time}. */
    public record TimedEvent(int line, long time, Event event) {}

    public sealed interface Event {
        /** Send {@code count} datagrams, {@code interval} apart. */
        record Send(String host, int destination, int count, long interval) implements Event {}

        /** Send {@code count} IPv6 datagrams, {@code interval} apart. */
        record Send6(String host, Ip6Address destination, int count, long interval) implements Event {}

        /** Split a segment into groups of hosts that hear only each other. */
        record Partition(String segment, List<List<String>> groups) implements Event {}

        record Heal(String segment) implements Event {}

        record Faults(String segment, SegmentFaults faults) implements Event {}

        record Crash(String host) implements Event {}

        record Restart(String host) implements Event {}

        record StartUarpd(String host) implements Event {}

        record KillUarpd(String host) implements Event {}

        /** Take an interface up or down. */
        record Link(String host, String ifname, boolean up) implements Event {}

        /** Add or remove an address on an interface. */
        record Address(String host, String ifname, int address, int prefixLength, boolean add) implements Event {}

        /** Add or remove an IPv6 address on an interface. */
        record Address6(String host, String ifname, Ip6Address address, int prefixLength, boolean add) implements Event {}

        /** The operator pins a binding in the kernel (arp -s): the daemon hears of it on the routing socket. */
        record StaticEntry(String host, String ifname, int address, org.uarpd.wire.HardwareAddress hardware) implements Event {}
    }
}

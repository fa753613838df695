package org.uarpd.engine;

import org.uarpd.wire.HardwareAddress;
import org.uarpd.wire.Ip6Address;
import org.uarpd.wire.LinkType;

/**
 * Everything a backend can tell the engine. Time is not part of
 * an input: every call into the engine passes {@code now} (nanoseconds on the backend's monotonic
 * clock) beside it, so the engine never reads a clock.
 *
 * <p>Links are identified by an {@code int} the backend chooses (the ifindex on Linux, the interface
 * number in the simulator). IPv4 addresses are {@code int}s (see {@code org.uarpd.wire.Ip4}); the
 * {@code …6} inputs carry IPv6 ones. IPv6 neighbour discovery frames arrive as {@link FrameReceived}.
 */
public sealed interface Input {

    /** The kernel has no binding for {@code address} on {@code link} and asks for one (RTM_MISS / app_solicit). */
    record KernelMiss(int link, int address, int probes, HardwareAddress known) implements Input {}

    /** A frame arrived on {@code link}. The engine copies what it keeps; the array may be reused after the call. */
    record FrameReceived(int link, byte[] frame, int offset, int length) implements Input {}

    /** The host got an address on {@code link}. */
    record AddressAdded(int link, int address, int prefixLength) implements Input {}

    /** The host lost an address on {@code link}. */
    record AddressRemoved(int link, int address, int prefixLength) implements Input {}

    /** A link appeared or changed: its kind, its own hardware address, whether it is up. */
    record LinkChanged(int link, String name, LinkType type, HardwareAddress address, boolean up) implements Input {}

    /** A link went away. */
    record LinkRemoved(int link) implements Input {}

    /**
     * Someone other than uarpd changed the kernel's binding for {@code address} ({@code hardware} null
     * when the entry was deleted).
     */
    record KernelNeighborChanged(int link, int address, HardwareAddress hardware, NeighborState state) implements Input {}

    /** The kernel has no IPv6 binding for {@code address} on {@code link} and asks (RTM_GETNEIGH with an AF_INET6 NDA_DST). */
    record KernelMiss6(int link, Ip6Address address, int probes, HardwareAddress known) implements Input {}

    /**
     * The host got an IPv6 address on {@code link}. {@code valid}: the host already held it as a
     * valid address when uarpd learnt of it (a kernel dump at start or after an overrun, the
     * kernel's duplicate address detection long over), so it is the host's at once and not checked
     * again; otherwise it is new and checked by DAD (RFC 4862 §5.4) when the link's policy says so.
     */
    record AddressAdded6(int link, Ip6Address address, int prefixLength, boolean valid) implements Input {
        /** A new address: checked by DAD when the link's policy says so. */
        public AddressAdded6(int link, Ip6Address address, int prefixLength) {
            this(link, address, prefixLength, false);
        }
    }

    /** The host lost an IPv6 address on {@code link}. */
    record AddressRemoved6(int link, Ip6Address address, int prefixLength) implements Input {}

    /**
     * Someone other than uarpd changed the kernel's IPv6 binding ({@code hardware} null when deleted);
     * {@code router} is the entry's NTF_ROUTER flag, which the kernel sets for a neighbour whose Router
     * Advertisement it heard (RFC 4861 §6.3.4).
     */
    record KernelNeighborChanged6(int link, Ip6Address address, HardwareAddress hardware, NeighborState state, boolean router)
            implements Input {
        /** A change to a host's entry (not a router's: NTF_ROUTER clear). */
        public KernelNeighborChanged6(int link, Ip6Address address, HardwareAddress hardware, NeighborState state) {
            this(link, address, hardware, state, false);
        }
    }

    /**
     * The host's route to {@code prefix} with {@code metric} leaves by interface {@code link} (any
     * interface, configured or not), or with {@code removed} is gone: what {@link NdPublished.When#ROUTE}
     * entries answer by. Unicast routes of the main table only.
     */
    record RouteChanged6(int link, Cidr6 prefix, int metric, boolean removed) implements Input {
        public RouteChanged6 {
            java.util.Objects.requireNonNull(prefix, "prefix");
        }
    }

    /** Every IPv6 route known is forgotten: a full list of {@link RouteChanged6} follows (after a dump). */
    record RoutesReset6() implements Input {}

    /** An operator command (from the control socket, config or command line). */
    record Command(OperatorCommand command) implements Input {}

    /** Only time passed: run whatever timers are due. */
    record TimeAdvanced() implements Input {}
}

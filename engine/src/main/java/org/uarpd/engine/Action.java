package org.uarpd.engine;

import java.nio.ByteBuffer;
import org.uarpd.wire.HardwareAddress;
import org.uarpd.wire.Ip6Address;

/** Everything the engine asks a backend to do. The backend carries these out; the engine decides. */
public sealed interface Action {

    /**
     * Send a complete link-layer frame on {@code link}. The buffer (position..limit) may be the
     * engine's own scratch space, valid only until the sink returns: copy it if you keep it.
     */
    record Transmit(int link, ByteBuffer frame) implements Action {}

    /** Install or replace the kernel's binding. */
    record InstallNeighbor(int link, int address, HardwareAddress hardware, NeighborState state) implements Action {}

    /** Remove the kernel's binding (or mark it failed, so held packets get host-unreachable). */
    record RemoveNeighbor(int link, int address, boolean failed) implements Action {}

    /** Add a /32 route to {@code address} out of {@code link} (proxy-ARP bridging). */
    record AddHostRoute(int link, int address) implements Action {}

    record RemoveHostRoute(int link, int address) implements Action {}

    /**
     * Delete the host's own {@code address}/{@code prefixLength} from {@code link} (Linux RTM_DELADDR):
     * RFC 5227 §2.4, another host won the address. The backend records it and puts it back when
     * uarpd stops, like every other change it makes.
     */
    record RemoveAddress(int link, int address, int prefixLength) implements Action {}

    /**
     * Install or replace the kernel's IPv6 neighbour binding (RTM_NEWNEIGH, AF_INET6); {@code router} is
     * the neighbour's IsRouter flag (RFC 4861 §7.2.5), which the kernel keeps as NTF_ROUTER.
     */
    record InstallNeighbor6(int link, Ip6Address address, HardwareAddress hardware, NeighborState state, boolean router)
            implements Action {
        /** A binding to a host that is not a router. */
        public InstallNeighbor6(int link, Ip6Address address, HardwareAddress hardware, NeighborState state) {
            this(link, address, hardware, state, false);
        }
    }

    /** Remove the kernel's IPv6 binding, or with {@code failed} mark it failed so held packets get address-unreachable. */
    record RemoveNeighbor6(int link, Ip6Address address, boolean failed) implements Action {}

    /**
     * Delete the host's own IPv6 {@code address}/{@code prefixLength} from {@code link}: duplicate
     * address detection (RFC 4862 §5.4.5) found another host using it. Recorded and put back on exit
     * like {@link RemoveAddress}.
     */
    record RemoveAddress6(int link, Ip6Address address, int prefixLength) implements Action {}

    /**
     * The neighbour at {@code router} on {@code link} is no longer a router (an advertisement it sent
     * cleared the IsRouter flag): RFC 4861 §7.2.5 takes it off the host's Default Router List. The
     * backend removes the default route learnt from its Router Advertisements, as the kernel does when
     * it hears such an advertisement itself; a route that is not there is no error.
     */
    record RemoveDefaultRouter6(int link, Ip6Address router) implements Action {}

    /** Something happened or was decided: for logs, metrics and the monitor. */
    record Emit(EngineEvent event) implements Action {}
}

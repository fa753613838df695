package org.uarpd.sim;

import org.uarpd.wire.Frame;
import org.uarpd.wire.Ip6Address;
import org.uarpd.wire.nd.IcmpV6Type;

/**
 * The kernel's IPv6 layer: the interfaces' IPv6 addresses (each makes its interface hear its
 * solicited-node group, RFC 4861 §7.2.1, and is announced by RTM_NEWADDR with a sockaddr_in6), the
 * output path (a destination inside one of an interface's prefixes is on-link, RFC 4861 §5.2; there
 * are no routers here), and the input path: neighbour discovery goes to the resolver's tap, or to
 * the in-kernel {@link KernelNd} while no daemon runs; datagrams for the host are delivered.
 */
final class Inet6 {
    /** The IANA protocol number of ICMPv6, in the IPv6 next-header field. */
    private static final int ICMPV6 = 58;

    private final Kernel kernel;
    private final KernelNd nd;

    Inet6(Kernel kernel) {
        this.kernel = kernel;
        this.nd = new KernelNd(kernel);
    }

    KernelNd nd() {
        return nd;
    }

    void addAddress(SimInterface iface, Ip6Address address, int prefixLength) {
        SimInterface.InterfaceAddress6 a = new SimInterface.InterfaceAddress6(address, prefixLength);
        iface.addAddress6(a);
        kernel.trace(() -> iface.name() + " address " + a);
        kernel.sockets().addressAdded(iface, a);
    }

    void removeAddress(SimInterface iface, Ip6Address address) {
        for (SimInterface.InterfaceAddress6 a : iface.addresses6()) {
            if (!a.address().equals(address)) continue;
            kernel.trace(() -> iface.name() + " address " + a + " removed");
            iface.removeAddress6(address);
            kernel.sockets().addressRemoved(iface, a);
        }
    }

    /** Sends an IPv6 datagram (as built by {@link Ipv6Datagram}) towards {@code destination}. */
    void output(byte[] datagram, Ip6Address destination) {
        World world = kernel.world();
        if (kernel.host().owns6(destination)) {
            deliverLocally(datagram, 0);
            return;
        }
        SimInterface ifp = null;
        for (SimInterface i : kernel.host().interfaces()) {
            if (i.onLink6(destination)) {
                ifp = i;
                break;
            }
        }
        if (ifp == null) {
            world.stats().packetsNoRoute++;
            kernel.trace(() -> "no route to " + destination);
            return;
        }
        kernel.neighbors().send(ifp, destination, datagram);
    }

    /** An IPv6 frame received on {@code iface} ({@code frame} whole, {@code f} decoded). */
    void input(SimInterface iface, Frame f, byte[] frame) {
        byte[] b = f.buffer();
        int off = f.payloadOffset();
        int len = f.payloadLength();
        if (len > 40 && (b[off + 6] & 0xFF) == ICMPV6 && IcmpV6Type.isNeighborMessage(b[off + 40] & 0xFF)) {
            LinkTap tap = kernel.tap();
            if (tap != null) {
                tap.frame(iface, frame);
                if (kernel.assist()) nd.input(iface, f);
            } else {
                nd.input(iface, f);
            }
            return;
        }
        if (!Ipv6Datagram.valid(b, off, len)) {
            kernel.world().stats().malformedFrames++;
            return;
        }
        if (kernel.host().owns6(Ipv6Datagram.destination(b, off))) deliverLocally(b, off);
    }

    /** Delivers the datagram at {@code d[off]} to this host, read in place. */
    private void deliverLocally(byte[] d, int off) {
        kernel.world().stats().packetsDelivered++;
        kernel.trace(() -> "received packet #" + Ipv6Datagram.number(d, off) + " from " + Ipv6Datagram.source(d, off)
                + " after " + Simulation.formatTime(kernel.sim().now() - Ipv6Datagram.sentAt(d, off)) + " s");
    }
}

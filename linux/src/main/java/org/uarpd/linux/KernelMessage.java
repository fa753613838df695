package org.uarpd.linux;

import org.uarpd.wire.Ip4;
import org.uarpd.wire.Ip6Address;

/** One rtnetlink message uarpd cares about, decoded (from a dump or a notification). */
public sealed interface KernelMessage {

    /**
     * RTM_NEWNEIGH / RTM_DELNEIGH / RTM_GETNEIGH (a miss, when {@code type} is GETNEIGH) for IPv4.
     * {@code sender} is the nlmsg_pid: 0 for the kernel, a port id for an echo of someone's request.
     * {@code hardware} is null when the message carries no NDA_LLADDR; {@code probes} is -1 without NDA_PROBES.
     */
    record Neighbor(int type, int sender, int link, int state, int flags, int address, byte[] hardware, int probes)
            implements KernelMessage {
        public boolean isMiss() {
            return type == Rtnetlink.RTM_GETNEIGH;
        }

        @Override
        public String toString() {
            return Rtnetlink.typeName(type) + " " + Ip4.format(address) + " link " + link + " state "
                    + Rtnetlink.stateName(state) + (hardware != null ? " lladdr " + Rtnetlink.mac(hardware) : "")
                    + (probes >= 0 ? " probes " + probes : "") + (sender != 0 ? " from port " + sender : "");
        }
    }

    /** RTM_NEWADDR / RTM_DELADDR for IPv4 (IFA_LOCAL, the host's own address). */
    record Address(boolean added, int link, int address, int prefixLength) implements KernelMessage {}

    /**
     * The same messages for IPv6 (NDA_DST of 16 bytes): neighbour discovery's misses with
     * {@code net.ipv6.neigh.IF.app_solicit}, and the IPv6 neighbour cache changing.
     */
    record Neighbor6(int type, int sender, int link, int state, int flags, Ip6Address address, byte[] hardware, int probes)
            implements KernelMessage {
        public boolean isMiss() {
            return type == Rtnetlink.RTM_GETNEIGH;
        }

        @Override
        public String toString() {
            return Rtnetlink.typeName(type) + " " + address + " link " + link + " state " + Rtnetlink.stateName(state)
                    + (hardware != null ? " lladdr " + Rtnetlink.mac(hardware) : "") + (probes >= 0 ? " probes " + probes : "")
                    + (sender != 0 ? " from port " + sender : "");
        }
    }

    /**
     * RTM_NEWADDR / RTM_DELADDR for IPv6. {@code tentative} while duplicate address detection runs
     * (IFA_F_TENTATIVE), {@code dadFailed} once it found the address taken (IFA_F_DADFAILED).
     */
    record Address6(boolean added, int link, Ip6Address address, int prefixLength, boolean tentative, boolean dadFailed)
            implements KernelMessage {}

    /** RTM_NEWROUTE / RTM_DELROUTE of an IPv6 unicast route in the main table ({@link RouteMessages}). */
    record Route6(boolean removed, int link, org.uarpd.engine.Cidr6 prefix, int metric) implements KernelMessage {}

    /** RTM_NEWLINK / RTM_DELLINK. {@code hardwareType} is the ARPHRD_ value; {@code hardware} may be null. */
    record Link(boolean removed, int link, String name, int hardwareType, byte[] hardware, boolean up) implements KernelMessage {}
}

package org.uarpd.sim.rtsock;

import org.uarpd.engine.NeighborState;

/**
 * One routing-socket message, modelled on 4.4BSD's {@code struct rt_msghdr} with its trailing
 * sockaddrs. The same header serves the route messages (RTM_ADD, RTM_CHANGE, RTM_DELETE, RTM_MISS)
 * and the interface messages (RTM_NEWADDR, RTM_DELADDR, RTM_IFINFO), which BSD gives headers of
 * their own; the sockaddrs present say which is which.
 *
 * <p>Beyond BSD: {@code state} carries the neighbour state uarpd installs (BSD kept none),
 * {@code probes} how many probes the kernel has made for a miss, {@code held} how many packets wait.
 *
 * <p>The internet sockaddrs (destination, netmask, interface address) are {@code sockaddr_in} for
 * IPv4 and {@code sockaddr_in6} for IPv6: one message speaks of one family.
 *
 * @param dst     RTA_DST: the destination (or, for address messages, the interface address)
 * @param gateway RTA_GATEWAY: for a link-layer entry a {@link Sockaddr.Dl} with the hardware address
 * @param netmask RTA_NETMASK: the mask (address messages, network routes)
 * @param ifp     RTA_IFP: the interface, with its name, type and own hardware address
 * @param ifa     RTA_IFA: the interface address used
 */
public record RoutingMessage(
        int type,
        int index,
        int flags,
        int pid,
        int seq,
        int errno,
        int held,
        int probes,
        int expire,
        NeighborState state,
        Sockaddr.Inet dst,
        Sockaddr gateway,
        Sockaddr.Inet netmask,
        Sockaddr.Dl ifp,
        Sockaddr.Inet ifa) {

    public RoutingMessage {
        if (type < 0 || type > 0xFF) throw new IllegalArgumentException("rtm_type out of range: " + type);
        if (index < 0 || index > 0xFFFF) throw new IllegalArgumentException("rtm_index out of range: " + index);
    }

    /** The rtm_addrs bitmask: which sockaddrs follow. */
    public int addrs() {
        return (dst != null ? Rtm.RTA_DST : 0)
                | (gateway != null ? Rtm.RTA_GATEWAY : 0)
                | (netmask != null ? Rtm.RTA_NETMASK : 0)
                | (ifp != null ? Rtm.RTA_IFP : 0)
                | (ifa != null ? Rtm.RTA_IFA : 0);
    }

    public boolean has(int flag) {
        return (flags & flag) != 0;
    }

    /** The same message with errno set (how the kernel answers a failed write). */
    public RoutingMessage withErrno(int error) {
        return new RoutingMessage(type, index, flags, pid, seq, error, held, probes, expire, state, dst, gateway, netmask, ifp, ifa);
    }

    @Override
    public String toString() {
        StringBuilder s = new StringBuilder(Rtm.typeName(type)).append(" if#").append(index);
        if (flags != 0) s.append(" flags=0x").append(Integer.toHexString(flags));
        if (errno != 0) s.append(" errno=").append(errno);
        if (state != null) s.append(' ').append(state);
        if (dst != null) s.append(" dst=").append(dst);
        if (gateway != null) s.append(" gw=").append(gateway);
        if (netmask != null) s.append(" mask=").append(netmask);
        if (ifp != null) s.append(" ifp=").append(ifp);
        if (ifa != null) s.append(" ifa=").append(ifa);
        if (probes != 0) s.append(" probes=").append(probes);
        if (held != 0) s.append(" held=").append(held);
        return s.toString();
    }
}

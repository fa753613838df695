package org.uarpd.linux;

import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * rtnetlink (NETLINK_ROUTE) for uarpd: dumps and notifications of links, IPv4 and IPv6 addresses and neighbours,
 * the kernel's misses ({@code app_solicit}, ip-sysctl.rst), and neighbour
 * installs. Two sockets: {@link #events()} joins the multicast groups and is polled by the event loop;
 * the request socket carries dumps and installs, whose echoes come back on the event socket with its
 * port id ({@link #ownPortId()}).
 */
public final class Rtnetlink implements AutoCloseable {
    public static final int RTM_NEWLINK = 16;
    public static final int RTM_DELLINK = 17;
    public static final int RTM_GETLINK = 18;
    public static final int RTM_NEWADDR = 20;
    public static final int RTM_DELADDR = 21;
    public static final int RTM_GETADDR = 22;
    public static final int RTM_NEWROUTE = 24;
    public static final int RTM_DELROUTE = 25;
    public static final int RTM_NEWNEIGH = 28;
    public static final int RTM_DELNEIGH = 29;
    public static final int RTM_GETNEIGH = 30;

    public static final int RTNLGRP_LINK = 1;
    public static final int RTNLGRP_NEIGH = 3;
    public static final int RTNLGRP_IPV4_IFADDR = 5;
    public static final int RTNLGRP_IPV6_IFADDR = 9;

    public static final int NDA_DST = 1;
    public static final int NDA_LLADDR = 2;
    public static final int NDA_PROBES = 4;
    public static final int IFA_ADDRESS = 1;
    public static final int IFA_LOCAL = 2;
    public static final int IFA_FLAGS = 8;
    public static final int IFA_F_DADFAILED = 0x08;
    public static final int IFA_F_NODAD = 0x02;
    public static final int IFA_F_TENTATIVE = 0x40;
    public static final int IFLA_ADDRESS = 1;
    public static final int IFLA_IFNAME = 3;

    public static final int NUD_INCOMPLETE = 0x01;
    public static final int NUD_REACHABLE = 0x02;
    public static final int NUD_STALE = 0x04;
    public static final int NUD_DELAY = 0x08;
    public static final int NUD_PROBE = 0x10;
    public static final int NUD_FAILED = 0x20;
    public static final int NUD_NOARP = 0x40;
    public static final int NUD_PERMANENT = 0x80;
    /** ndm_flags: the neighbour is a router (RFC 4861 IsRouter); with NLM_F_REPLACE the kernel sets or clears it as given. */
    public static final int NTF_ROUTER = 0x80;
    public static final int RTN_UNICAST = 1;
    public static final int RT_TABLE_MAIN = 254;
    public static final int RTPROT_STATIC = 4;
    public static final int RT_SCOPE_LINK = 253;
    public static final int RTA_DST = 1;
    public static final int RTA_OIF = 4;
    public static final int IFF_UP = 0x1;
    public static final int ARPHRD_ETHER = 1;

    private static final int NDMSG = 12;
    private static final int IFADDRMSG = 8;
    private static final int IFINFOMSG = 16;
    private static final HexFormat MAC = HexFormat.ofDelimiter(":");

    /** Where requests go out, {@link RouteMessages}' too. */
    final NetlinkSocket requests;
    private final NetlinkSocket events;

    /** Event socket buffer by default: 4 MiB, so bursts of misses are not dropped. */
    public static final int EVENT_BUFFER = 4 << 20;

    public Rtnetlink() {
        this(EVENT_BUFFER);
    }

    /** Opens both sockets, asking for {@code eventBuffer} bytes of kernel buffer on the event socket. */
    public Rtnetlink(int eventBuffer) {
        this(eventBuffer, true);
    }

    /**
     * As {@link #Rtnetlink(int)}; without {@code neighbours} the event socket does not join
     * {@code RTNLGRP_NEIGH}, so no miss and no neighbour change reaches uarpd. A member of that group
     * makes every resolution of the host slower, even one it is not asked about: the kernel builds and
     * multicasts a notification at each state change of every entry (BENCHMARKS.md, "First packet
     * without misses").
     */
    public Rtnetlink(int eventBuffer, boolean neighbours) {
        requests = new NetlinkSocket(NetlinkSocket.NETLINK_ROUTE, "NETLINK_ROUTE", 0);
        try {
            events = neighbours
                    ? new NetlinkSocket(NetlinkSocket.NETLINK_ROUTE, "NETLINK_ROUTE", eventBuffer, RTNLGRP_NEIGH, RTNLGRP_IPV4_IFADDR,
                            RTNLGRP_IPV6_IFADDR, RTNLGRP_LINK, RouteMessages.RTNLGRP_IPV6_ROUTE)
                    : new NetlinkSocket(NetlinkSocket.NETLINK_ROUTE, "NETLINK_ROUTE", eventBuffer, RTNLGRP_IPV4_IFADDR, RTNLGRP_IPV6_IFADDR,
                            RTNLGRP_LINK, RouteMessages.RTNLGRP_IPV6_ROUTE);
        } catch (RuntimeException e) {
            requests.close();
            throw e;
        }
    }

    public NetlinkSocket events() {
        return events;
    }

    /** The port id our installs carry, to tell their echoes from other programs' changes. */
    public int ownPortId() {
        return requests.portId();
    }

    /** Sends {@code w}; the kernel saying the entry is not there (ENOENT) is not an error. */
    private void requestUnlessAbsent(NetlinkWriter w, int seq, String what) {
        try {
            requests.request(w, seq, what, null);
        } catch (NativeCallException e) {
            if (e.errno() != Errno.ENOENT) throw e;
        }
    }

    // ---- requests ----

    /**
     * Installs or replaces the binding {@code address → hardware} on {@code link} with {@code state}
     * (NUD_…): RTM_NEWNEIGH with REQUEST|ACK|CREATE|REPLACE, so a different existing lladdr is changed
     * (without REPLACE the kernel acks and keeps the old one). Held packets leave at once.
     */
    public void installNeighbor(int link, int address, byte[] hardware, int hardwareLength, int state) {
        int seq = requests.nextSeq();
        requests.request(writeInstall(requests.writer(), seq, link, address, hardware, hardwareLength, state), seq, "RTM_NEWNEIGH", null);
    }

    /** Writes the request {@link #installNeighbor} sends into {@code w} (reset), without sending it. */
    static NetlinkWriter writeInstall(NetlinkWriter w, int seq, int link, int address, byte[] hardware, int hardwareLength, int state) {
        return w.begin(RTM_NEWNEIGH, NetlinkSocket.NLM_F_REQUEST | NetlinkSocket.NLM_F_ACK | NetlinkSocket.NLM_F_CREATE
                        | NetlinkSocket.NLM_F_REPLACE, seq)
                .ndmsg(Libc.AF_INET, link, state, 0, RTN_UNICAST)
                .attrBe32(NDA_DST, address)
                .attr(NDA_LLADDR, hardware, 0, hardwareLength)
                .end();
    }

    /**
     * Marks an unresolved entry FAILED: the kernel then sends ICMP host unreachable for its held
     * packets (neigh_invalidate). A missing entry is not an error.
     */
    public void failNeighbor(int link, int address) {
        int seq = requests.nextSeq();
        NetlinkWriter w = requests.writer()
                .begin(RTM_NEWNEIGH, NetlinkSocket.NLM_F_REQUEST | NetlinkSocket.NLM_F_ACK | NetlinkSocket.NLM_F_REPLACE, seq)
                .ndmsg(Libc.AF_INET, link, NUD_FAILED, 0, RTN_UNICAST)
                .attrBe32(NDA_DST, address)
                .end();
        requestUnlessAbsent(w, seq, "RTM_NEWNEIGH FAILED " + org.uarpd.wire.Ip4.format(address) + " dev " + link);
    }

    /** Deletes the binding; a missing entry is not an error. */
    public void deleteNeighbor(int link, int address) {
        int seq = requests.nextSeq();
        NetlinkWriter w = requests.writer()
                .begin(RTM_DELNEIGH, NetlinkSocket.NLM_F_REQUEST | NetlinkSocket.NLM_F_ACK, seq)
                .ndmsg(Libc.AF_INET, link, 0, 0, 0)
                .attrBe32(NDA_DST, address)
                .end();
        requestUnlessAbsent(w, seq, "RTM_DELNEIGH " + org.uarpd.wire.Ip4.format(address) + " dev " + link);
    }

    /**
     * {@link #installNeighbor} for IPv6: {@code address[0, 16)} bound to {@code hardware} on {@code link}
     * (RTM_NEWNEIGH, AF_INET6, REQUEST|ACK|CREATE|REPLACE), with NTF_ROUTER when {@code router}: with
     * REPLACE the kernel takes the flag as given, so a router that turned host loses it.
     */
    public void installNeighbor6(int link, byte[] address, byte[] hardware, int hardwareLength, int state, boolean router) {
        int seq = requests.nextSeq();
        requests.request(writeInstall6(requests.writer(), seq, link, address, hardware, hardwareLength, state, router), seq,
                "RTM_NEWNEIGH (IPv6)", null);
    }

    /** Writes the request {@link #installNeighbor6} sends into {@code w} (reset), without sending it. */
    static NetlinkWriter writeInstall6(NetlinkWriter w, int seq, int link, byte[] address, byte[] hardware, int hardwareLength, int state,
            boolean router) {
        return w.begin(RTM_NEWNEIGH, NetlinkSocket.NLM_F_REQUEST | NetlinkSocket.NLM_F_ACK | NetlinkSocket.NLM_F_CREATE
                        | NetlinkSocket.NLM_F_REPLACE, seq)
                .ndmsg(Libc.AF_INET6, link, state, router ? NTF_ROUTER : 0, RTN_UNICAST)
                .attr(NDA_DST, address, 0, 16)
                .attr(NDA_LLADDR, hardware, 0, hardwareLength)
                .end();
    }

    /**
     * {@link #failNeighbor} for IPv6: the kernel sends ICMPv6 address unreachable (RFC 4861 §7.2.2) for the
     * packets it held; with {@code failed} false the entry is deleted instead. A missing entry is not an error.
     */
    public void removeNeighbor6(int link, byte[] address, boolean failed) {
        int seq = requests.nextSeq();
        NetlinkWriter w = failed
                ? requests.writer().begin(RTM_NEWNEIGH, NetlinkSocket.NLM_F_REQUEST | NetlinkSocket.NLM_F_ACK | NetlinkSocket.NLM_F_REPLACE, seq)
                        .ndmsg(Libc.AF_INET6, link, NUD_FAILED, 0, RTN_UNICAST)
                : requests.writer().begin(RTM_DELNEIGH, NetlinkSocket.NLM_F_REQUEST | NetlinkSocket.NLM_F_ACK, seq)
                        .ndmsg(Libc.AF_INET6, link, 0, 0, 0);
        w.attr(NDA_DST, address, 0, 16).end();
        requestUnlessAbsent(w, seq, (failed ? "RTM_NEWNEIGH FAILED " : "RTM_DELNEIGH ") + org.uarpd.wire.Ip6.format(address, 0) + " dev " + link);
    }

    /** Adds (or replaces) the host route {@code address/32} out of {@code link} in the main table. */
    public void addHostRoute(int link, int address) {
        hostRoute(RTM_NEWROUTE, NetlinkSocket.NLM_F_REQUEST | NetlinkSocket.NLM_F_ACK | NetlinkSocket.NLM_F_CREATE
                | NetlinkSocket.NLM_F_REPLACE, link, address);
    }

    /** Removes the host route; a missing one is not an error. */
    public void removeHostRoute(int link, int address) {
        try {
            hostRoute(RTM_DELROUTE, NetlinkSocket.NLM_F_REQUEST | NetlinkSocket.NLM_F_ACK, link, address);
        } catch (NativeCallException e) {
            if (e.errno() != Errno.ESRCH && e.errno() != Errno.ENOENT) throw e;
        }
    }

    private void hostRoute(int type, int flags, int link, int address) {
        int seq = requests.nextSeq();
        // struct rtmsg: family, dst_len, src_len, tos, table, protocol, scope, type, u32 flags
        NetlinkWriter w = requests.writer().begin(type, flags, seq)
                .u8(Libc.AF_INET).u8(32).u8(0).u8(0).u8(RT_TABLE_MAIN).u8(RTPROT_STATIC).u8(RT_SCOPE_LINK).u8(RTN_UNICAST).u32(0)
                .attrBe32(RTA_DST, address)
                .attrU32(RTA_OIF, link)
                .end();
        requests.request(w, seq, (type == RTM_NEWROUTE ? "RTM_NEWROUTE " : "RTM_DELROUTE ")
                + org.uarpd.wire.Ip4.format(address) + "/32 dev " + link, null);
    }

    /** Deletes the host's address {@code address/prefixLength} from {@code link} (RFC 5227: lost to another host); a missing one is not an error. */
    public void deleteAddress(int link, int address, int prefixLength) {
        try {
            hostAddress(RTM_DELADDR, NetlinkSocket.NLM_F_REQUEST | NetlinkSocket.NLM_F_ACK, link, address, prefixLength);
        } catch (NativeCallException e) {
            if (e.errno() != Errno.EADDRNOTAVAIL && e.errno() != Errno.ENOENT && e.errno() != Errno.ENODEV) throw e;
        }
    }

    /** Adds {@code address/prefixLength} to {@code link} again (putting back what {@link #deleteAddress} took). */
    public void addAddress(int link, int address, int prefixLength) {
        hostAddress(RTM_NEWADDR, NetlinkSocket.NLM_F_REQUEST | NetlinkSocket.NLM_F_ACK | NetlinkSocket.NLM_F_CREATE
                | NetlinkSocket.NLM_F_REPLACE, link, address, prefixLength);
    }

    private void hostAddress(int type, int flags, int link, int address, int prefixLength) {
        int seq = requests.nextSeq();
        NetlinkWriter w = requests.writer().begin(type, flags, seq)
                .ifaddrmsg(Libc.AF_INET, prefixLength, link)
                .attrBe32(IFA_LOCAL, address)
                .attrBe32(IFA_ADDRESS, address)
                .end();
        requests.request(w, seq, (type == RTM_NEWADDR ? "RTM_NEWADDR " : "RTM_DELADDR ")
                + org.uarpd.wire.Ip4.format(address) + "/" + prefixLength + " dev " + link, null);
    }

    /**
     * Deletes the host's IPv6 {@code address/prefixLength} from {@code link} (RFC 4862 §5.4.5: duplicate,
     * another host holds it); a missing one is not an error.
     */
    public void deleteAddress6(int link, byte[] address, int prefixLength) {
        try {
            hostAddress6(RTM_DELADDR, NetlinkSocket.NLM_F_REQUEST | NetlinkSocket.NLM_F_ACK, link, address, prefixLength);
        } catch (NativeCallException e) {
            if (e.errno() != Errno.EADDRNOTAVAIL && e.errno() != Errno.ENOENT && e.errno() != Errno.ENODEV) throw e;
        }
    }

    /**
     * Adds {@code address/prefixLength} to {@code link} again (putting back what {@link #deleteAddress6}
     * took), without a new duplicate address detection (IFA_F_NODAD): the address was the host's before.
     */
    public void addAddress6(int link, byte[] address, int prefixLength) {
        hostAddress6(RTM_NEWADDR, NetlinkSocket.NLM_F_REQUEST | NetlinkSocket.NLM_F_ACK | NetlinkSocket.NLM_F_CREATE
                | NetlinkSocket.NLM_F_REPLACE, link, address, prefixLength);
    }

    private void hostAddress6(int type, int flags, int link, byte[] address, int prefixLength) {
        int seq = requests.nextSeq();
        NetlinkWriter w = requests.writer().begin(type, flags, seq)
                .u8(Libc.AF_INET6).u8(prefixLength).u8(type == RTM_NEWADDR ? IFA_F_NODAD : 0).u8(0).u32(link)
                .attr(IFA_ADDRESS, address, 0, 16)
                .end();
        requests.request(w, seq, (type == RTM_NEWADDR ? "RTM_NEWADDR " : "RTM_DELADDR ")
                + org.uarpd.wire.Ip6.format(address, 0) + "/" + prefixLength + " dev " + link, null);
    }

    /** A read-only RTM_GETLINK for one link, acked: the request path without changing anything. */
    public void probeLink(int link) {
        int seq = requests.nextSeq();
        NetlinkWriter w = requests.writer().begin(RTM_GETLINK, NetlinkSocket.NLM_F_REQUEST | NetlinkSocket.NLM_F_ACK, seq)
                .ifinfomsg(Libc.AF_UNSPEC, link).end();
        requests.request(w, seq, "RTM_GETLINK", null);
    }

    public List<KernelMessage.Link> dumpLinks() {
        return dump(RTM_GETLINK, Libc.AF_UNSPEC, "RTM_GETLINK dump", KernelMessage.Link.class);
    }

    public List<KernelMessage.Address> dumpAddresses() {
        return dump(RTM_GETADDR, Libc.AF_INET, "RTM_GETADDR dump", KernelMessage.Address.class);
    }

    /** The host's IPv6 addresses, every link. */
    public List<KernelMessage.Address6> dumpAddresses6() {
        return dump(RTM_GETADDR, Libc.AF_INET6, "RTM_GETADDR dump (IPv6)", KernelMessage.Address6.class);
    }

    public List<KernelMessage.Neighbor> dumpNeighbors() {
        return dump(RTM_GETNEIGH, Libc.AF_INET, "RTM_GETNEIGH dump", KernelMessage.Neighbor.class);
    }

    /** The kernel's IPv6 neighbour cache, every link. */
    public List<KernelMessage.Neighbor6> dumpNeighbors6() {
        return dump(RTM_GETNEIGH, Libc.AF_INET6, "RTM_GETNEIGH dump (IPv6)", KernelMessage.Neighbor6.class);
    }

    /** The IPv6 routes proxy entries answer by ({@link RouteMessages}). */
    public List<KernelMessage.Route6> dumpRoutes6() {
        return dump(RouteMessages.RTM_GETROUTE, Libc.AF_INET6, "RTM_GETROUTE dump (IPv6)", KernelMessage.Route6.class);
    }

    /** Dumps {@code type} (RTM_GETLINK, RTM_GETADDR or RTM_GETNEIGH) of {@code family}, keeping the messages that decode as {@code kind}. */
    private <T extends KernelMessage> List<T> dump(int type, int family, String what, Class<T> kind) {
        List<T> out = new ArrayList<>();
        int seq = requests.nextSeq();
        NetlinkWriter w = requests.writer().begin(type, NetlinkSocket.NLM_F_REQUEST | NetlinkSocket.NLM_F_DUMP, seq);
        switch (type) {
            case RTM_GETLINK -> w.ifinfomsg(family, 0);
            case RTM_GETADDR -> w.ifaddrmsg(family, 0, 0);
            case RouteMessages.RTM_GETROUTE -> RouteMessages.dumpRequest(w);
            default -> w.ndmsg(family, 0, 0, 0, 0);
        }
        requests.dump(w.end(), seq, what, r -> {
            KernelMessage m = decode(r);
            if (kind.isInstance(m)) out.add(kind.cast(m));
        });
        return out;
    }

    // ---- decoding (one decoder for dumps and notifications) ----

    /** Decodes the message under {@code r}; null for anything uarpd does not use (other families, other types). */
    public static KernelMessage decode(NetlinkReader r) {
        int type = r.type();
        int p = r.payload();
        switch (type) {
            case RTM_NEWNEIGH, RTM_DELNEIGH, RTM_GETNEIGH -> {
                if (r.payloadLength() < NDMSG) return null;
                int family = r.u8(p);
                if (family != Libc.AF_INET && family != Libc.AF_INET6) return null;
                int dstLength = family == Libc.AF_INET ? 4 : 16;
                int link = r.s32(p + 4);
                int state = r.u16(p + 8);
                int flags = r.u8(p + 10);
                int dst = -1;
                byte[] hardware = null;
                int probes = -1;
                r.attributes(NDMSG);
                while (r.nextAttribute()) {
                    switch (r.attrType()) {
                        case NDA_DST -> {
                            if (r.attrLength() == dstLength) dst = r.attrStart();
                        }
                        case NDA_LLADDR -> hardware = r.bytes(r.attrStart(), r.attrLength());
                        case NDA_PROBES -> {
                            if (r.attrLength() >= 4) probes = r.s32(r.attrStart());
                        }
                        default -> { }
                    }
                }
                if (dst < 0) return null;
                if (family == Libc.AF_INET6) {
                    return new KernelMessage.Neighbor6(type, r.pid(), link, state, flags, ip6(r, dst), hardware, probes);
                }
                return new KernelMessage.Neighbor(type, r.pid(), link, state, flags, r.be32(dst), hardware, probes);
            }
            case RTM_NEWADDR, RTM_DELADDR -> {
                if (r.payloadLength() >= IFADDRMSG && r.u8(p) == Libc.AF_INET6) return address6(r, type == RTM_NEWADDR);
                if (r.payloadLength() < IFADDRMSG || r.u8(p) != Libc.AF_INET) return null;
                int prefix = r.u8(p + 1);
                int link = r.s32(p + 4);
                int local = 0;
                int peer = 0;
                boolean hasLocal = false;
                boolean hasPeer = false;
                r.attributes(IFADDRMSG);
                while (r.nextAttribute()) {
                    if (r.attrLength() != 4) continue;
                    if (r.attrType() == IFA_LOCAL) {
                        local = r.be32(r.attrStart());
                        hasLocal = true;
                    } else if (r.attrType() == IFA_ADDRESS) {
                        peer = r.be32(r.attrStart());
                        hasPeer = true;
                    }
                }
                if (!hasLocal && !hasPeer) return null;
                return new KernelMessage.Address(type == RTM_NEWADDR, link, hasLocal ? local : peer, prefix);
            }
            case RTM_NEWROUTE, RTM_DELROUTE -> {
                return RouteMessages.decode(r);
            }
            case RTM_NEWLINK, RTM_DELLINK -> {
                if (r.payloadLength() < IFINFOMSG) return null;
                int hwType = r.u16(p + 2);
                int link = r.s32(p + 4);
                int flags = r.s32(p + 8);
                String name = null;
                byte[] hardware = null;
                r.attributes(IFINFOMSG);
                while (r.nextAttribute()) {
                    switch (r.attrType()) {
                        case IFLA_IFNAME -> name = r.string(r.attrStart(), r.attrLength());
                        case IFLA_ADDRESS -> hardware = r.bytes(r.attrStart(), r.attrLength());
                        default -> { }
                    }
                }
                return new KernelMessage.Link(type == RTM_DELLINK, link, name, hwType, hardware, (flags & IFF_UP) != 0);
            }
            default -> {
                return null;
            }
        }
    }

    /**
     * An IPv6 address message: IFA_ADDRESS is the host's own address (IFA_LOCAL only appears with a
     * peer, where it wins); IFA_FLAGS, when present, carries the flags that do not fit the header's byte.
     */
    private static KernelMessage.Address6 address6(NetlinkReader r, boolean added) {
        int p = r.payload();
        int prefix = r.u8(p + 1);
        int flags = r.u8(p + 2);
        int link = r.s32(p + 4);
        int local = -1;
        int address = -1;
        r.attributes(IFADDRMSG);
        while (r.nextAttribute()) {
            switch (r.attrType()) {
                case IFA_LOCAL -> {
                    if (r.attrLength() == 16) local = r.attrStart();
                }
                case IFA_ADDRESS -> {
                    if (r.attrLength() == 16) address = r.attrStart();
                }
                case IFA_FLAGS -> {
                    if (r.attrLength() >= 4) flags = r.s32(r.attrStart());
                }
                default -> { }
            }
        }
        int at = local >= 0 ? local : address;
        if (at < 0) return null;
        return new KernelMessage.Address6(added, link, ip6(r, at), prefix, (flags & IFA_F_TENTATIVE) != 0, (flags & IFA_F_DADFAILED) != 0);
    }

    private static org.uarpd.wire.Ip6Address ip6(NetlinkReader r, int offset) {
        return new org.uarpd.wire.Ip6Address(r.be64(offset), r.be64(offset + 8));
    }

    public static String typeName(int type) {
        return switch (type) {
            case RTM_NEWNEIGH -> "RTM_NEWNEIGH";
            case RTM_DELNEIGH -> "RTM_DELNEIGH";
            case RTM_GETNEIGH -> "RTM_GETNEIGH";
            default -> "rtm#" + type;
        };
    }

    public static String stateName(int state) {
        return switch (state) {
            case 0 -> "NONE";
            case NUD_INCOMPLETE -> "INCOMPLETE";
            case NUD_REACHABLE -> "REACHABLE";
            case NUD_STALE -> "STALE";
            case NUD_DELAY -> "DELAY";
            case NUD_PROBE -> "PROBE";
            case NUD_FAILED -> "FAILED";
            case NUD_NOARP -> "NOARP";
            case NUD_PERMANENT -> "PERMANENT";
            default -> "0x" + Integer.toHexString(state);
        };
    }

    public static String mac(byte[] b) {
        return MAC.formatHex(b);
    }

    @Override
    public void close() {
        events.close();
        requests.close();
    }
}

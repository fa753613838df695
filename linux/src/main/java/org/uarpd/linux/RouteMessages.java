package org.uarpd.linux;

import org.uarpd.engine.Cidr6;
import org.uarpd.wire.Ip6Address;

/**
 * IPv6 routes over rtnetlink (rtnetlink(7): {@code struct rtmsg}, then RTA_ attributes), read for
 * proxy entries that answer by route: which interface the main table's unicast route to a prefix
 * leaves by; and the one route uarpd deletes, a router's default route once it is a router no longer. Routes of other tables, cached clones, source-specific and non-unicast routes
 * (blackhole, unreachable, local) are left out.
 */
final class RouteMessages {
    private RouteMessages() {}

    /** RTNLGRP_IPV6_ROUTE: IPv6 route changes. */
    static final int RTNLGRP_IPV6_ROUTE = 11;
    static final int RTM_GETROUTE = 26;

    private static final int RTMSG = 12;
    private static final int RTA_GATEWAY = 5;
    private static final int RTA_PRIORITY = 6;
    /** rtm_protocol of routes learnt from Router Advertisements (linux/rtnetlink.h). */
    static final int RTPROT_RA = 9;
    private static final int RTA_MULTIPATH = 9;
    private static final int RTA_TABLE = 15;
    private static final int RTM_F_CLONED = 0x200;

    /** The header of an RTM_GETROUTE dump request for IPv6. */
    static NetlinkWriter dumpRequest(NetlinkWriter w) {
        // struct rtmsg: family, dst_len, src_len, tos, table, protocol, scope, type, u32 flags
        return w.u8(Libc.AF_INET6).u8(0).u8(0).u8(0).u8(0).u8(0).u8(0).u8(0).u32(0);
    }

    /**
     * Deletes the main table's default route via {@code router[0, 16)} out of {@code link} that the
     * kernel learnt from Router Advertisements (protocol {@code ra}), as the kernel itself does when
     * an advertisement it hears clears that neighbour's Router flag (RFC 4861 §7.2.5). Routes an
     * operator added stay (another protocol). None there is not an error.
     */
    static void deleteRaDefault(NetlinkSocket requests, int link, byte[] router) {
        int seq = requests.nextSeq();
        // struct rtmsg: family, dst_len 0 (the default route), src_len, tos, table, protocol, scope, type, u32 flags
        NetlinkWriter w = requests.writer().begin(Rtnetlink.RTM_DELROUTE, NetlinkSocket.NLM_F_REQUEST | NetlinkSocket.NLM_F_ACK, seq)
                .u8(Libc.AF_INET6).u8(0).u8(0).u8(0).u8(Rtnetlink.RT_TABLE_MAIN).u8(RTPROT_RA).u8(0).u8(Rtnetlink.RTN_UNICAST).u32(0)
                .attr(RTA_GATEWAY, router, 0, 16)
                .attrU32(Rtnetlink.RTA_OIF, link)
                .end();
        try {
            requests.request(w, seq, "RTM_DELROUTE default via " + org.uarpd.wire.Ip6.format(router, 0) + " dev " + link, null);
        } catch (NativeCallException e) {
            if (e.errno() != Errno.ESRCH && e.errno() != Errno.ENOENT) throw e;
        }
    }

    /** The RTM_NEWROUTE / RTM_DELROUTE under {@code r}, or null when it is not a route proxy entries use. */
    static KernelMessage.Route6 decode(NetlinkReader r) {
        int p = r.payload();
        if (r.payloadLength() < RTMSG || r.u8(p) != Libc.AF_INET6) return null;
        int dstLength = r.u8(p + 1);
        int table = r.u8(p + 4);
        int type = r.u8(p + 7);
        int flags = r.s32(p + 8);
        if (r.u8(p + 2) != 0 || type != Rtnetlink.RTN_UNICAST || (flags & RTM_F_CLONED) != 0 || dstLength > 128) return null;
        long high = 0;
        long low = 0;
        int link = 0;
        int metric = 0;
        r.attributes(RTMSG);
        while (r.nextAttribute()) {
            int at = r.attrStart();
            switch (r.attrType()) {
                case Rtnetlink.RTA_DST -> {
                    if (r.attrLength() == 16) {
                        high = r.be64(at);
                        low = r.be64(at + 8);
                    }
                }
                case Rtnetlink.RTA_OIF -> {
                    if (r.attrLength() >= 4) link = r.s32(at);
                }
                case RTA_PRIORITY -> {
                    if (r.attrLength() >= 4) metric = r.s32(at);
                }
                case RTA_TABLE -> {
                    if (r.attrLength() >= 4) table = r.s32(at);
                }
                case RTA_MULTIPATH -> {
                    // struct rtnexthop: u16 len, u8 flags, u8 hops, s32 ifindex; the first hop's interface stands for the route.
                    if (link == 0 && r.attrLength() >= 8) link = r.s32(at + 4);
                }
                default -> { }
            }
        }
        if (table != Rtnetlink.RT_TABLE_MAIN || link <= 0) return null;
        try {
            return new KernelMessage.Route6(r.type() == Rtnetlink.RTM_DELROUTE, link, new Cidr6(new Ip6Address(high, low), dstLength), metric);
        } catch (IllegalArgumentException hostBits) {
            return null; // the kernel never sends one; a prefix with host bits set is not one to look up by
        }
    }
}

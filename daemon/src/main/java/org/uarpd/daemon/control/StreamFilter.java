package org.uarpd.daemon.control;

import org.uarpd.daemon.syntax.Addresses;
import org.uarpd.daemon.syntax.SyntaxException;
import org.uarpd.engine.Cidr;
import org.uarpd.engine.Cidr6;
import org.uarpd.engine.EngineEvent;
import org.uarpd.wire.ArpCodec;
import org.uarpd.wire.ArpPacket;
import org.uarpd.wire.EtherType;
import org.uarpd.wire.Ip6;
import org.uarpd.wire.MalformedFrameException;
import org.uarpd.wire.link.EthernetHeader;
import org.uarpd.wire.nd.NdView;

/**
 * What a monitor or capture stream wants: one address family ({@code inet}, ARP; {@code inet6},
 * neighbour discovery; null: both) and the lines about one address or range of either family (null:
 * all). An event is about its address; a frame about an ARP packet's sender or target, or an NS/NA's
 * source, destination or target. Read on the loop thread.
 *
 * @param family {@link #INET}, {@link #INET6} or null
 * @param range4 the IPv4 range, or null
 * @param range6 the IPv6 prefix, or null (at most one of the two is set)
 */
record StreamFilter(String family, Cidr range4, Cidr6 range6) {
    static final String INET = "inet";
    static final String INET6 = "inet6";
    static final StreamFilter ALL = new StreamFilter(null, null, null);

    /**
     * The filter {@code address} (an address or range of either family; null: all) and {@code family}
     * (null: both) describe, or a mistake in the words of the option that gave it.
     */
    static StreamFilter parse(String option, String address, String family) throws ControlException {
        if (family != null && !family.equals(INET) && !family.equals(INET6)) {
            throw new ControlException("--family: '" + family + "' is not an address family; expected inet (ARP) or inet6 (neighbour discovery)");
        }
        if (address == null) return new StreamFilter(family, null, null);
        boolean six = Addresses.isIpv6(address);
        if (family != null && six != family.equals(INET6)) {
            throw new ControlException(option + " " + address + " is not of family " + family + "; nothing would match");
        }
        try {
            return six ? new StreamFilter(INET6, null, Addresses.cidr6(address)) : new StreamFilter(INET, Addresses.cidr(address), null);
        } catch (SyntaxException e) {
            throw new ControlException(option + ": " + e.forControl());
        }
    }

    /** Whether {@code ev} is about an address this filter wants (an event without one only when no address is asked for). */
    boolean wants(EngineEvent ev) {
        boolean six = ev.address6() != null;
        if (family != null && six != family.equals(INET6)) return false;
        if (range6 != null) return six && range6.contains(ev.address6());
        if (range4 != null) return !six && ev.address() != 0 && range4.contains(ev.address());
        return true;
    }

    /** Whether the Ethernet frame {@code buf[off, off+len)} is of the family, and about an address, this filter wants. */
    boolean wants(byte[] buf, int off, int len) {
        if (family == null) return true;
        int type;
        try {
            type = EthernetHeader.etherType(buf, off, len);
        } catch (MalformedFrameException runt) {
            return false;
        }
        if (family.equals(INET)) return (type == EtherType.ARP || type == EtherType.RARP) && (range4 == null || arpAbout(buf, off, len));
        return type == EtherType.IPV6 && (range6 == null || ndAbout(buf, off, len));
    }

    private boolean arpAbout(byte[] buf, int off, int len) {
        try {
            ArpPacket p = ArpCodec.decode(buf, off + EthernetHeader.HEADER, len - EthernetHeader.HEADER);
            return (p.senderProtocol().length() == 4 && range4.contains(p.senderProtocol().toIp4()))
                    || (p.targetProtocol().length() == 4 && range4.contains(p.targetProtocol().toIp4()));
        } catch (MalformedFrameException | RuntimeException e) {
            return false; // only unfiltered captures get what cannot be read
        }
    }

    private boolean ndAbout(byte[] buf, int off, int len) {
        NdView v = new NdView();
        try {
            if (!v.resetEthernet(buf, off, len)) return false;
        } catch (MalformedFrameException e) {
            return false;
        }
        return range6.contains(v.sourceHigh(), v.sourceLow())
                || range6.contains(Ip6.high(v.buffer(), v.destinationOffset()), Ip6.low(v.buffer(), v.destinationOffset()))
                || range6.contains(v.targetHigh(), v.targetLow());
    }
}

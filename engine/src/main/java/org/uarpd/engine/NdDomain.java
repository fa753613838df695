package org.uarpd.engine;

import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.Map;
import org.uarpd.engine.EngineEvent.Kind;
import org.uarpd.engine.EngineEvent.Reason;
import org.uarpd.wire.EtherType;
import org.uarpd.wire.HardwareAddress;
import org.uarpd.wire.Ip6;
import org.uarpd.wire.Ip6Address;
import org.uarpd.wire.MalformedFrameException;
import org.uarpd.wire.link.Ethernet;
import org.uarpd.wire.link.EthernetHeader;
import org.uarpd.wire.nd.IcmpV6Type;
import org.uarpd.wire.nd.NdOptionType;
import org.uarpd.wire.nd.NdPacket;
import org.uarpd.wire.nd.NdValidation;
import org.uarpd.wire.nd.NdView;
import org.uarpd.wire.nd.NdViolation;

/**
 * The IPv6 neighbour discovery domain (RFC 4861) on Ethernet links (RFC 2464): IPv6 addresses
 * ({@link Ip6Addresses}) resolved to 48-bit MAC addresses. It parses a received frame into an
 * {@link NdObservation} ({@link #parse}) and is the one place ND packets are built ({@link #send}:
 * solicitations, advertisements, DAD probes), with the wire module's {@link NdView}. It also keeps
 * each link's IPv6 side ({@link NdLink}).
 */
final class NdDomain implements NeighborDomain {
    private static final int MAC = 6;

    private final EngineContext ctx;
    private final NeighborTable table;
    private final Ip6Addresses addresses;
    private final Map<Integer, NdLink> links = new HashMap<>();
    private final NdView in = new NdView();
    private final NdView out = new NdView();
    private final byte[] frame = new byte[128];
    private final byte[] ip = new byte[Ip6.LENGTH];
    private final byte[] nonce = new byte[MAC];
    private NdConfig config;

    NdDomain(EngineContext ctx, NeighborTable table, Ip6Addresses addresses, NdConfig config) {
        this.ctx = ctx;
        this.table = table;
        this.addresses = addresses;
        this.config = config;
    }

    NdConfig config() {
        return config;
    }

    void reconfigure(NdConfig next) {
        config = next;
    }

    @Override
    public NeighborTimers timers(EngineConfig engine) {
        return config.timers();
    }

    /** ND frames are built for Ethernet only, and need one of our addresses to ask from. */
    @Override
    public Reason cannotSolicit(Link link) {
        return !speaks(link) ? Reason.WRONG_HARDWARE : link(link).source() < 0 ? Reason.NO_SOURCE_ADDRESS : null;
    }

    static boolean speaks(Link l) {
        return l.type == Ethernet.INSTANCE && l.hardwareBytes.length == MAC;
    }

    /** The IPv6 side of {@code l}, made with its policy when first asked for. */
    NdLink link(Link l) {
        NdLink n = links.get(l.id);
        if (n == null) {
            n = new NdLink(l.id, config.policyFor(l.name));
            links.put(l.id, n);
        }
        return n;
    }

    NdLink known(int id) {
        return links.get(id);
    }

    NdLink forget(int id) {
        return links.remove(id);
    }

    Iterable<NdLink> all() {
        return links.values();
    }

    // -- receiving -------------------------------------------------------------------------------

    /** True for an Ethernet II frame carrying IPv6: neighbour discovery's to read. */
    static boolean isIp6(Link l, byte[] buf, int off, int len) {
        if (l == null || l.type != Ethernet.INSTANCE) return false;
        try {
            return EthernetHeader.etherType(buf, off, len) == EtherType.IPV6;
        } catch (MalformedFrameException runt) {
            return false; // too short for a header: ARP's parser reports it
        }
    }

    /**
     * Parses the IPv6 frame {@code buf[off, off+len)} received on {@code l} into {@code o}. Returns
     * false, having reported why, for anything but a valid NS or NA: malformed and RFC 4861 §7.1
     * violations (hop limit not 255, …) are dropped and counted. A report about a frame whose target
     * was never read names {@code ::} (RFC 4291 §2.5.2: the absence of an address), so it is still an
     * IPv6 one to whoever counts by family.
     */
    boolean parse(Link l, byte[] buf, int off, int len, NdObservation o) {
        if (!speaks(l)) {
            ctx.emit(Kind.IGNORED, l.id, 0, Ip6Address.UNSPECIFIED, null, null, Reason.WRONG_HARDWARE, 0, null);
            return false;
        }
        NdView v = in;
        try {
            if (!v.resetEthernet(buf, off, len)) {
                ctx.emit(Kind.DROPPED, l.id, 0, Ip6Address.UNSPECIFIED, null, null, Reason.NOT_ND, 0, "IPv6, not a neighbour solicitation or advertisement");
                return false;
            }
        } catch (MalformedFrameException | RuntimeException e) {
            ctx.emit(Kind.DROPPED, l.id, 0, Ip6Address.UNSPECIFIED, null, null, Reason.MALFORMED, 0, e.getMessage());
            return false;
        }
        NdViolation bad = NdValidation.firstViolation(v);
        if (bad != null) {
            ctx.emit(Kind.DROPPED, l.id, 0, v.target(), null, null, Reason.MALFORMED, 0, bad.reason());
            return false;
        }
        o.solicitation = v.isSolicitation();
        o.sourceHigh = v.sourceHigh();
        o.sourceLow = v.sourceLow();
        o.sourceUnspecified = v.sourceIsUnspecified();
        o.toMulticast = v.destinationIsMulticast();
        o.targetHigh = v.targetHigh();
        o.targetLow = v.targetLow();
        o.router = !o.solicitation && v.router();
        o.solicited = !o.solicitation && v.solicited();
        o.override = !o.solicitation && v.override();
        int at = o.solicitation ? v.sourceLinkLayerOffset() : v.targetLinkLayerOffset();
        int n = o.solicitation ? v.sourceLinkLayerLength() : v.targetLinkLayerLength();
        o.hasLinkLayer = at >= 0 && n >= MAC;
        if (o.hasLinkLayer) System.arraycopy(buf, at, o.linkLayer, 0, MAC);
        o.hasNonce = v.nonceOffset() >= 0 && v.nonceLength() >= 1 && v.nonceLength() <= 8;
        o.nonce = o.hasNonce ? v.nonceAsLong() : 0;
        System.arraycopy(buf, off + EthernetHeader.SOURCE, o.linkSource, 0, MAC);
        return true;
    }

    // -- sending ---------------------------------------------------------------------------------

    @Override
    public void solicit(Link link, int id, boolean unicast, Reason why) {
        NdLink n = link(link);
        long th = addresses.high(id);
        long tl = addresses.low(id);
        int s = n.source(th, tl);
        byte[] dst = unicast ? table.hardware(id).toByteArray() : null;
        send(link, IcmpV6Type.NEIGHBOR_SOLICITATION.value(), n.high[s], n.low[s], unicast ? th : SOLICITED_HIGH,
                unicast ? tl : SOLICITED_LOW | (tl & 0xFF_FFFFL), th, tl, 0, link.hardwareBytes, dst, -1);
        ctx.emit(Kind.REQUESTED, link.id, 0, addresses.address(id), unicast ? table.hardware(id) : null, table.stateOf(id), why, 0, null);
    }

    /**
     * A unicast solicitation for {@code target} to {@code holder}, the station its entry holds: the
     * guard asking whether it still has the address (RFC 4861 §7.2.2 lets unicast NS re-check a binding).
     */
    void askHolder(Link link, Ip6Address target, HardwareAddress holder) {
        NdLink n = link(link);
        long th = target.high();
        long tl = target.low();
        int s = n.source(th, tl);
        if (s < 0) return; // no address to ask from: the claim is believed when verification times out
        send(link, IcmpV6Type.NEIGHBOR_SOLICITATION.value(), n.high[s], n.low[s], th, tl, th, tl, 0, link.hardwareBytes,
                holder.toByteArray(), -1);
        ctx.emit(Kind.REQUESTED, link.id, 0, target, holder, null, Reason.VERIFYING, 0, null);
    }

    /**
     * A multicast solicitation for ({@code th}, {@code tl}) that creates no entry: a proxy asking
     * whether the target is there ({@link NdProxyChecks}), from our address on its prefix if we have one there.
     */
    void solicitTarget(Link link, long th, long tl) {
        NdLink n = link(link);
        int s = n.source(th, tl);
        send(link, IcmpV6Type.NEIGHBOR_SOLICITATION.value(), n.high[s], n.low[s], SOLICITED_HIGH, SOLICITED_LOW | (tl & 0xFF_FFFFL),
                th, tl, 0, link.hardwareBytes, null, -1);
        ctx.emit(Kind.REQUESTED, link.id, 0, new org.uarpd.wire.Ip6Address(th, tl), null, null, Reason.ASKING_TARGET, 0, null);
    }

    /**
     * The answer to a solicitation for ({@code th}, {@code tl}) (RFC 4861 §7.2.4): Solicited set, to
     * the solicitor's address ({@code sh}, {@code sl}) at {@code solicitorMac} (its option, else the
     * frame's source), so a unicast solicitation is answered unicast; a DAD probe (from ::) is
     * answered to all nodes with Solicited clear. Override set for our own addresses, clear for
     * proxied ones (§7.2.8); Router as the link's policy says. Reported as ANSWERED {@code why}.
     */
    void answer(Link l, long th, long tl, boolean fromUnspecified, long sh, long sl, byte[] solicitorMac, boolean override,
                byte[] mac, Reason why) {
        boolean router = link(l).policy.router();
        if (fromUnspecified) advertise(l, th, tl, Ip6Address.ALL_NODES.high(), Ip6Address.ALL_NODES.low(), null, router, false, override, mac);
        else advertise(l, th, tl, sh, sl, solicitorMac, router, true, override, mac);
        ctx.emit(Kind.ANSWERED, l.id, 0, new org.uarpd.wire.Ip6Address(th, tl), org.uarpd.wire.HardwareAddress.of(mac.clone()), null,
                why, 0, null);
    }

    /** ff02::1:ff00:0/104, the solicited-node prefix (RFC 4291 §2.7.1). */
    static final long SOLICITED_HIGH = Ip6Address.ALL_NODES.high();
    static final long SOLICITED_LOW = 0x0000_0001_FF00_0000L;

    /** A DAD probe (RFC 4862 §5.4.2) for the tentative ({@code h}, {@code l}): from ::, no link-layer option, nonce (RFC 7527). */
    void dadProbe(Link link, long h, long l, long nonceValue) {
        send(link, IcmpV6Type.NEIGHBOR_SOLICITATION.value(), 0, 0, SOLICITED_HIGH, SOLICITED_LOW | (l & 0xFF_FFFFL), h, l, 0,
                null, null, nonceValue);
    }

    /**
     * An advertisement for target ({@code th}, {@code tl}) at {@code mac}: to ({@code dh}, {@code dl})
     * at {@code linkDestination} (null: the destination's multicast group), flags as given (RFC 4861 §4.4).
     */
    void advertise(Link link, long th, long tl, long dh, long dl, byte[] linkDestination, boolean router, boolean solicited,
                   boolean override, byte[] mac) {
        int flags = (router ? NdPacket.ROUTER : 0) | (solicited ? NdPacket.SOLICITED : 0) | (override ? NdPacket.OVERRIDE : 0);
        send(link, IcmpV6Type.NEIGHBOR_ADVERTISEMENT.value(), th, tl, dh, dl, th, tl, flags, mac, linkDestination, -1);
    }

    /**
     * The one way an ND frame is written: Ethernet II from the link's MAC, IPv6 with hop limit 255,
     * the NS/NA fields, a link-layer option carrying {@code option} (source for an NS, target for an
     * NA; none when null), a nonce option when {@code nonceValue} ≥ 0; checksum sealed; sent at once.
     */
    private void send(Link link, int type, long sh, long sl, long dh, long dl, long th, long tl, int flags, byte[] option,
                      byte[] linkDestination, long nonceValue) {
        NdView v = out.initializeEthernet(frame, 0, type);
        Ip6.write(ip, 0, sh, sl);
        v.setSource(ip, 0);
        Ip6.write(ip, 0, dh, dl);
        v.setDestination(ip, 0);
        Ip6.write(ip, 0, th, tl);
        v.setTarget(ip, 0);
        if (type == IcmpV6Type.NEIGHBOR_ADVERTISEMENT.value()) {
            v.setFlags((flags & NdPacket.ROUTER) != 0, (flags & NdPacket.SOLICITED) != 0, (flags & NdPacket.OVERRIDE) != 0);
        }
        if (option != null) {
            int opt = type == IcmpV6Type.NEIGHBOR_SOLICITATION.value() ? NdOptionType.SOURCE_LINK_LAYER.value()
                    : NdOptionType.TARGET_LINK_LAYER.value();
            v.appendLinkLayerOption(opt, option, 0, MAC);
        }
        if (nonceValue >= 0) {
            for (int i = MAC - 1; i >= 0; i--) {
                nonce[i] = (byte) (nonceValue >>> (8 * (MAC - 1 - i)));
            }
            v.appendNonce(nonce, 0, MAC);
        }
        v.updateChecksum();
        v.setLinkSource(link.hardwareBytes, 0);
        if (linkDestination != null) v.setLinkDestination(linkDestination, 0);
        else v.setLinkDestinationFromMulticast();
        ctx.act(new Action.Transmit(link.id, ByteBuffer.wrap(frame, 0, v.frameLength())));
    }
}

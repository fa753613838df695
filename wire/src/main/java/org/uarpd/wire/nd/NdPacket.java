package org.uarpd.wire.nd;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.uarpd.wire.HardwareAddress;
import org.uarpd.wire.Ip6Address;

/**
 * An IPv6 packet carrying an ICMPv6 neighbour solicitation (type 135, RFC 4861 §4.3) or
 * neighbour advertisement (type 136, §4.4), as a plain value: the IPv6 header fields that matter
 * (traffic class, flow label, hop limit, addresses; the payload length and next header follow from
 * the rest), the ICMPv6 code, the 32-bit word after the checksum ({@code flags}: R, S and O in its
 * top bits for an NA, reserved in an NS), the target address and the options in wire order.
 * The checksum is not held: {@link NdCodec} computes it on encode and verifies it on decode.
 *
 * <p>A value may break the receive rules of RFC 4861 §7.1 (hop limit other than 255, a multicast
 * target…): that is allowed so that such packets can be built for tests and printed; {@link
 * NdValidation} says which rules a packet breaks.
 */
public record NdPacket(
        int trafficClass,
        int flowLabel,
        int hopLimit,
        Ip6Address source,
        Ip6Address destination,
        IcmpV6Type type,
        int code,
        int flags,
        Ip6Address target,
        List<NdOption> options) {

    /** The hop limit every ND message is sent with and must arrive with (RFC 4861 §7.1). */
    public static final int HOP_LIMIT = 255;
    public static final int ROUTER = 0x8000_0000;
    public static final int SOLICITED = 0x4000_0000;
    public static final int OVERRIDE = 0x2000_0000;
    /** IPv6 header and the fixed NS/NA fields: the size of a packet without options. */
    public static final int FIXED_SIZE = NdLayout.IP6_HEADER + NdLayout.OPTIONS;

    public NdPacket {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(destination, "destination");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(target, "target");
        options = List.copyOf(options);
        if (!IcmpV6Type.isNeighborMessage(type.value())) {
            throw new IllegalArgumentException("ICMPv6 type " + type + " is not a neighbour solicitation or advertisement");
        }
        check("traffic class", trafficClass, 0xFF);
        check("flow label", flowLabel, 0xF_FFFF);
        check("hop limit", hopLimit, 0xFF);
        check("code", code, 0xFF);
        int size = FIXED_SIZE;
        for (NdOption o : options) size += o.size();
        if (size - NdLayout.IP6_HEADER > 0xFFFF) throw new IllegalArgumentException("options overflow the IPv6 payload length");
    }

    private static void check(String what, int v, int max) {
        if (v < 0 || v > max) throw new IllegalArgumentException(what + " " + v + " outside 0.." + max);
    }

    // ---- Factories for the messages the engine sends ----

    /** An address-resolution NS (RFC 4861 §7.2.2): to the target's solicited-node group, with our link-layer address. */
    public static NdPacket solicitation(Ip6Address source, HardwareAddress ourLink, Ip6Address target) {
        return solicitation(source, target.solicitedNode(), target, List.of(NdOption.sourceLinkLayer(ourLink)));
    }

    /** Any NS, sent with hop limit 255. */
    public static NdPacket solicitation(Ip6Address source, Ip6Address destination, Ip6Address target, List<NdOption> options) {
        return new NdPacket(0, 0, HOP_LIMIT, source, destination, IcmpV6Type.NEIGHBOR_SOLICITATION, 0, 0, target, options);
    }

    /**
     * A duplicate address detection probe (RFC 4862 §5.4.2): from {@code ::} to the tentative
     * address's solicited-node group, no link-layer option (RFC 4861 §7.1.1 forbids one), and
     * Enhanced DAD's nonce (RFC 7527 §4.1) when {@code nonce} is not null.
     */
    public static NdPacket dadProbe(Ip6Address tentative, byte[] nonce) {
        return solicitation(Ip6Address.UNSPECIFIED, tentative.solicitedNode(), tentative,
                nonce == null ? List.of() : List.of(NdOption.nonce(nonce)));
    }

    /** An NA with the given R, S, O flags, sent with hop limit 255. */
    public static NdPacket advertisement(Ip6Address source, Ip6Address destination, boolean router, boolean solicited,
                                         boolean override, Ip6Address target, List<NdOption> options) {
        int flags = (router ? ROUTER : 0) | (solicited ? SOLICITED : 0) | (override ? OVERRIDE : 0);
        return new NdPacket(0, 0, HOP_LIMIT, source, destination, IcmpV6Type.NEIGHBOR_ADVERTISEMENT, 0, flags, target, options);
    }

    /**
     * The NA answering this NS (RFC 4861 §7.2.4) for {@link #target()} at {@code ourLink}: from the
     * target address, to the solicitation's source, Solicited set; a DAD probe (source {@code ::}) is
     * answered to all nodes (ff02::1) with Solicited clear.
     */
    public NdPacket advertisementFor(HardwareAddress ourLink, boolean router, boolean override) {
        if (!isSolicitation()) throw new IllegalStateException("only a solicitation is answered, not a " + type);
        boolean dad = source.isUnspecified();
        return advertisement(target, dad ? Ip6Address.ALL_NODES : source, router, !dad, override, target,
                List.of(NdOption.targetLinkLayer(ourLink)));
    }

    // ---- Reading ----

    public boolean isSolicitation() {
        return type.value() == IcmpV6Type.NEIGHBOR_SOLICITATION.value();
    }

    public boolean isAdvertisement() {
        return type.value() == IcmpV6Type.NEIGHBOR_ADVERTISEMENT.value();
    }

    /** NA Router flag (RFC 4861 §4.4). */
    public boolean router() {
        return (flags & ROUTER) != 0;
    }

    /** NA Solicited flag. */
    public boolean solicited() {
        return (flags & SOLICITED) != 0;
    }

    /** NA Override flag. */
    public boolean override() {
        return (flags & OVERRIDE) != 0;
    }

    /** True for a DAD probe: an NS from the unspecified address (RFC 4862 §5.4.2). */
    public boolean isDadProbe() {
        return isSolicitation() && source.isUnspecified();
    }

    /** The first option of this type, if any (RFC 4861 leaves duplicates undefined; the first wins here). */
    public Optional<NdOption> option(NdOptionType optionType) {
        for (NdOption o : options) {
            if (o.type().value() == optionType.value()) return Optional.of(o);
        }
        return Optional.empty();
    }

    /** The source link-layer address, the first {@code addressLength} bytes of the first SLL option. */
    public Optional<HardwareAddress> sourceLinkLayer(int addressLength) {
        return option(NdOptionType.SOURCE_LINK_LAYER).map(o -> o.linkLayerAddress(addressLength));
    }

    public Optional<HardwareAddress> targetLinkLayer(int addressLength) {
        return option(NdOptionType.TARGET_LINK_LAYER).map(o -> o.linkLayerAddress(addressLength));
    }

    /** The nonce of the first nonce option (RFC 7527), if any. */
    public Optional<byte[]> nonce() {
        return option(NdOptionType.NONCE).map(NdOption::body);
    }

    /** Length of the ICMPv6 message (the IPv6 payload length). */
    public int icmpLength() {
        int n = NdLayout.OPTIONS;
        for (NdOption o : options) n += o.size();
        return n;
    }

    /** Bytes on the wire: IPv6 header and ICMPv6 message. */
    public int size() {
        return NdLayout.IP6_HEADER + icmpLength();
    }

    /**
     * One line, tcpdump-like: {@code ns who-has 2001:db8::2 tell 2001:db8::1, sll 02:00:5e:00:00:01},
     * {@code ns dad 2001:db8::2, nonce 0102…}, {@code na 2001:db8::2 [S O], tll …}. Link-layer
     * addresses are printed {@code linkAddressLength} bytes long (the link's length), or as the whole
     * option body when that is 0 or does not fit.
     */
    public String describe(int linkAddressLength) {
        StringBuilder s = new StringBuilder();
        if (isSolicitation()) {
            s.append(source.isUnspecified() ? "ns dad " + target : "ns who-has " + target + " tell " + source);
        } else {
            s.append("na ").append(target).append(" [").append(router() ? "R" : "").append(solicited() ? "S" : "")
                    .append(override() ? "O" : "").append(']');
        }
        for (NdOption o : options) {
            s.append(", ").append(o.type()).append(' ');
            boolean address = o.type().value() == NdOptionType.SOURCE_LINK_LAYER.value()
                    || o.type().value() == NdOptionType.TARGET_LINK_LAYER.value();
            byte[] body = o.body();
            s.append(address && linkAddressLength > 0 && linkAddressLength <= body.length
                    ? o.linkLayerAddress(linkAddressLength).toString()
                    : java.util.HexFormat.of().formatHex(body));
        }
        if (hopLimit != HOP_LIMIT) s.append(", hop limit ").append(hopLimit);
        return s.toString();
    }
}

package org.uarpd.wire.nd;

import static org.uarpd.wire.nd.NdLayout.*;

import java.util.Arrays;
import org.uarpd.wire.EtherType;
import org.uarpd.wire.Ip6;
import org.uarpd.wire.Ip6Address;
import org.uarpd.wire.MalformedFrameException;
import org.uarpd.wire.link.EthernetFramedView;
import org.uarpd.wire.link.EthernetHeader;

/**
 * A zero-copy view of an IPv6 neighbour solicitation or advertisement inside a caller's buffer, for
 * the hot path (the IPv6 counterpart of {@link org.uarpd.wire.ArpView}). One instance is kept and
 * re-pointed at each received packet with {@link #reset} / {@link #resetEthernet}: these run the
 * same checks as {@link NdCodec} (same errors) and note where the first source link-layer, target
 * link-layer and nonce options lie; after that every accessor reads straight from the buffer.
 * Nothing on the success path allocates.
 *
 * <p>{@code reset} answers {@code false} for a well-formed IPv6 packet that is not an NS or NA
 * (count it as "not ND" and drop it); the view is then left as it was, as on an error.
 *
 * <p>Writing: {@link #rewriteAsAdvertisement} turns a received NS into the NA answering it, in
 * place; {@link #initializeEthernet} / {@link #initialize} start a fresh NS or NA in a preallocated
 * buffer, to be filled with the setters and {@code append…} methods and sealed with
 * {@link #updateChecksum} (every writer except {@code rewriteAsAdvertisement} leaves the checksum
 * stale). Not thread-safe: one view per thread.
 */
public final class NdView extends EthernetFramedView {
    private static final int ETH_HEADER = EthernetHeader.HEADER;
    private static final int ETH_DST = EthernetHeader.DESTINATION;
    private static final int ETH_SRC = EthernetHeader.SOURCE;
    private static final int ETH_ADDRESS = EthernetHeader.ADDRESS;
    private static final byte[] ALL_NODES = Ip6Address.ALL_NODES.toBytes();

    /** Start of the IPv6 header. */
    private int off;
    private int icmpLength;
    private final NdOptionIndex options = new NdOptionIndex();
    /** Filled by the option walk of a reset in progress; copied to {@link #options} only when the packet passes. */
    private final NdOptionIndex pending = new NdOptionIndex();

    public NdView() {}

    /**
     * Points this view at the IPv6 packet at the start of {@code buf[off, off+len)}.
     *
     * @return true when it is an NS or NA (now bound), false for another well-formed IPv6 packet
     */
    public boolean reset(byte[] buf, int off, int len) throws MalformedFrameException {
        return bindChecked(buf, off, len, -1);
    }

    /**
     * Like {@link #reset}, for the IPv6 packet of the Ethernet II frame at {@code frame[off, off+len)},
     * keeping the frame's link addresses at hand.
     *
     * @throws MalformedFrameException header truncated or an EtherType other than IPv6
     */
    public boolean resetEthernet(byte[] frame, int off, int len) throws MalformedFrameException {
        int type = EthernetHeader.etherType(frame, off, len);
        if (type != EtherType.IPV6) {
            throw new MalformedFrameException(String.format("EtherType 0x%04x is not IPv6", type), off + EthernetHeader.TYPE);
        }
        return bindChecked(frame, off + ETH_HEADER, len - ETH_HEADER, off);
    }

    private boolean bindChecked(byte[] b, int o, int len, int f) throws MalformedFrameException {
        pending.clear();
        int n = check(b, o, len, pending);
        if (n == NOT_ND) return false;
        bind(b, o, n, f);
        options.copyFrom(pending);
        return true;
    }

    private void bind(byte[] b, int o, int n, int f) {
        this.buf = b;
        this.off = o;
        this.icmpLength = n;
        this.frame = f;
    }

    // ---- Building ----

    /**
     * Writes a fresh NS or NA at {@code buf[off]}: IPv6 header (version 6, next header 58, hop limit
     * 255, payload 24), zero addresses, flags and target, no options; and points this view at it.
     *
     * @throws IllegalArgumentException a type other than 135/136, or no room for 64 bytes
     */
    public NdView initialize(byte[] buf, int off, int icmpType) {
        return initialize(buf, off, icmpType, -1);
    }

    /**
     * Writes an Ethernet II frame (EtherType 0x86DD, zero addresses) holding a fresh NS or NA at
     * {@code frame[off]}, as {@link #initialize} does, and points this view at it.
     */
    public NdView initializeEthernet(byte[] frame, int off, int icmpType) {
        EthernetHeader.write(frame, off, ETH_HEADER, EtherType.IPV6);
        return initialize(frame, off + ETH_HEADER, icmpType, off);
    }

    private NdView initialize(byte[] b, int o, int icmpType, int f) {
        if (!IcmpV6Type.isNeighborMessage(icmpType)) {
            throw new IllegalArgumentException("ICMPv6 type " + icmpType + " is not a neighbour solicitation or advertisement");
        }
        requireRoom(b, o, OPTIONS);
        Arrays.fill(b, o, o + IP6_HEADER + OPTIONS, (byte) 0);
        writeIp6Header(b, o, 0, 0, OPTIONS, NdPacket.HOP_LIMIT);
        b[o + IP6_HEADER + TYPE] = (byte) icmpType;
        bind(b, o, OPTIONS, f);
        options.clear();
        return this;
    }

    private static void requireRoom(byte[] b, int o, int icmp) {
        if (o < 0 || IP6_HEADER + icmp > b.length - o) {
            throw new IllegalArgumentException("no room for a " + (IP6_HEADER + icmp) + "-byte packet at " + o + " in " + b.length + " bytes");
        }
    }

    /** Appends a source (1) or target (2) link-layer address option for {@code len} bytes at {@code src[srcOff]}, zero-padded. */
    public void appendLinkLayerOption(int type, byte[] src, int srcOff, int len) {
        int at = appendOption(type, len);
        System.arraycopy(src, srcOff, buf, at, len);
        options.option(type, at, NdOption.bodyLengthFor(len));
    }

    /** Appends a nonce option (RFC 7527) holding the {@code len} (6, 14, …) bytes at {@code src[srcOff]}. */
    public void appendNonce(byte[] src, int srcOff, int len) {
        if (len < 6 || NdOption.bodyLengthFor(len) != len) {
            throw new IllegalArgumentException("a nonce is 6, 14, 22… bytes (RFC 3971 §5.3.2), not " + len);
        }
        int at = appendOption(NdOptionType.NONCE.value(), len);
        System.arraycopy(src, srcOff, buf, at, len);
        options.option(NdOptionType.NONCE.value(), at, len);
    }

    /** Writes an option header for {@code content} bytes after the last option; returns where its body starts. */
    private int appendOption(int type, int content) {
        if (content < 1 || content > NdOption.MAX_BODY) throw new IllegalArgumentException("option content of " + content + " bytes");
        int body = NdOption.bodyLengthFor(content);
        requireRoom(buf, off, icmpLength + body + 2);
        int p = off + IP6_HEADER + icmpLength;
        buf[p] = (byte) type;
        buf[p + 1] = (byte) ((body + 2) / 8);
        Arrays.fill(buf, p + 2, p + 2 + body, (byte) 0);
        icmpLength += body + 2;
        putU16(buf, off + PAYLOAD_LENGTH, icmpLength);
        return p + 2;
    }

    /** Recomputes the ICMPv6 checksum over what the buffer now holds. */
    public void updateChecksum() {
        putChecksum(buf, off, icmpLength);
    }

    /**
     * Turns the bound NS into the NA answering it, in place (RFC 4861 §7.2.4): source is the target
     * address, destination the solicitation's source, or all-nodes ff02::1 for a DAD probe (source
     * {@code ::}); Solicited set except for DAD; Router and Override as given; one target link-layer
     * option with the {@code linkLength} bytes at {@code ourLink[linkOff]} replacing the NS's options;
     * hop limit 255; checksum updated. When bound to an Ethernet frame the frame is re-addressed too:
     * from {@code ourLink}, to the solicitation's link-layer source option (or the frame's source when
     * it has none) or to 33:33:00:00:00:01 for DAD. Needs room for the answer after the packet.
     *
     * @throws IllegalStateException not an NS; Ethernet-bound with {@code linkLength} not 6; no room
     */
    public void rewriteAsAdvertisement(byte[] ourLink, int linkOff, int linkLength, boolean router, boolean override) {
        if (!isSolicitation()) throw new IllegalStateException("only a solicitation can be rewritten into its advertisement");
        if (frame >= 0 && linkLength != ETH_ADDRESS) {
            throw new IllegalStateException("a " + linkLength + "-byte link address on Ethernet");
        }
        int answer = OPTIONS + 2 + NdOption.bodyLengthFor(linkLength);
        if (IP6_HEADER + answer > buf.length - off) {
            throw new IllegalStateException("no room for the " + (IP6_HEADER + answer) + "-byte advertisement at " + off);
        }
        boolean dad = sourceIsUnspecified();
        int icmp = off + IP6_HEADER;
        if (frame >= 0) {
            if (dad) {
                Ip6.writeMulticastMac(ALL_NODES, 0, buf, frame + ETH_DST);
            } else if (options.sll >= 0 && options.sllLength >= ETH_ADDRESS) {
                System.arraycopy(buf, options.sll, buf, frame + ETH_DST, ETH_ADDRESS);
            } else {
                System.arraycopy(buf, frame + ETH_SRC, buf, frame + ETH_DST, ETH_ADDRESS);
            }
            System.arraycopy(ourLink, linkOff, buf, frame + ETH_SRC, ETH_ADDRESS);
        }
        if (dad) {
            System.arraycopy(ALL_NODES, 0, buf, off + DESTINATION, Ip6.LENGTH);
        } else {
            System.arraycopy(buf, off + SOURCE, buf, off + DESTINATION, Ip6.LENGTH);
        }
        System.arraycopy(buf, icmp + TARGET, buf, off + SOURCE, Ip6.LENGTH);
        writeIp6Header(buf, off, 0, 0, OPTIONS, NdPacket.HOP_LIMIT);
        buf[icmp + TYPE] = (byte) IcmpV6Type.NEIGHBOR_ADVERTISEMENT.value();
        buf[icmp + CODE] = 0;
        putS32(buf, icmp + FLAGS, (router ? NdPacket.ROUTER : 0) | (dad ? 0 : NdPacket.SOLICITED) | (override ? NdPacket.OVERRIDE : 0));
        icmpLength = OPTIONS;
        options.clear();
        appendLinkLayerOption(NdOptionType.TARGET_LINK_LAYER.value(), ourLink, linkOff, linkLength);
        updateChecksum();
    }

    // ---- IPv6 header ----

    public int hopLimit() {
        return buf[off + HOP_LIMIT] & 0xFF;
    }

    public int trafficClass() {
        return NdLayout.trafficClass(buf, off);
    }

    public int flowLabel() {
        return NdLayout.flowLabel(buf, off);
    }

    public byte[] buffer() {
        return buf;
    }

    /** Where the IPv6 header starts in {@link #buffer()}. */
    public int offset() {
        return off;
    }

    /** IPv6 header and ICMPv6 message, without link header or padding. */
    public int size() {
        return IP6_HEADER + icmpLength;
    }

    public int sourceOffset() {
        return off + SOURCE;
    }

    public int destinationOffset() {
        return off + DESTINATION;
    }

    public boolean sourceIsUnspecified() {
        return Ip6.isUnspecified(buf, off + SOURCE);
    }

    public boolean destinationIsMulticast() {
        return Ip6.isMulticast(buf, off + DESTINATION);
    }

    /** True when the destination is the solicited-node group of the target (RFC 4291 §2.7.1). */
    public boolean destinationIsSolicitedNodeOfTarget() {
        return Ip6.isSolicitedNodeOf(buf, off + DESTINATION, buf, targetOffset());
    }

    public long sourceHigh() {
        return Ip6.high(buf, off + SOURCE);
    }

    public long sourceLow() {
        return Ip6.low(buf, off + SOURCE);
    }

    public void setSource(byte[] src, int srcOff) {
        System.arraycopy(src, srcOff, buf, off + SOURCE, Ip6.LENGTH);
    }

    public void setDestination(byte[] src, int srcOff) {
        System.arraycopy(src, srcOff, buf, off + DESTINATION, Ip6.LENGTH);
    }

    public void setHopLimit(int hopLimit) {
        buf[off + HOP_LIMIT] = (byte) hopLimit;
    }

    // ---- ICMPv6 ----

    public int icmpType() {
        return buf[off + IP6_HEADER + TYPE] & 0xFF;
    }

    public int code() {
        return buf[off + IP6_HEADER + CODE] & 0xFF;
    }

    public int checksum() {
        return u16(buf, off + IP6_HEADER + CHECKSUM);
    }

    /** ICMPv6 message length (the IPv6 payload length). */
    public int icmpLength() {
        return icmpLength;
    }

    public boolean isSolicitation() {
        return icmpType() == IcmpV6Type.NEIGHBOR_SOLICITATION.value();
    }

    public boolean isAdvertisement() {
        return icmpType() == IcmpV6Type.NEIGHBOR_ADVERTISEMENT.value();
    }

    /** The 32-bit word after the checksum: R, S, O flags of an NA ({@link NdPacket#ROUTER}…). */
    public int flags() {
        return s32(buf, off + IP6_HEADER + FLAGS);
    }

    public boolean router() {
        return (flags() & NdPacket.ROUTER) != 0;
    }

    public boolean solicited() {
        return (flags() & NdPacket.SOLICITED) != 0;
    }

    public boolean override() {
        return (flags() & NdPacket.OVERRIDE) != 0;
    }

    public void setFlags(boolean router, boolean solicited, boolean override) {
        putS32(buf, off + IP6_HEADER + FLAGS,
                (router ? NdPacket.ROUTER : 0) | (solicited ? NdPacket.SOLICITED : 0) | (override ? NdPacket.OVERRIDE : 0));
    }

    public int targetOffset() {
        return off + IP6_HEADER + TARGET;
    }

    public long targetHigh() {
        return Ip6.high(buf, targetOffset());
    }

    public long targetLow() {
        return Ip6.low(buf, targetOffset());
    }

    public boolean targetIsMulticast() {
        return Ip6.isMulticast(buf, targetOffset());
    }

    public boolean targetEquals(byte[] other, int otherOff) {
        return Arrays.equals(buf, targetOffset(), targetOffset() + Ip6.LENGTH, other, otherOff, otherOff + Ip6.LENGTH);
    }

    public void setTarget(byte[] src, int srcOff) {
        System.arraycopy(src, srcOff, buf, targetOffset(), Ip6.LENGTH);
    }

    // ---- Options (the first of each kind; offsets of the option body into buffer(), -1 when absent) ----

    public int optionCount() {
        return options.count;
    }

    public int sourceLinkLayerOffset() {
        return options.sll;
    }

    /** Body bytes of the source link-layer option (address and padding), 0 when absent. */
    public int sourceLinkLayerLength() {
        return options.sllLength;
    }

    public int targetLinkLayerOffset() {
        return options.tll;
    }

    public int targetLinkLayerLength() {
        return options.tllLength;
    }

    public int nonceOffset() {
        return options.nonce;
    }

    public int nonceLength() {
        return options.nonceLength;
    }

    /** The first {@code n} (≤ 8) bytes of the source link-layer option as a number: a table key (n = 6 on Ethernet). */
    public long sourceLinkLayerAsLong(int n) {
        return asLong(options.sll, options.sllLength, n, "source link-layer");
    }

    public long targetLinkLayerAsLong(int n) {
        return asLong(options.tll, options.tllLength, n, "target link-layer");
    }

    /** The nonce as a number, for the 6-byte nonces of RFC 7527 (up to 8 bytes). */
    public long nonceAsLong() {
        return asLong(options.nonce, options.nonceLength, options.nonceLength, "nonce");
    }

    private long asLong(int at, int have, int n, String what) {
        if (at < 0) throw new IllegalStateException("no " + what + " option");
        if (n < 1 || n > 8 || n > have) throw new IllegalArgumentException(n + " bytes of a " + have + "-byte " + what + " option as a long");
        long v = 0;
        for (int i = 0; i < n; i++) v = (v << 8) | (buf[at + i] & 0xFF);
        return v;
    }

    // ---- The Ethernet frame (only after resetEthernet / initializeEthernet; the rest is EthernetFramedView's) ----

    @Override
    protected int packetSize() {
        return size();
    }

    /** True when the frame's source MAC is the source link-layer option's address (false without one). */
    public boolean linkSourceEqualsSourceLinkLayer() {
        requireFrame();
        return options.sll >= 0 && options.sllLength >= ETH_ADDRESS && linkSourceEquals(options.sll);
    }

    /** Addresses the frame to the Ethernet group of the (multicast) IPv6 destination (RFC 2464 §7). */
    public void setLinkDestinationFromMulticast() {
        requireFrame();
        if (!destinationIsMulticast()) throw new IllegalStateException("the IPv6 destination is not multicast");
        Ip6.writeMulticastMac(buf, off + DESTINATION, buf, frame + ETH_DST);
    }

    // ---- To the record path ----

    /** The packet as a value (allocates; for the cold path, logs and tests). */
    public NdPacket toPacket() {
        try {
            return NdCodec.decode(buf, off, size()).orElseThrow(() -> new IllegalStateException("not an NS or NA any more"));
        } catch (MalformedFrameException e) {
            throw new IllegalStateException("buffer does not hold a valid packet (checksum not updated?): " + e.getMessage(), e);
        }
    }

    public Ip6Address source() {
        return Ip6Address.of(buf, off + SOURCE);
    }

    public Ip6Address destination() {
        return Ip6Address.of(buf, off + DESTINATION);
    }

    public Ip6Address target() {
        return Ip6Address.of(buf, targetOffset());
    }

    @Override
    public String toString() {
        return icmpLength == 0 ? "NdView(unbound)" : "NdView(" + toPacket().describe(0) + ")";
    }
}

package org.uarpd.wire.link;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.uarpd.wire.Frame;
import org.uarpd.wire.HardwareAddress;
import org.uarpd.wire.HardwareType;
import org.uarpd.wire.LinkType;
import org.uarpd.wire.MalformedFrameException;

/**
 * IEEE 802.5 Token Ring (pcap link type 6) with RFC 1042 LLC/SNAP: access control, frame control,
 * destination, source, an optional routing information field (RIF), then LLC/SNAP and the payload.
 *
 * <p>Source routing (IEEE 802.5 / 802.1D annex C): the high bit of the first source address byte
 * (the routing information indicator) says a RIF follows. Its 2-byte route control field holds the
 * broadcast type (3 bits), the RIF length in bytes including itself (5 bits, even, 2..30), the
 * direction bit and the largest-frame bits; then 2-byte route designators (12-bit ring, 4-bit
 * bridge). Decoding clears the indicator bit in {@link Frame#source()} (it is not part of the
 * address) and reports AC, FC and the RIF as a {@link Header} in {@link Frame#extras()}.
 * ARP here uses hardware type 6 (IEEE 802, RFC 1042).
 */
public final class TokenRing implements LinkType {
    public static final TokenRing INSTANCE = new TokenRing();
    /** AC, FC, destination, source. */
    public static final int MAC_HEADER = 14;
    /** Access control: a frame, not a token (bit 0x10), priority 0. */
    public static final int DEFAULT_ACCESS_CONTROL = 0x10;
    /** Frame control: an LLC frame (type bits 01), no attention code. */
    public static final int DEFAULT_FRAME_CONTROL = 0x40;
    public static final int ROUTING_INDICATOR = 0x80;
    public static final int MAX_RIF_LENGTH = 30;
    private static final HardwareAddress BROADCAST = HardwareAddress.parse("ff:ff:ff:ff:ff:ff");

    /** One hop of a source route: a 12-bit ring number and the 4-bit bridge number after it. */
    public record RouteDesignator(int ring, int bridge) {
        public RouteDesignator {
            if (ring < 0 || ring > 0xFFF) throw new IllegalArgumentException("ring number out of 12 bits: " + ring);
            if (bridge < 0 || bridge > 0xF) throw new IllegalArgumentException("bridge number out of 4 bits: " + bridge);
        }
    }

    /**
     * The routing information field. {@code broadcastType}: the 3 high bits of the first route
     * control byte (0 specific route, 4 all-routes explorer, 6 spanning-tree explorer);
     * {@code backward}: the direction bit (read the route from right to left);
     * {@code largestFrame}: the 3 basic largest-frame bits; {@code extendedBits}: the low 4 bits of
     * the second control byte (802.1D extended largest frame and reserved), kept as found.
     */
    public record RoutingInformation(int broadcastType, boolean backward, int largestFrame, int extendedBits,
                                     List<RouteDesignator> route) {
        public RoutingInformation {
            if (broadcastType < 0 || broadcastType > 7) throw new IllegalArgumentException("broadcast type out of 3 bits: " + broadcastType);
            if (largestFrame < 0 || largestFrame > 7) throw new IllegalArgumentException("largest frame out of 3 bits: " + largestFrame);
            if (extendedBits < 0 || extendedBits > 0xF) throw new IllegalArgumentException("extended bits out of 4 bits: " + extendedBits);
            route = List.copyOf(route);
            if (2 + 2 * route.size() > MAX_RIF_LENGTH) {
                throw new IllegalArgumentException("a RIF holds at most " + (MAX_RIF_LENGTH - 2) / 2 + " route designators, got " + route.size());
            }
        }

        /** RIF length in bytes, as its length bits say: route control plus designators. */
        public int length() {
            return 2 + 2 * route.size();
        }
    }

    /** What a Token Ring header holds besides the addresses; {@code routing} is null when absent. */
    public record Header(int accessControl, int frameControl, RoutingInformation routing) {
        public static final Header DEFAULT = new Header(DEFAULT_ACCESS_CONTROL, DEFAULT_FRAME_CONTROL, null);

        public Header {
            if (accessControl < 0 || accessControl > 0xFF) throw new IllegalArgumentException("AC out of 8 bits");
            if ((frameControl & 0xC0) != 0x40 || frameControl > 0xFF) {
                throw new IllegalArgumentException(String.format("FC 0x%02x is not an LLC frame (type bits 01)", frameControl));
            }
        }
    }

    private TokenRing() {}

    @Override public String name() { return "token-ring"; }
    @Override public HardwareType hardwareType() { return HardwareType.IEEE802; }
    @Override public int addressLength() { return 6; }
    @Override public HardwareAddress broadcast() { return BROADCAST; }
    @Override public int pcapLinkType() { return 6; }

    @Override
    public byte[] encode(HardwareAddress destination, HardwareAddress source, int protocol, byte[] payload) {
        return encode(destination, source, protocol, payload, Header.DEFAULT);
    }

    /** Frames with the given AC, FC and (if {@code header.routing()} is set) a RIF. */
    public byte[] encode(HardwareAddress destination, HardwareAddress source, int protocol, byte[] payload, Header header) {
        Objects.requireNonNull(header, "header");
        Bytes.requireLength("destination", destination, 6, name());
        Bytes.requireLength("source", source, 6, name());
        if ((source.get(0) & ROUTING_INDICATOR) != 0) {
            throw new IllegalArgumentException("source " + source + " has the routing information indicator bit set;"
                    + " pass the route as a RoutingInformation instead");
        }
        RoutingInformation rif = header.routing();
        int rifLength = rif == null ? 0 : rif.length();
        byte[] out = new byte[MAC_HEADER + rifLength + LlcSnap.SIZE + payload.length];
        out[0] = (byte) header.accessControl();
        out[1] = (byte) header.frameControl();
        destination.copyTo(out, 2);
        source.copyTo(out, 8);
        int p = MAC_HEADER;
        if (rif != null) {
            out[8] |= (byte) ROUTING_INDICATOR;
            out[p] = (byte) ((rif.broadcastType() << 5) | rif.length());
            out[p + 1] = (byte) ((rif.backward() ? 0x80 : 0) | (rif.largestFrame() << 4) | rif.extendedBits());
            p += 2;
            for (RouteDesignator hop : rif.route()) {
                Bytes.putU16(out, p, (hop.ring() << 4) | hop.bridge());
                p += 2;
            }
        }
        LlcSnap.write(out, p, protocol);
        System.arraycopy(payload, 0, out, p + LlcSnap.SIZE, payload.length);
        return out;
    }

    @Override
    public Frame decode(byte[] buf, int offset, int length) throws MalformedFrameException {
        Bytes.checkWindow(buf, offset, length);
        Bytes.needHeader("Token Ring header", MAC_HEADER, offset, length);
        int ac = Bytes.u8(buf, offset);
        int fc = Bytes.u8(buf, offset + 1);
        if ((fc & 0xC0) != 0x40) {
            throw new MalformedFrameException(String.format("Token Ring FC 0x%02x is not an LLC frame (a MAC or reserved frame carries no LLC)", fc), offset + 1);
        }
        HardwareAddress destination = HardwareAddress.of(buf, offset + 2, 6);
        byte[] src = new byte[6];
        System.arraycopy(buf, offset + 8, src, 0, 6);
        boolean routed = (src[0] & ROUTING_INDICATOR) != 0;
        src[0] &= (byte) ~ROUTING_INDICATOR;
        int p = offset + MAC_HEADER;
        RoutingInformation rif = null;
        if (routed) {
            Bytes.needHeader("Token Ring route control field", MAC_HEADER + 2, offset, length);
            int rc0 = Bytes.u8(buf, p);
            int rc1 = Bytes.u8(buf, p + 1);
            int rifLength = rc0 & 0x1F;
            if (rifLength < 2 || (rifLength & 1) != 0) {
                throw new MalformedFrameException("RIF length " + rifLength + " is not an even number of at least 2", p);
            }
            if (rifLength > length - MAC_HEADER) {
                throw new MalformedFrameException("RIF length " + rifLength + " overruns the " + (length - MAC_HEADER)
                        + " bytes after the MAC header", p);
            }
            List<RouteDesignator> route = new ArrayList<>((rifLength - 2) / 2);
            for (int i = 2; i < rifLength; i += 2) {
                int rd = Bytes.u16(buf, p + i);
                route.add(new RouteDesignator(rd >>> 4, rd & 0xF));
            }
            rif = new RoutingInformation(rc0 >>> 5, (rc1 & 0x80) != 0, (rc1 >>> 4) & 7, rc1 & 0xF, route);
            p += rifLength;
        }
        int protocol = LlcSnap.read(buf, p, offset + length - p);
        int payloadAt = LlcSnap.payloadOffset(protocol, p);
        return new Frame(destination, HardwareAddress.of(src), protocol, buf, payloadAt, offset + length - payloadAt,
                new Header(ac, fc, rif));
    }
}

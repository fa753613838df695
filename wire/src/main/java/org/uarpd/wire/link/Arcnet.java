package org.uarpd.wire.link;

import org.uarpd.wire.EtherType;
import org.uarpd.wire.Frame;
import org.uarpd.wire.HardwareAddress;
import org.uarpd.wire.HardwareType;
import org.uarpd.wire.LinkType;
import org.uarpd.wire.MalformedFrameException;

/**
 * ARCnet per RFC 1201, as captured: one-byte station addresses (0 is broadcast), a one-byte protocol
 * ID (0xD4 IP, 0xD5 ARP, 0xD6 RARP; 0xC4 IPv6 per RFC 2497), the split flag and a 16-bit sequence
 * number (RFC 1201 §2.1 fragmentation header). ARP here uses hardware type 7 with 1-byte addresses.
 *
 * <p>Two capture variants: {@link #BSD} (pcap link type 7, {@code LINKTYPE_ARCNET_BSD}) starts
 * source, destination, protocol ID and may hold an RFC 1201 exception packet (split flag 0xFF, two
 * 0xFF padding bytes, the protocol ID again, then the real split flag and sequence);
 * {@link #LINUX} (link type 129, {@code LINKTYPE_ARCNET_LINUX}) has the 2-byte hardware buffer
 * offset of Linux's {@code struct arc_hardware} between the addresses and the protocol ID and never
 * shows exception packets. The header fields are reported as a {@link Header} in
 * {@link Frame#extras()}. Fragments are decoded one at a time; reassembly is the caller's concern
 * (an ARP packet always fits in one).
 */
public final class Arcnet implements LinkType {
    public static final int PROTO_IPV6 = 0xC4;
    public static final int PROTO_IP = 0xD4;
    public static final int PROTO_ARP = 0xD5;
    public static final int PROTO_RARP = 0xD6;
    /** Client data in one RFC 1201 packet; larger payloads need fragmentation, which this encoder does not do. */
    public static final int MAX_UNSPLIT_PAYLOAD = 504;
    public static final int EXCEPTION_FLAG = 0xFF;
    private static final HardwareAddress BROADCAST = HardwareAddress.of((byte) 0);

    /** Which capture header precedes the RFC 1201 fields. */
    public enum Variant {
        BSD("arcnet", 7, 2),
        LINUX("arcnet-linux", 129, 4);

        final String linkName;
        final int pcapLinkType;
        /** Bytes before the protocol ID. */
        final int protocolAt;

        Variant(String linkName, int pcapLinkType, int protocolAt) {
            this.linkName = linkName;
            this.pcapLinkType = pcapLinkType;
            this.protocolAt = protocolAt;
        }
    }

    /**
     * The RFC 1201 header of a decoded frame. {@code bufferOffset} is the Linux hardware offset field
     * (big-endian as it lies in the capture), or -1 in the BSD variant; {@code exception} says the
     * frame used the exception-packet layout.
     */
    public record Header(int protocolId, int splitFlag, int sequence, boolean exception, int bufferOffset) {}

    public static final Arcnet BSD = new Arcnet(Variant.BSD);
    public static final Arcnet LINUX = new Arcnet(Variant.LINUX);

    private final Variant variant;

    private Arcnet(Variant variant) {
        this.variant = variant;
    }

    public Variant variant() {
        return variant;
    }

    @Override public String name() { return variant.linkName; }
    @Override public HardwareType hardwareType() { return HardwareType.ARCNET; }
    @Override public int addressLength() { return 1; }
    @Override public HardwareAddress broadcast() { return BROADCAST; }
    @Override public int pcapLinkType() { return variant.pcapLinkType; }

    /** RFC 1201 protocol ID for an EtherType, or -1 when ARCnet has none. */
    public static int protocolId(int etherType) {
        return switch (etherType) {
            case EtherType.IPV4 -> PROTO_IP;
            case EtherType.ARP -> PROTO_ARP;
            case EtherType.RARP -> PROTO_RARP;
            case 0x86DD -> PROTO_IPV6;
            default -> -1;
        };
    }

    /** EtherType for an RFC 1201 protocol ID, or -1 when unknown. */
    public static int etherType(int protocolId) {
        return switch (protocolId) {
            case PROTO_IP -> EtherType.IPV4;
            case PROTO_ARP -> EtherType.ARP;
            case PROTO_RARP -> EtherType.RARP;
            case PROTO_IPV6 -> 0x86DD;
            default -> -1;
        };
    }

    @Override
    public byte[] encode(HardwareAddress destination, HardwareAddress source, int protocol, byte[] payload) {
        return encode(destination, source, protocol, payload, 0);
    }

    /** Frames an unsplit packet (split flag 0) with the given RFC 1201 sequence number. */
    public byte[] encode(HardwareAddress destination, HardwareAddress source, int protocol, byte[] payload, int sequence) {
        Bytes.requireLength("destination", destination, 1, name());
        Bytes.requireLength("source", source, 1, name());
        int id = protocolId(protocol);
        if (id < 0) {
            throw new IllegalArgumentException(String.format("EtherType 0x%04x has no RFC 1201 ARCnet protocol ID", protocol));
        }
        if (payload.length > MAX_UNSPLIT_PAYLOAD) {
            throw new IllegalArgumentException("ARCnet payload of " + payload.length + " bytes needs RFC 1201 fragmentation (max "
                    + MAX_UNSPLIT_PAYLOAD + " unsplit)");
        }
        if (sequence < 0 || sequence > 0xFFFF) {
            throw new IllegalArgumentException("sequence out of 16 bits: " + sequence);
        }
        int p = variant.protocolAt;
        byte[] out = new byte[p + 4 + payload.length];
        out[0] = source.get(0);
        out[1] = destination.get(0);
        if (variant == Variant.LINUX) {
            Bytes.putU16(out, 2, hardwareOffset(4 + payload.length));
        }
        out[p] = (byte) id;
        out[p + 1] = 0; // split flag: not fragmented
        Bytes.putU16(out, p + 2, sequence);
        System.arraycopy(payload, 0, out, p + 4, payload.length);
        return out;
    }

    /**
     * The offset Linux's ARCnet drivers record: where in the 512-byte card buffer the data starts.
     * A short packet (up to 253 bytes) ends at byte 256 and its offset is the first byte; a longer
     * one ends at 512 and the first byte is 0 while the second holds the offset.
     */
    static int hardwareOffset(int softLength) {
        return softLength <= 253 ? (256 - softLength) << 8 : 512 - softLength;
    }

    @Override
    public Frame decode(byte[] buf, int offset, int length) throws MalformedFrameException {
        Bytes.checkWindow(buf, offset, length);
        int p = variant.protocolAt;
        Bytes.needHeader("ARCnet header", p + 1, offset, length);
        HardwareAddress source = HardwareAddress.of(buf, offset, 1);
        HardwareAddress destination = HardwareAddress.of(buf, offset + 1, 1);
        int bufferOffset = variant == Variant.LINUX ? Bytes.u16(buf, offset + 2) : -1;
        int id = Bytes.u8(buf, offset + p);
        int etherType = etherType(id);
        if (etherType < 0) {
            throw new MalformedFrameException(String.format("unknown ARCnet protocol ID 0x%02x (RFC 1201 knows 0xd4 IP, 0xd5 ARP, 0xd6 RARP)", id), offset + p);
        }
        Bytes.needHeader("RFC 1201 split flag and sequence", p + 4, offset, length);
        int split = Bytes.u8(buf, offset + p + 1);
        boolean exception = false;
        int fields = p + 1;
        if (split == EXCEPTION_FLAG && variant == Variant.BSD) {
            // RFC 1201 §2.1 exception packet: flag 0xFF, padding 0xFF 0xFF, the protocol ID again.
            Bytes.needHeader("RFC 1201 exception packet header", p + 8, offset, length);
            int copy = Bytes.u8(buf, offset + p + 4);
            if (copy != id) {
                throw new MalformedFrameException(String.format("exception packet repeats protocol ID 0x%02x, header said 0x%02x", copy, id), offset + p + 4);
            }
            exception = true;
            fields = p + 5;
            split = Bytes.u8(buf, offset + fields);
        }
        int sequence = Bytes.u16(buf, offset + fields + 1);
        int payloadAt = offset + fields + 3;
        return new Frame(destination, source, etherType, buf, payloadAt, offset + length - payloadAt,
                new Header(id, split, sequence, exception, bufferOffset));
    }
}

package org.uarpd.wire.link;

import org.uarpd.wire.MalformedFrameException;

/**
 * The IEEE 802.2 LLC header with a SNAP extension that RFC 1042 uses to carry EtherType-numbered
 * protocols over IEEE 802 networks (802.3, 802.5, FDDI per RFC 1390, ATM per RFC 2684 §5):
 * DSAP 0xAA, SSAP 0xAA, control 0x03 (UI), OUI 00-00-00, then the EtherType.
 *
 * <p>Other LLC frames are legitimate traffic on the same wires (spanning tree BPDUs on SAP 0x42,
 * Cisco's CDP as SNAP with OUI 00-00-0C, ISO protocols on ATM): they carry no EtherType, and
 * {@link #read} gives {@link #NOT_ETHERTYPE} for them rather than calling them malformed. A frame
 * is malformed when its LLC or SNAP header is cut short, or when it announces SNAP (DSAP 0xAA)
 * without keeping SNAP's rules (SSAP 0xAA, UI control).
 */
public final class LlcSnap {
    /** Bytes from DSAP to the end of the SNAP EtherType. */
    public static final int SIZE = 8;
    /** DSAP, SSAP, control (8-bit, unnumbered). */
    public static final int LLC_SIZE = 3;
    public static final int SAP_SNAP = 0xAA;
    public static final int CONTROL_UI = 0x03;
    /**
     * {@link org.uarpd.wire.Frame#protocol()} of an LLC frame that carries no EtherType (not SNAP, or
     * SNAP under another organisation's OUI); its payload then starts at the LLC header.
     */
    public static final int NOT_ETHERTYPE = -1;

    private LlcSnap() {}

    /** Writes the 8-byte header for {@code etherType} at {@code out[offset]}. */
    public static void write(byte[] out, int offset, int etherType) {
        out[offset] = (byte) SAP_SNAP;
        out[offset + 1] = (byte) SAP_SNAP;
        out[offset + 2] = (byte) CONTROL_UI;
        out[offset + 3] = 0;
        out[offset + 4] = 0;
        out[offset + 5] = 0;
        Bytes.putU16(out, offset + 6, etherType);
    }

    /**
     * Reads the LLC header at {@code buf[offset]} (with {@code available} bytes from there) and
     * returns the EtherType its RFC 1042 SNAP header carries, or {@link #NOT_ETHERTYPE}.
     */
    public static int read(byte[] buf, int offset, int available) throws MalformedFrameException {
        Bytes.needHeader("LLC header", LLC_SIZE, offset, available);
        int dsap = Bytes.u8(buf, offset);
        if (dsap != SAP_SNAP) return NOT_ETHERTYPE;
        int ssap = Bytes.u8(buf, offset + 1);
        if (ssap != SAP_SNAP) {
            throw new MalformedFrameException(String.format("LLC DSAP 0xaa (SNAP) with SSAP 0x%02x: SNAP needs both SAPs 0xaa", ssap), offset + 1);
        }
        int control = Bytes.u8(buf, offset + 2);
        if (control != CONTROL_UI) {
            throw new MalformedFrameException(String.format("SNAP frame with LLC control 0x%02x: SNAP frames are UI (0x03)", control), offset + 2);
        }
        Bytes.needHeader("SNAP header", SIZE, offset, available);
        int oui = (Bytes.u8(buf, offset + 3) << 16) | Bytes.u16(buf, offset + 4);
        if (oui != 0) return NOT_ETHERTYPE; // another organisation's protocol identifier space
        return Bytes.u16(buf, offset + 6);
    }

    /** Where the payload of an LLC frame starting at {@code llcAt} begins, given what {@link #read} returned. */
    public static int payloadOffset(int protocol, int llcAt) {
        return protocol == NOT_ETHERTYPE ? llcAt : llcAt + SIZE;
    }
}

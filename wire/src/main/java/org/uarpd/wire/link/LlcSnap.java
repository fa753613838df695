package org.uarpd.wire.link;

import org.uarpd.wire.MalformedFrameException;

/**
 * The IEEE 802.2 LLC header with a SNAP extension that RFC 1042 uses to carry EtherType-numbered
 * protocols over IEEE 802 networks (802.3, 802.5, FDDI per RFC 1390, ATM per RFC 2684 §5):
 * DSAP 0xAA, SSAP 0xAA, control 0x03 (UI), OUI 00-00-00, then the EtherType.
 */
public final class LlcSnap {
    /** Bytes from DSAP to the end of the SNAP EtherType. */
    public static final int SIZE = 8;
    public static final int SAP_SNAP = 0xAA;
    public static final int CONTROL_UI = 0x03;

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
     * Checks the header at {@code buf[offset]} (with {@code available} bytes from there) and returns
     * the EtherType it carries. RFC 1042 allows only OUI 0 for EtherType-numbered protocols; any other
     * SAP, control or OUI is not an IP/ARP encapsulation and is reported as malformed.
     */
    public static int read(byte[] buf, int offset, int available) throws MalformedFrameException {
        Bytes.needHeader("LLC/SNAP header", SIZE, offset, available);
        int dsap = Bytes.u8(buf, offset);
        int ssap = Bytes.u8(buf, offset + 1);
        if (dsap != SAP_SNAP || ssap != SAP_SNAP) {
            throw new MalformedFrameException(String.format("LLC DSAP/SSAP 0x%02x/0x%02x is not SNAP (0xaa/0xaa)", dsap, ssap), offset);
        }
        int control = Bytes.u8(buf, offset + 2);
        if (control != CONTROL_UI) {
            throw new MalformedFrameException(String.format("LLC control 0x%02x is not UI (0x03)", control), offset + 2);
        }
        int oui = (Bytes.u8(buf, offset + 3) << 16) | Bytes.u16(buf, offset + 4);
        if (oui != 0) {
            throw new MalformedFrameException(String.format("SNAP OUI %06x is not 000000 (RFC 1042 EtherType encapsulation)", oui), offset + 3);
        }
        return Bytes.u16(buf, offset + 6);
    }
}

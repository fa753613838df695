package org.uarpd.wire.link;

import org.uarpd.wire.Frame;
import org.uarpd.wire.HardwareAddress;
import org.uarpd.wire.HardwareType;
import org.uarpd.wire.LinkType;
import org.uarpd.wire.MalformedFrameException;

/**
 * Routed protocols over ATM AAL5 with LLC/SNAP encapsulation (RFC 2684 §5.1; pcap link type 11,
 * {@code LINKTYPE_ATM_RFC1483}): each reassembled AAL5 PDU starts directly with LLC/SNAP. There are
 * no link-layer addresses in the frame: a virtual circuit connects two stations, so decoding gives
 * empty destination and source, and encoding ignores them. ARP on ATM is ATMARP (RFC 2225,
 * hardware type 19) with its own packet format; the ATM address length (20) is that of an
 * ATM Forum NSAP address, and there is no broadcast (RFC 2225 resolves through an ATMARP server).
 */
public final class AtmLlcSnap implements LinkType {
    public static final AtmLlcSnap INSTANCE = new AtmLlcSnap();

    private AtmLlcSnap() {}

    @Override public String name() { return "atm"; }
    @Override public HardwareType hardwareType() { return HardwareType.ATM; }
    @Override public int addressLength() { return 20; }
    @Override public HardwareAddress broadcast() { return HardwareAddress.EMPTY; }
    @Override public int pcapLinkType() { return 11; }

    @Override
    public byte[] encode(HardwareAddress destination, HardwareAddress source, int protocol, byte[] payload) {
        byte[] out = new byte[LlcSnap.SIZE + payload.length];
        LlcSnap.write(out, 0, protocol);
        System.arraycopy(payload, 0, out, LlcSnap.SIZE, payload.length);
        return out;
    }

    @Override
    public Frame decode(byte[] buf, int offset, int length) throws MalformedFrameException {
        Bytes.checkWindow(buf, offset, length);
        int protocol = LlcSnap.read(buf, offset, length);
        int payloadAt = LlcSnap.payloadOffset(protocol, offset);
        return new Frame(HardwareAddress.EMPTY, HardwareAddress.EMPTY, protocol, buf, payloadAt, offset + length - payloadAt, null);
    }
}

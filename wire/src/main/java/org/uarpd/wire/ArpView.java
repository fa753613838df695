package org.uarpd.wire;

import static org.uarpd.wire.ArpLayout.*;

import java.util.Arrays;
import org.uarpd.wire.link.EthernetFramedView;
import org.uarpd.wire.link.EthernetHeader;

/**
 * A zero-copy view of an RFC 826 packet inside a caller's buffer, for the hot path (smoltcp's
 * {@code wire::arp::Packet} is the model). One instance is meant to be kept and re-pointed at each
 * received frame with {@link #reset} / {@link #resetEthernet}: these check every length before
 * anything is read (the same check, and the same errors, as {@link ArpCodec}), and after that every
 * accessor reads straight from the buffer. Nothing on the success path allocates.
 *
 * <p>Setters write straight into the buffer too, so a request can be turned into its reply in
 * place ({@link #rewriteAsReply}) or a packet built in a preallocated frame ({@link #initialize},
 * {@link #initializeEthernet}).
 *
 * <p>Hardware type 19 is rejected (ATMARP has its own layout, read with {@link ArpFamilyCodec}).
 * Not thread-safe: one view per thread, like the buffer it looks at.
 */
public final class ArpView extends EthernetFramedView {
    /**
     * Bytes of an RFC 826 packet with {@code hln}-byte hardware and {@code pln}-byte protocol
     * addresses: the fixed header, then sender and target each with one of both.
     */
    public static int size(int hln, int pln) {
        return SHA + 2 * hln + 2 * pln;
    }

    private static final int ETH_HEADER = EthernetHeader.HEADER;
    private static final int ETH_DST = EthernetHeader.DESTINATION;
    private static final int ETH_SRC = EthernetHeader.SOURCE;
    private static final int ETH_ADDRESS = EthernetHeader.ADDRESS;

    private int off;
    private int size;
    private int hln;
    private int pln;

    /** An unbound view; call {@link #reset} before reading. */
    public ArpView() {}

    /** A new view over the packet at the start of {@code buf[off, off+len)}. */
    public static ArpView wrap(byte[] buf, int off, int len) throws MalformedFrameException {
        return new ArpView().reset(buf, off, len);
    }

    /**
     * Points this view at the packet at the start of {@code buf[off, off+len)}; bytes after it
     * (link padding) are ignored. On error the view is left as it was.
     */
    public ArpView reset(byte[] buf, int off, int len) throws MalformedFrameException {
        bind(buf, off, checkedSize(buf, off, len), -1);
        return this;
    }

    /** Like {@link #reset}, but bytes after the packet are an error. */
    public ArpView resetExact(byte[] buf, int off, int len) throws MalformedFrameException {
        int n = checkedSize(buf, off, len);
        checkNoTrailing(off, len, n, "ARP");
        bind(buf, off, n, -1);
        return this;
    }

    /**
     * Points this view at the ARP or RARP packet carried by the Ethernet II frame at
     * {@code frame[off, off+len)}, and keeps the frame's link addresses at hand
     * ({@link #linkSourceEqualsSenderHardware}, {@link #rewriteAsReply}). Padding after the packet is
     * ignored. The zero-allocation path for the commonest link; other framings decode with their
     * {@link LinkType} and call {@link #reset} on the payload.
     */
    public ArpView resetEthernet(byte[] frame, int off, int len) throws MalformedFrameException {
        int type = EthernetHeader.etherType(frame, off, len);
        if (!EtherType.isArpFamily(type)) {
            throw new MalformedFrameException(String.format("EtherType 0x%04x is neither ARP nor RARP", type), off + EthernetHeader.TYPE);
        }
        bind(frame, off + ETH_HEADER, checkedSize(frame, off + ETH_HEADER, len - ETH_HEADER), off);
        return this;
    }

    private void bind(byte[] buf, int off, int size, int frame) {
        this.buf = buf;
        this.off = off;
        this.size = size;
        this.hln = buf[off + HLN] & 0xFF;
        this.pln = buf[off + PLN] & 0xFF;
        this.frame = frame;
    }

    /**
     * Writes a fresh RFC 826 header at {@code buf[off]} with zeroed addresses and points this view at
     * it, ready for the setters. For building packets without allocating.
     *
     * @throws IllegalArgumentException lengths outside 1..254, hardware type 19, or no room in {@code buf}
     */
    public ArpView initialize(byte[] buf, int off, int hardwareType, int protocolType, int hardwareLength,
                              int protocolLength, int opcode) {
        return initialize(buf, off, hardwareType, protocolType, hardwareLength, protocolLength, opcode, -1);
    }

    private ArpView initialize(byte[] buf, int off, int hardwareType, int protocolType, int hardwareLength,
                               int protocolLength, int opcode, int frame) {
        if (hardwareLength < 1 || hardwareLength > ArpPacket.MAX_ADDRESS_LENGTH
                || protocolLength < 1 || protocolLength > ArpPacket.MAX_ADDRESS_LENGTH) {
            throw new IllegalArgumentException("address lengths " + hardwareLength + "/" + protocolLength + " outside 1..254");
        }
        if (hardwareType == AtmArpLayout.ATM) {
            throw new IllegalArgumentException("hardware type 19 (ATM) uses the RFC 2225 layout");
        }
        int n = size(hardwareLength, protocolLength);
        if (off < 0 || n > buf.length - off) {
            throw new IllegalArgumentException("no room for a " + n + "-byte ARP packet at " + off + " in " + buf.length + " bytes");
        }
        putU16(buf, off + HRD, hardwareType);
        putU16(buf, off + PRO, protocolType);
        buf[off + HLN] = (byte) hardwareLength;
        buf[off + PLN] = (byte) protocolLength;
        putU16(buf, off + OP, opcode);
        Arrays.fill(buf, off + SHA, off + n, (byte) 0);
        bind(buf, off, n, frame);
        return this;
    }

    /**
     * Writes an Ethernet II frame at {@code frame[off]} carrying a fresh IPv4-over-Ethernet packet
     * (hardware type 1, 6-byte / 4-byte addresses) of the given opcode, zero-padded to the 60-byte
     * minimum, and points this view at it. Link and ARP addresses are zero until set.
     *
     * @param etherType {@link EtherType#ARP} or {@link EtherType#RARP}
     * @throws IllegalArgumentException fewer than 60 bytes of room, or an EtherType of neither family
     */
    public ArpView initializeEthernet(byte[] frame, int off, int etherType, int opcode) {
        if (!EtherType.isArpFamily(etherType)) {
            throw new IllegalArgumentException(String.format("EtherType 0x%04x is neither ARP nor RARP", etherType));
        }
        EthernetHeader.write(frame, off, EthernetHeader.MIN_FRAME, etherType);
        return initialize(frame, off + ETH_HEADER, HardwareType.ETHERNET.value(), EtherType.IPV4, ETH_ADDRESS, 4, opcode, off);
    }

    // ---- The fixed header ----

    public int hardwareType() {
        return u16(buf, off + HRD);
    }

    public int protocolType() {
        return u16(buf, off + PRO);
    }

    public int hardwareLength() {
        return hln;
    }

    public int protocolLength() {
        return pln;
    }

    public int opcode() {
        return u16(buf, off + OP);
    }

    /** Size of the ARP packet (without link header or padding). */
    public int size() {
        return size;
    }

    public byte[] buffer() {
        return buf;
    }

    /** Where the ARP packet starts in {@link #buffer()}. */
    public int offset() {
        return off;
    }

    /** True for IPv4: {@code ar_pro} 0x0800 and 4-byte protocol addresses. */
    public boolean isIp4() {
        return pln == 4 && protocolType() == EtherType.IPV4;
    }

    // ---- Addresses: offsets into buffer(), all driven by ar_hln / ar_pln ----

    public int senderHardwareOffset() {
        return off + SHA;
    }

    public int senderProtocolOffset() {
        return off + SHA + hln;
    }

    public int targetHardwareOffset() {
        return off + SHA + hln + pln;
    }

    public int targetProtocolOffset() {
        return off + SHA + 2 * hln + pln;
    }

    /** The sender's IPv4 address; only when {@link #protocolLength()} is 4. */
    public int senderProtocolIp4() {
        requireIp4Length();
        return Ip4.read(buf, senderProtocolOffset());
    }

    public int targetProtocolIp4() {
        requireIp4Length();
        return Ip4.read(buf, targetProtocolOffset());
    }

    public boolean senderHardwareEquals(HardwareAddress address) {
        return address.equalsBytes(buf, senderHardwareOffset(), hln);
    }

    /** True when the {@code ar_hln} bytes at {@code other[otherOff]} equal the sender hardware address. */
    public boolean senderHardwareEquals(byte[] other, int otherOff) {
        return Arrays.equals(buf, senderHardwareOffset(), senderHardwareOffset() + hln, other, otherOff, otherOff + hln);
    }

    public boolean targetHardwareEquals(HardwareAddress address) {
        return address.equalsBytes(buf, targetHardwareOffset(), hln);
    }

    public boolean targetHardwareEquals(byte[] other, int otherOff) {
        return Arrays.equals(buf, targetHardwareOffset(), targetHardwareOffset() + hln, other, otherOff, otherOff + hln);
    }

    /** True when the target hardware address is all zeros (unknown, as in most requests). */
    public boolean targetHardwareIsZero() {
        int p = targetHardwareOffset();
        for (int i = 0; i < hln; i++) {
            if (buf[p + i] != 0) return false;
        }
        return true;
    }

    public void copySenderHardware(byte[] dst, int dstOff) {
        System.arraycopy(buf, senderHardwareOffset(), dst, dstOff, hln);
    }

    public void copyTargetHardware(byte[] dst, int dstOff) {
        System.arraycopy(buf, targetHardwareOffset(), dst, dstOff, hln);
    }

    /**
     * The sender hardware address as a big-endian number, an allocation-free key for tables; only
     * for addresses of up to 8 bytes (Ethernet's 6, ARCnet's 1…).
     */
    public long senderHardwareAsLong() {
        return asLong(senderHardwareOffset());
    }

    public long targetHardwareAsLong() {
        return asLong(targetHardwareOffset());
    }

    private long asLong(int p) {
        if (hln > 8) throw new IllegalStateException("a " + hln + "-byte hardware address does not fit a long");
        long v = 0;
        for (int i = 0; i < hln; i++) v = (v << 8) | (buf[p + i] & 0xFF);
        return v;
    }

    // ---- Setters: write through to the buffer ----

    public void setOpcode(int opcode) {
        putU16(buf, off + OP, opcode);
    }

    public void setSenderHardware(byte[] src, int srcOff) {
        System.arraycopy(src, srcOff, buf, senderHardwareOffset(), hln);
    }

    public void setSenderHardware(HardwareAddress address) {
        requireLength(address.length(), hln, "hardware");
        address.copyTo(buf, senderHardwareOffset());
    }

    public void setTargetHardware(byte[] src, int srcOff) {
        System.arraycopy(src, srcOff, buf, targetHardwareOffset(), hln);
    }

    public void setTargetHardware(HardwareAddress address) {
        requireLength(address.length(), hln, "hardware");
        address.copyTo(buf, targetHardwareOffset());
    }

    public void setSenderProtocol(byte[] src, int srcOff) {
        System.arraycopy(src, srcOff, buf, senderProtocolOffset(), pln);
    }

    public void setTargetProtocol(byte[] src, int srcOff) {
        System.arraycopy(src, srcOff, buf, targetProtocolOffset(), pln);
    }

    public void setSenderProtocolIp4(int address) {
        requireIp4Length();
        Ip4.write(buf, senderProtocolOffset(), address);
    }

    public void setTargetProtocolIp4(int address) {
        requireIp4Length();
        Ip4.write(buf, targetProtocolOffset(), address);
    }

    /**
     * Turns the request in the buffer into its reply, in place, as RFC 826 describes: the sender
     * fields move to the target fields, the asked-for protocol address becomes the sender protocol
     * address, {@code ourHardware} (ar_hln bytes at {@code hwOff}) the sender hardware address, and
     * the opcode becomes reply. When bound to an Ethernet frame, the frame is re-addressed too: to
     * the requester, from {@code ourHardware}. The buffer can then be sent as it is.
     *
     * @throws IllegalStateException bound to an Ethernet frame but {@code ar_hln} is not 6
     */
    public void rewriteAsReply(byte[] ourHardware, int hwOff) {
        if (frame >= 0 && hln != ETH_ADDRESS) {
            throw new IllegalStateException("ar_hln " + hln + " on Ethernet: cannot address the reply frame");
        }
        int sha = senderHardwareOffset();
        int spa = senderProtocolOffset();
        int tpa = targetProtocolOffset();
        System.arraycopy(buf, sha, buf, targetHardwareOffset(), hln);
        System.arraycopy(ourHardware, hwOff, buf, sha, hln);
        for (int i = 0; i < pln; i++) {
            byte t = buf[spa + i];
            buf[spa + i] = buf[tpa + i];
            buf[tpa + i] = t;
        }
        setOpcode(Opcode.REPLY.value());
        if (frame >= 0) {
            System.arraycopy(buf, targetHardwareOffset(), buf, frame + ETH_DST, ETH_ADDRESS);
            System.arraycopy(ourHardware, hwOff, buf, frame + ETH_SRC, ETH_ADDRESS);
        }
    }

    // ---- The Ethernet frame around the packet (only after resetEthernet / initializeEthernet; the rest is EthernetFramedView's) ----

    @Override
    protected int packetSize() {
        return size;
    }

    /**
     * True when the frame's link-layer source is the ARP sender hardware address — the sender
     * consistency check of the guard. False when {@code ar_hln} is not 6.
     */
    public boolean linkSourceEqualsSenderHardware() {
        requireFrame();
        return hln == ETH_ADDRESS && linkSourceEquals(senderHardwareOffset());
    }

    public boolean linkDestinationIsBroadcast() {
        requireFrame();
        for (int i = 0; i < ETH_ADDRESS; i++) {
            if (buf[frame + ETH_DST + i] != (byte) 0xFF) return false;
        }
        return true;
    }

    // ---- To the record path ----

    /** The packet as a value (allocates; for the cold path, logs and tests). */
    public ArpPacket toPacket() {
        try {
            return ArpCodec.decode(buf, off, size);
        } catch (MalformedFrameException e) {
            // The view was validated when bound; only a caller scribbling on the lengths gets here.
            throw new IllegalStateException("buffer changed under the view: " + e.getMessage(), e);
        }
    }

    public HardwareAddress senderHardware() {
        return HardwareAddress.of(buf, senderHardwareOffset(), hln);
    }

    public HardwareAddress targetHardware() {
        return HardwareAddress.of(buf, targetHardwareOffset(), hln);
    }

    public ProtocolAddress senderProtocol() {
        return ProtocolAddress.of(buf, senderProtocolOffset(), pln);
    }

    public ProtocolAddress targetProtocol() {
        return ProtocolAddress.of(buf, targetProtocolOffset(), pln);
    }

    @Override
    public String toString() {
        return size == 0 ? "ArpView(unbound)" : "ArpView(" + toPacket().describe() + ")";
    }

    private void requireIp4Length() {
        if (pln != 4) throw new IllegalStateException("ar_pln is " + pln + ", not 4: not an IPv4 address");
    }

    private static void requireLength(int actual, int expected, String what) {
        if (actual != expected) {
            throw new IllegalArgumentException(what + " address of " + actual + " bytes where ar_hln/ar_pln is " + expected);
        }
    }
}

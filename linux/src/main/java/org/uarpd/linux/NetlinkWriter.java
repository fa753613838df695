package org.uarpd.linux;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * Builds netlink messages (RFC 3549 §2.3.2 header, then a family header, then attributes) into one
 * preallocated native buffer, several per buffer when batching. Nothing is allocated per message.
 * Netlink headers and rtnetlink attributes are in host order; nftables attribute values are big-endian
 * ({@link #attrBe32}).
 */
public final class NetlinkWriter {
    public static final int NLMSG_HDRLEN = 16;
    public static final int NLA_HDRLEN = 4;
    public static final int NLA_F_NESTED = 0x8000;

    private static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT_UNALIGNED;
    private static final ValueLayout.OfShort SHORT = ValueLayout.JAVA_SHORT_UNALIGNED;
    private static final ValueLayout.OfInt BE_INT = INT.withOrder(ByteOrder.BIG_ENDIAN);
    private static final ValueLayout.OfShort BE_SHORT = SHORT.withOrder(ByteOrder.BIG_ENDIAN);

    private final MemorySegment buf;
    private int position;
    private int messageStart = -1;
    private final int[] nests = new int[8];
    private int depth;

    public NetlinkWriter(MemorySegment buffer) {
        this.buf = buffer;
    }

    public MemorySegment buffer() {
        return buf;
    }

    /** Bytes written so far (all messages). */
    public int length() {
        return position;
    }

    public NetlinkWriter reset() {
        position = 0;
        messageStart = -1;
        depth = 0;
        return this;
    }

    static int align(int n) {
        return (n + 3) & ~3;
    }

    /** Starts a message; {@link #end()} fills in its length. */
    public NetlinkWriter begin(int type, int flags, int seq) {
        messageStart = position;
        buf.set(INT, position, 0);
        buf.set(SHORT, position + 4, (short) type);
        buf.set(SHORT, position + 6, (short) flags);
        buf.set(INT, position + 8, seq);
        buf.set(INT, position + 12, 0);
        position += NLMSG_HDRLEN;
        return this;
    }

    public NetlinkWriter end() {
        if (depth != 0) throw new IllegalStateException("unclosed nested attribute");
        buf.set(INT, messageStart, position - messageStart);
        position = align(position);
        return this;
    }

    public NetlinkWriter u8(int v) {
        buf.set(ValueLayout.JAVA_BYTE, position++, (byte) v);
        return this;
    }

    public NetlinkWriter u16(int v) {
        buf.set(SHORT, position, (short) v);
        position += 2;
        return this;
    }

    public NetlinkWriter be16(int v) {
        buf.set(BE_SHORT, position, (short) v);
        position += 2;
        return this;
    }

    public NetlinkWriter u32(int v) {
        buf.set(INT, position, v);
        position += 4;
        return this;
    }

    /** {@code struct ndmsg} (12 bytes). */
    public NetlinkWriter ndmsg(int family, int ifindex, int state, int flags, int type) {
        u8(family).u8(0).u16(0).u32(ifindex).u16(state).u8(flags).u8(type);
        return this;
    }

    /** {@code struct ifaddrmsg} (8 bytes). */
    public NetlinkWriter ifaddrmsg(int family, int prefixLength, int ifindex) {
        return u8(family).u8(prefixLength).u8(0).u8(0).u32(ifindex);
    }

    /** {@code struct ifinfomsg} (16 bytes). */
    public NetlinkWriter ifinfomsg(int family, int ifindex) {
        return u8(family).u8(0).u16(0).u32(ifindex).u32(0).u32(0);
    }

    /** {@code struct nfgenmsg} (4 bytes): family, version 0, resource id (big-endian). */
    public NetlinkWriter nfgenmsg(int family, int resourceId) {
        return u8(family).u8(0).be16(resourceId);
    }

    private void attrHeader(int type, int payloadLength) {
        buf.set(SHORT, position, (short) (NLA_HDRLEN + payloadLength));
        buf.set(SHORT, position + 2, (short) type);
        position += NLA_HDRLEN;
    }

    private void pad() {
        int aligned = align(position);
        while (position < aligned) buf.set(ValueLayout.JAVA_BYTE, position++, (byte) 0);
    }

    public NetlinkWriter attr(int type, byte[] value, int offset, int length) {
        attrHeader(type, length);
        MemorySegment.copy(value, offset, buf, ValueLayout.JAVA_BYTE, position, length);
        position += length;
        pad();
        return this;
    }

    public NetlinkWriter attr(int type, byte[] value) {
        return attr(type, value, 0, value.length);
    }

    public NetlinkWriter attrU32(int type, int value) {
        attrHeader(type, 4);
        return u32(value);
    }

    /** A 4-byte attribute holding {@code value} in network order (IPv4 addresses, nftables u32s). */
    public NetlinkWriter attrBe32(int type, int value) {
        attrHeader(type, 4);
        buf.set(BE_INT, position, value);
        position += 4;
        return this;
    }

    /** A NUL-terminated string attribute. */
    public NetlinkWriter attrString(int type, String value) {
        byte[] b = value.getBytes(StandardCharsets.US_ASCII);
        attrHeader(type, b.length + 1);
        MemorySegment.copy(b, 0, buf, ValueLayout.JAVA_BYTE, position, b.length);
        position += b.length;
        buf.set(ValueLayout.JAVA_BYTE, position++, (byte) 0);
        pad();
        return this;
    }

    public NetlinkWriter nestStart(int type) {
        nests[depth++] = position;
        attrHeader(type | NLA_F_NESTED, 0);
        return this;
    }

    public NetlinkWriter nestEnd() {
        int start = nests[--depth];
        buf.set(SHORT, start, (short) (position - start));
        return this;
    }
}

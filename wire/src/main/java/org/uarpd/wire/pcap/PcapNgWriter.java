package org.uarpd.wire.pcap;

import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Writes a pcapng file (little-endian, one section): a section header block, one interface
 * description block per {@link #addInterface interface} — each with its own link type and
 * {@code if_tsresol} — and an enhanced packet block per frame, so one file can hold captures of
 * several link types. Every block is written in one {@code write} and flushed.
 */
public final class PcapNgWriter implements Closeable {
    static final int SHB = 0x0A0D0D0A;
    static final int IDB = 0x00000001;
    static final int SPB = 0x00000003;
    static final int EPB = 0x00000006;
    static final int BYTE_ORDER_MAGIC = 0x1A2B3C4D;
    static final int OPT_END = 0;
    static final int OPT_COMMENT = 1;
    static final int IF_NAME = 2;
    static final int IF_TSRESOL = 9;

    private final OutputStream out;
    private final List<TimestampResolution> interfaces = new ArrayList<>();

    /** Writes the section header block at once. */
    public PcapNgWriter(OutputStream out) throws IOException {
        this.out = Objects.requireNonNull(out, "out");
        ByteBuffer b = block(SHB, 16);
        b.putInt(BYTE_ORDER_MAGIC);
        b.putShort((short) 1).putShort((short) 0); // version 1.0
        b.putLong(-1L); // section length unknown
        emit(b);
    }

    public static PcapNgWriter create(Path file) throws IOException {
        return CaptureFiles.create(file, PcapNgWriter::new);
    }

    /** Adds an interface of pcap link type {@code pcapLinkType}; returns its id for {@link #write}. */
    public int addInterface(int pcapLinkType, String name, TimestampResolution resolution) throws IOException {
        byte[] nameBytes = name == null ? new byte[0] : name.getBytes(StandardCharsets.UTF_8);
        int options = (nameBytes.length > 0 ? 4 + pad4(nameBytes.length) : 0) + 4 + 4 + 4;
        ByteBuffer b = block(IDB, 8 + options);
        b.putShort((short) pcapLinkType).putShort((short) 0);
        b.putInt(0); // snaplen: no limit
        if (nameBytes.length > 0) {
            b.putShort((short) IF_NAME).putShort((short) nameBytes.length).put(nameBytes);
            b.position(b.position() + pad4(nameBytes.length) - nameBytes.length);
        }
        // if_tsresol: power of ten, 6 for microseconds, 9 for nanoseconds.
        b.putShort((short) IF_TSRESOL).putShort((short) 1).put((byte) (resolution == TimestampResolution.NANOS ? 9 : 6));
        b.position(b.position() + 3);
        b.putShort((short) OPT_END).putShort((short) 0);
        emit(b);
        interfaces.add(resolution);
        return interfaces.size() - 1;
    }

    public void write(int interfaceId, long epochNanos, byte[] frame) throws IOException {
        write(interfaceId, epochNanos, frame, null);
    }

    /** Writes one frame on interface {@code interfaceId}, with an optional {@code opt_comment}. */
    public void write(int interfaceId, long epochNanos, byte[] frame, String comment) throws IOException {
        if (interfaceId < 0 || interfaceId >= interfaces.size()) {
            throw new IllegalArgumentException("no interface " + interfaceId + " (" + interfaces.size() + " added)");
        }
        TimestampResolution res = interfaces.get(interfaceId);
        byte[] commentBytes = comment == null ? new byte[0] : comment.getBytes(StandardCharsets.UTF_8);
        int options = commentBytes.length > 0 ? 4 + pad4(commentBytes.length) + 4 : 0;
        ByteBuffer b = block(EPB, 20 + pad4(frame.length) + options);
        long units = Math.floorDiv(epochNanos, res.nanosPerUnit());
        b.putInt(interfaceId);
        b.putInt((int) (units >>> 32)).putInt((int) units);
        b.putInt(frame.length).putInt(frame.length);
        b.put(frame);
        b.position(b.position() + pad4(frame.length) - frame.length);
        if (commentBytes.length > 0) {
            b.putShort((short) OPT_COMMENT).putShort((short) commentBytes.length).put(commentBytes);
            b.position(b.position() + pad4(commentBytes.length) - commentBytes.length);
            b.putShort((short) OPT_END).putShort((short) 0);
        }
        emit(b);
    }

    static int pad4(int n) {
        return (n + 3) & ~3;
    }

    /** A buffer for a block of {@code bodyLength} bytes (a multiple of 4), type and length already written. */
    private static ByteBuffer block(int type, int bodyLength) {
        int total = 12 + bodyLength;
        ByteBuffer b = ByteBuffer.allocate(total).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(type).putInt(total);
        b.putInt(total - 4, total);
        return b;
    }

    private void emit(ByteBuffer b) throws IOException {
        out.write(b.array());
        out.flush();
    }

    @Override
    public void close() throws IOException {
        out.close();
    }
}

package org.uarpd.wire.pcap;

import java.io.BufferedInputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.uarpd.wire.MalformedFrameException;

/**
 * Reads pcap (either byte order, microsecond or nanosecond magic) and pcapng (section header,
 * interface description, enhanced and simple packet blocks, either byte order, per-interface link
 * type, {@code if_tsresol} and {@code if_tsoffset}; unknown blocks skipped) from a stream, one
 * {@link CaptureRecord} at a time. Anything malformed raises {@link MalformedFrameException} naming
 * the file offset where it was found.
 */
public final class CaptureReader implements Closeable {
    /** Which container format the file uses. */
    public enum Format { PCAP, PCAPNG }

    /** Largest record or block accepted: far beyond any link's frames, small enough to refuse garbage lengths. */
    public static final int MAX_RECORD = 16 * 1024 * 1024;
    private static final int PCAPNG_SHB = PcapNgWriter.SHB;
    private static final int IF_TSOFFSET = 14;

    private final InputStream in;
    private final Format format;
    private long position;
    private long number;
    private ByteOrder order;
    // pcap
    private int pcapLinkType;
    private long pcapNanosPerUnit;
    private int pcapSnaplen;
    // pcapng: the interfaces of the current section
    private final List<Interface> interfaces = new ArrayList<>();

    private record Interface(int linkType, int snaplen, int tsresol, long tsoffsetSeconds) {}

    /** Reads the file header at once, so a file that is no capture at all fails here. */
    public CaptureReader(InputStream in) throws IOException, MalformedFrameException {
        this.in = in instanceof BufferedInputStream ? in : new BufferedInputStream(in, 65536);
        byte[] magic = new byte[4];
        int got = readUpTo(magic, 0, 4);
        if (got == 0) throw new MalformedFrameException("empty file: no pcap or pcapng header", 0);
        if (got < 4) throw new MalformedFrameException("file header truncated: " + got + " of 4 magic bytes", got);
        int be = ByteBuffer.wrap(magic).getInt();
        switch (be) {
            case 0xa1b2c3d4 -> startPcap(magic, ByteOrder.BIG_ENDIAN, 1000L);
            case 0xd4c3b2a1 -> startPcap(magic, ByteOrder.LITTLE_ENDIAN, 1000L);
            case 0xa1b23c4d -> startPcap(magic, ByteOrder.BIG_ENDIAN, 1L);
            case 0x4d3cb2a1 -> startPcap(magic, ByteOrder.LITTLE_ENDIAN, 1L);
            case PCAPNG_SHB -> { }
            default -> throw new MalformedFrameException(String.format("not a pcap or pcapng file (magic %08x)", be), 0);
        }
        this.format = be == PCAPNG_SHB ? Format.PCAPNG : Format.PCAP;
        if (format == Format.PCAPNG) {
            readSectionHeader(0);
        }
    }

    public static CaptureReader open(Path file) throws IOException, MalformedFrameException {
        InputStream s = Files.newInputStream(file);
        try {
            return new CaptureReader(s);
        } catch (IOException | MalformedFrameException | RuntimeException e) {
            s.close();
            throw e;
        }
    }

    public Format format() {
        return format;
    }

    /** The next frame, or {@code null} at the end of the file. */
    public CaptureRecord next() throws IOException, MalformedFrameException {
        return format == Format.PCAP ? nextPcap() : nextPcapNg();
    }

    // ---- pcap -------------------------------------------------------------------------------

    private void startPcap(byte[] magic, ByteOrder order, long nanosPerUnit) throws IOException, MalformedFrameException {
        this.order = order;
        this.pcapNanosPerUnit = nanosPerUnit;
        ByteBuffer h = need(20, "pcap global header");
        int major = Short.toUnsignedInt(h.getShort());
        h.getShort(); // minor
        if (major != 2) throw new MalformedFrameException("pcap version " + major + " is not 2", 4);
        h.getInt(); // thiszone
        h.getInt(); // sigfigs
        pcapSnaplen = h.getInt();
        // The upper bits of the link type field hold FCS information (pcap format, "LinkType and additional information").
        pcapLinkType = h.getInt() & 0x0FFF_FFFF;
    }

    private CaptureRecord nextPcap() throws IOException, MalformedFrameException {
        long at = position;
        ByteBuffer h = needOrEnd(PcapWriter.RECORD_HEADER, "pcap record header");
        if (h == null) return null;
        long seconds = Integer.toUnsignedLong(h.getInt());
        long fraction = Integer.toUnsignedLong(h.getInt());
        long captured = Integer.toUnsignedLong(h.getInt());
        long original = Integer.toUnsignedLong(h.getInt());
        if (captured > MAX_RECORD || captured > Math.max(Integer.toUnsignedLong(pcapSnaplen), PcapWriter.DEFAULT_SNAPLEN)) {
            throw new MalformedFrameException("pcap record captured length " + captured + " exceeds the snap length "
                    + Integer.toUnsignedLong(pcapSnaplen), clamp(at + 8));
        }
        byte[] data = new byte[(int) captured];
        readFully(data, "pcap record data (" + captured + " bytes)");
        long nanos = seconds * 1_000_000_000L + fraction * pcapNanosPerUnit;
        return new CaptureRecord(++number, 0, pcapLinkType, nanos, data, (int) Math.min(original, Integer.MAX_VALUE), at);
    }

    // ---- pcapng -----------------------------------------------------------------------------

    /** Reads the rest of a section header block whose 4 type bytes were just consumed. */
    private void readSectionHeader(long at) throws IOException, MalformedFrameException {
        byte[] lenAndMagic = new byte[8];
        readFully(lenAndMagic, "pcapng section header block");
        int magicLe = ByteBuffer.wrap(lenAndMagic, 4, 4).order(ByteOrder.LITTLE_ENDIAN).getInt();
        int magicBe = ByteBuffer.wrap(lenAndMagic, 4, 4).order(ByteOrder.BIG_ENDIAN).getInt();
        if (magicLe == PcapNgWriter.BYTE_ORDER_MAGIC) {
            order = ByteOrder.LITTLE_ENDIAN;
        } else if (magicBe == PcapNgWriter.BYTE_ORDER_MAGIC) {
            order = ByteOrder.BIG_ENDIAN;
        } else {
            throw new MalformedFrameException(String.format("pcapng byte-order magic %08x is not 1a2b3c4d", magicBe), clamp(at + 8));
        }
        long total = Integer.toUnsignedLong(ByteBuffer.wrap(lenAndMagic, 0, 4).order(order).getInt());
        checkBlockLength(total, 28, at);
        ByteBuffer body = need((int) total - 12, "pcapng section header block");
        int major = Short.toUnsignedInt(body.getShort());
        if (major != 1) throw new MalformedFrameException("pcapng version " + major + " is not 1", clamp(at + 12));
        checkTrailer(body, total, at);
        interfaces.clear();
    }

    private CaptureRecord nextPcapNg() throws IOException, MalformedFrameException {
        while (true) {
            long at = position;
            ByteBuffer h = needOrEnd(4, "pcapng block header");
            if (h == null) return null;
            int type = h.getInt();
            if (type == PCAPNG_SHB) {
                readSectionHeader(at);
                continue;
            }
            long total = Integer.toUnsignedLong(need(4, "pcapng block length").getInt());
            checkBlockLength(total, 12, at);
            ByteBuffer body = need((int) total - 4 - 4, "pcapng block of " + total + " bytes");
            ByteBuffer content = body.slice(0, (int) total - 12).order(order);
            body.position((int) total - 12);
            checkTrailer(body, total, at);
            switch (type) {
                case PcapNgWriter.IDB -> interfaces.add(readInterface(content, at));
                case PcapNgWriter.EPB -> { return readEnhanced(content, at); }
                case PcapNgWriter.SPB -> { return readSimple(content, at); }
                default -> { } // unknown or uninteresting block (name resolution, statistics, ...): skip
            }
        }
    }

    private Interface readInterface(ByteBuffer b, long at) throws MalformedFrameException {
        if (b.remaining() < 8) throw new MalformedFrameException("pcapng interface description block body too short", clamp(at + 8));
        int linkType = Short.toUnsignedInt(b.getShort());
        b.getShort();
        int snaplen = b.getInt();
        int tsresol = 6;
        long tsoffset = 0;
        while (b.remaining() >= 4) {
            int optAt = b.position();
            int code = Short.toUnsignedInt(b.getShort());
            int len = Short.toUnsignedInt(b.getShort());
            if (code == PcapNgWriter.OPT_END) break;
            int padded = PcapNgWriter.pad4(len);
            if (padded > b.remaining()) {
                throw new MalformedFrameException("pcapng option " + code + " of " + len + " bytes overruns its block", clamp(at + 8 + optAt));
            }
            if (code == PcapNgWriter.IF_TSRESOL && len >= 1) {
                tsresol = Byte.toUnsignedInt(b.get(b.position()));
                int exponent = tsresol & 0x7F;
                if ((tsresol & 0x80) == 0 ? exponent > 30 : exponent > 63) {
                    throw new MalformedFrameException("pcapng if_tsresol " + tsresol + " is out of range", clamp(at + 8 + optAt + 4));
                }
            } else if (code == IF_TSOFFSET && len >= 8) {
                tsoffset = b.getLong(b.position());
            }
            b.position(b.position() + padded);
        }
        return new Interface(linkType, snaplen, tsresol, tsoffset);
    }

    private CaptureRecord readEnhanced(ByteBuffer b, long at) throws MalformedFrameException {
        if (b.remaining() < 20) throw new MalformedFrameException("pcapng enhanced packet block body too short", clamp(at + 8));
        int id = b.getInt();
        Interface itf = iface(id, at + 8);
        long units = (Integer.toUnsignedLong(b.getInt()) << 32) | Integer.toUnsignedLong(b.getInt());
        long captured = Integer.toUnsignedLong(b.getInt());
        long original = Integer.toUnsignedLong(b.getInt());
        if (captured > b.remaining()) {
            throw new MalformedFrameException("pcapng captured length " + captured + " overruns its block ("
                    + b.remaining() + " bytes left)", clamp(at + 20));
        }
        byte[] data = new byte[(int) captured];
        b.get(data);
        long nanos = toNanos(units, itf.tsresol()) + itf.tsoffsetSeconds() * 1_000_000_000L;
        return new CaptureRecord(++number, id, itf.linkType(), nanos, data, (int) Math.min(original, Integer.MAX_VALUE), at);
    }

    private CaptureRecord readSimple(ByteBuffer b, long at) throws MalformedFrameException {
        if (b.remaining() < 4) throw new MalformedFrameException("pcapng simple packet block body too short", clamp(at + 8));
        Interface itf = iface(0, at);
        long original = Integer.toUnsignedLong(b.getInt());
        // A simple packet block holds min(original length, snap length) bytes (pcapng §4.4).
        long captured = original;
        if (itf.snaplen() != 0) captured = Math.min(captured, Integer.toUnsignedLong(itf.snaplen()));
        if (captured > b.remaining()) {
            throw new MalformedFrameException("pcapng simple packet of " + captured + " bytes overruns its block", clamp(at + 8));
        }
        byte[] data = new byte[(int) captured];
        b.get(data);
        return new CaptureRecord(++number, 0, itf.linkType(), CaptureRecord.NO_TIMESTAMP, data,
                (int) Math.min(original, Integer.MAX_VALUE), at);
    }

    private Interface iface(int id, long at) throws MalformedFrameException {
        if (id < 0 || id >= interfaces.size()) {
            throw new MalformedFrameException("packet refers to interface " + Integer.toUnsignedLong(id) + " but the section describes "
                    + interfaces.size(), clamp(at));
        }
        return interfaces.get(id);
    }

    /** Timestamp units of {@code if_tsresol} (bit 7 clear: 10^-n s, set: 2^-n s) to nanoseconds. */
    static long toNanos(long units, int tsresol) {
        int n = tsresol & 0x7F;
        if ((tsresol & 0x80) == 0) {
            if (n == 9) return units;
            if (n == 6) return units * 1000L;
            if (n < 9) return units * pow10(9 - n);
            if (n <= 27) return units / pow10(n - 9);
        }
        BigInteger u = new BigInteger(Long.toUnsignedString(units));
        BigInteger perSecond = (tsresol & 0x80) == 0 ? BigInteger.TEN.pow(n) : BigInteger.ONE.shiftLeft(n);
        return u.multiply(BigInteger.valueOf(1_000_000_000L)).divide(perSecond).longValue();
    }

    private static long pow10(int n) {
        long p = 1;
        for (int i = 0; i < n && p <= Long.MAX_VALUE / 10; i++) p *= 10;
        return p;
    }

    private static void checkBlockLength(long total, int minimum, long at) throws MalformedFrameException {
        if (total < minimum || (total & 3) != 0 || total > MAX_RECORD) {
            throw new MalformedFrameException("pcapng block length " + total + " is invalid (minimum " + minimum
                    + ", a multiple of 4, at most " + MAX_RECORD + ")", clamp(at + 4));
        }
    }

    private void checkTrailer(ByteBuffer body, long total, long at) throws MalformedFrameException {
        long trailer = Integer.toUnsignedLong(body.order(order).getInt(body.limit() - 4));
        if (trailer != total) {
            throw new MalformedFrameException("pcapng block trailing length " + trailer + " differs from its leading length " + total,
                    clamp(at + total - 4));
        }
    }

    // ---- reading with a position ------------------------------------------------------------

    /** Exactly {@code n} bytes in the file's byte order, or an error naming {@code what} was cut short. */
    private ByteBuffer need(int n, String what) throws IOException, MalformedFrameException {
        byte[] b = new byte[n];
        readFully(b, what);
        return ByteBuffer.wrap(b).order(order);
    }

    /** Like {@link #need}, but a clean end of file before the first byte gives {@code null}. */
    private ByteBuffer needOrEnd(int n, String what) throws IOException, MalformedFrameException {
        byte[] b = new byte[n];
        long at = position;
        int got = readUpTo(b, 0, n);
        if (got == 0) return null;
        if (got < n) throw new MalformedFrameException(what + " truncated: " + got + " of " + n + " bytes", clamp(at + got));
        return ByteBuffer.wrap(b).order(order);
    }

    private void readFully(byte[] b, String what) throws IOException, MalformedFrameException {
        long at = position;
        int got = readUpTo(b, 0, b.length);
        if (got < b.length) {
            throw new MalformedFrameException(what + " truncated: " + got + " of " + b.length + " bytes", clamp(at + got));
        }
    }

    private int readUpTo(byte[] b, int off, int n) throws IOException {
        int got = in.readNBytes(b, off, n);
        position += got;
        return got;
    }

    /** {@link MalformedFrameException} carries an int offset; files past 2 GiB report the largest int. */
    private static int clamp(long offset) {
        return (int) Math.min(offset, Integer.MAX_VALUE);
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}

package org.uarpd.wire.pcap;

import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.Objects;
import org.uarpd.wire.LinkType;

/**
 * Writes a classic pcap file (libpcap format, little-endian, version 2.4) for one link type. Each
 * record — 16-byte header and frame — goes to the stream in one {@code write} and is flushed at
 * once, so a crash loses at most the frame being written. Timestamps are epoch nanoseconds; the
 * file stores microseconds (magic 0xa1b2c3d4) or nanoseconds (magic 0xa1b23c4d).
 */
public final class PcapWriter implements Closeable {
    public static final int MAGIC_MICROS = 0xa1b2c3d4;
    public static final int MAGIC_NANOS = 0xa1b23c4d;
    public static final int GLOBAL_HEADER = 24;
    public static final int RECORD_HEADER = 16;
    public static final int DEFAULT_SNAPLEN = 262_144;

    private final OutputStream out;
    private final TimestampResolution resolution;
    private final int snaplen;

    /** Writes the global header for pcap link type {@code pcapLinkType} at once. */
    public PcapWriter(OutputStream out, int pcapLinkType, TimestampResolution resolution, int snaplen) throws IOException {
        this.out = Objects.requireNonNull(out, "out");
        this.resolution = Objects.requireNonNull(resolution, "resolution");
        if (snaplen <= 0) throw new IllegalArgumentException("snaplen must be positive: " + snaplen);
        this.snaplen = snaplen;
        ByteBuffer h = ByteBuffer.allocate(GLOBAL_HEADER).order(ByteOrder.LITTLE_ENDIAN);
        h.putInt(resolution == TimestampResolution.NANOS ? MAGIC_NANOS : MAGIC_MICROS);
        h.putShort((short) 2).putShort((short) 4); // version 2.4
        h.putInt(0).putInt(0); // thiszone, sigfigs: always 0 in practice
        h.putInt(snaplen);
        h.putInt(pcapLinkType);
        out.write(h.array());
        out.flush();
    }

    public PcapWriter(OutputStream out, LinkType linkType, TimestampResolution resolution) throws IOException {
        this(out, linkType.pcapLinkType(), resolution, DEFAULT_SNAPLEN);
    }

    /** Creates (or truncates) {@code file}. */
    public static PcapWriter create(Path file, LinkType linkType, TimestampResolution resolution) throws IOException {
        return create(file, linkType.pcapLinkType(), resolution);
    }

    public static PcapWriter create(Path file, int pcapLinkType, TimestampResolution resolution) throws IOException {
        return CaptureFiles.create(file, s -> new PcapWriter(s, pcapLinkType, resolution, DEFAULT_SNAPLEN));
    }

    /** Writes one frame captured whole at {@code epochNanos}. */
    public void write(long epochNanos, byte[] frame) throws IOException {
        write(epochNanos, frame, 0, frame.length, frame.length);
    }

    /**
     * Writes {@code frame[offset, offset+length)} as captured bytes of a frame that was
     * {@code originalLength} long on the wire; bytes beyond the snap length are cut.
     */
    public void write(long epochNanos, byte[] frame, int offset, int length, int originalLength) throws IOException {
        Objects.checkFromIndexSize(offset, length, frame.length);
        if (originalLength < length) throw new IllegalArgumentException("original length " + originalLength + " < captured " + length);
        int captured = Math.min(length, snaplen);
        ByteBuffer r = ByteBuffer.allocate(RECORD_HEADER + captured).order(ByteOrder.LITTLE_ENDIAN);
        long seconds = resolution.seconds(epochNanos);
        if (seconds < 0 || seconds > 0xFFFF_FFFFL) {
            throw new IllegalArgumentException("timestamp " + epochNanos + " ns is outside pcap's unsigned 32-bit seconds");
        }
        r.putInt((int) seconds);
        r.putInt((int) resolution.fraction(epochNanos));
        r.putInt(captured);
        r.putInt(originalLength);
        r.put(frame, offset, captured);
        out.write(r.array());
        out.flush();
    }

    @Override
    public void close() throws IOException {
        out.close();
    }
}

package org.uarpd.sim;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A capture of one segment in classic pcap format (microsecond timestamps, little-endian), stamped
 * with virtual time so that two runs with the same seed write identical files.
 */
public final class PcapTap implements AutoCloseable {
    private static final int SNAPLEN = 65535;
    private final OutputStream out;
    private final byte[] header = new byte[16];
    private long frames;

    public PcapTap(OutputStream out, int linkType) {
        this.out = out;
        byte[] h = new byte[24];
        putLe32(h, 0, 0xa1b2c3d4);
        putLe16(h, 4, 2);
        putLe16(h, 6, 4);
        putLe32(h, 16, SNAPLEN);
        putLe32(h, 20, linkType);
        write(h, 0, h.length);
    }

    public static PcapTap open(Path file, int linkType) throws IOException {
        return new PcapTap(new BufferedOutputStream(Files.newOutputStream(file)), linkType);
    }

    /** Appends one frame seen at virtual time {@code nanos}. */
    public void record(long nanos, byte[] frame, int offset, int length) {
        long micros = nanos / 1000;
        int captured = Math.min(length, SNAPLEN);
        putLe32(header, 0, (int) (micros / 1_000_000));
        putLe32(header, 4, (int) (micros % 1_000_000));
        putLe32(header, 8, captured);
        putLe32(header, 12, length);
        write(header, 0, 16);
        write(frame, offset, captured);
        frames++;
    }

    public long frames() {
        return frames;
    }

    private void write(byte[] b, int off, int len) {
        try {
            out.write(b, off, len);
        } catch (IOException e) {
            throw new UncheckedIOException("writing pcap", e);
        }
    }

    @Override
    public void close() {
        try {
            out.close();
        } catch (IOException e) {
            throw new UncheckedIOException("closing pcap", e);
        }
    }

    private static void putLe16(byte[] b, int off, int v) {
        b[off] = (byte) v;
        b[off + 1] = (byte) (v >>> 8);
    }

    private static void putLe32(byte[] b, int off, int v) {
        b[off] = (byte) v;
        b[off + 1] = (byte) (v >>> 8);
        b[off + 2] = (byte) (v >>> 16);
        b[off + 3] = (byte) (v >>> 24);
    }
}

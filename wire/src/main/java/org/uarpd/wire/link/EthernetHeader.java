package org.uarpd.wire.link;

import java.util.Arrays;
import java.util.Objects;
import org.uarpd.wire.MalformedFrameException;

/**
 * Where the fields of an Ethernet II header lie (IEEE 802.3: destination, source, EtherType), the
 * one check that a buffer holds one, and the one way a fresh one is written: shared by the
 * flyweight views of ARP and ND frames (their accessors are {@link EthernetFramedView}'s). Static
 * and allocation-free, for the packet path.
 */
public final class EthernetHeader {
    public static final int DESTINATION = 0;
    public static final int SOURCE = 6;
    public static final int TYPE = 12;
    public static final int HEADER = 14;
    public static final int ADDRESS = 6;
    /** Shortest Ethernet frame without FCS; shorter ones are zero-padded. */
    public static final int MIN_FRAME = 60;

    private EthernetHeader() {}

    /**
     * Checks that {@code frame[off, off+len)} lies in the buffer and starts with a whole header, and
     * returns its EtherType.
     *
     * @throws MalformedFrameException fewer than 14 bytes
     */
    public static int etherType(byte[] frame, int off, int len) throws MalformedFrameException {
        Objects.checkFromIndexSize(off, len, frame.length);
        if (len < HEADER) {
            throw new MalformedFrameException("Ethernet header truncated: " + len + " of " + HEADER + " bytes", off);
        }
        return ((frame[off + TYPE] & 0xFF) << 8) | (frame[off + TYPE + 1] & 0xFF);
    }

    /**
     * Zeroes {@code frame[off, off+length)} and writes there a header with zero addresses and
     * {@code etherType}; {@code length} covers the header and whatever follows it that must start zeroed.
     *
     * @throws IllegalArgumentException no room for {@code length} bytes at {@code off}
     */
    public static void write(byte[] frame, int off, int length, int etherType) {
        if (off < 0 || length < HEADER || length > frame.length - off) {
            throw new IllegalArgumentException("no room for a " + length + "-byte frame at " + off + " in " + frame.length + " bytes");
        }
        Arrays.fill(frame, off, off + length, (byte) 0);
        frame[off + TYPE] = (byte) (etherType >>> 8);
        frame[off + TYPE + 1] = (byte) etherType;
    }
}

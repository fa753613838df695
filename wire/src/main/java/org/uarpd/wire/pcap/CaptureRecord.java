package org.uarpd.wire.pcap;

/**
 * One frame read from a capture file. {@code number} counts from 1 over the file;
 * {@code interfaceId} is 0 in pcap files; {@code pcapLinkType} is the LINKTYPE_ of the interface it
 * was captured on; {@code timestampNanos} is epoch nanoseconds, or {@link #NO_TIMESTAMP} for a
 * pcapng simple packet block, which has none; {@code data} holds the captured bytes, of a frame
 * {@code originalLength} bytes long on the wire; {@code fileOffset} is where its record starts.
 */
public record CaptureRecord(long number, int interfaceId, int pcapLinkType, long timestampNanos, byte[] data,
                            int originalLength, long fileOffset) {
    public static final long NO_TIMESTAMP = Long.MIN_VALUE;

    public boolean hasTimestamp() {
        return timestampNanos != NO_TIMESTAMP;
    }
}

package org.uarpd.wire.link;

/**
 * The Ethernet header (IEEE 802.3: destination, source, EtherType) read and written in place, at
 * {@code frame} in {@code buf}: the one copy of these accessors for the flyweight views of ARP and
 * ND frames. Static and allocation-free, for the packet path. A negative {@code frame} means the
 * view holds a bare packet with no header around it.
 */
public final class EthernetHeader {
    public static final int DESTINATION = 0;
    public static final int SOURCE = 6;
    public static final int ADDRESS = 6;

    private EthernetHeader() {}

    /** Fails when the view is not bound to a frame, so a header is never read from the packet's own bytes. */
    public static void requireFrame(int frame) {
        if (frame < 0) throw new IllegalStateException("view is not bound to an Ethernet frame");
    }

    public static void copySource(byte[] buf, int frame, byte[] dst, int dstOff) {
        requireFrame(frame);
        System.arraycopy(buf, frame + SOURCE, dst, dstOff, ADDRESS);
    }

    public static void copyDestination(byte[] buf, int frame, byte[] dst, int dstOff) {
        requireFrame(frame);
        System.arraycopy(buf, frame + DESTINATION, dst, dstOff, ADDRESS);
    }

    public static void setSource(byte[] buf, int frame, byte[] src, int srcOff) {
        requireFrame(frame);
        System.arraycopy(src, srcOff, buf, frame + SOURCE, ADDRESS);
    }

    public static void setDestination(byte[] buf, int frame, byte[] src, int srcOff) {
        requireFrame(frame);
        System.arraycopy(src, srcOff, buf, frame + DESTINATION, ADDRESS);
    }
}

package org.uarpd.wire.link;

import java.util.Arrays;

/**
 * What a zero-copy packet view knows of the Ethernet II frame around its packet, read and written in
 * place: the one copy of these accessors for the views of ARP ({@link org.uarpd.wire.ArpView}) and
 * neighbour discovery ({@link org.uarpd.wire.nd.NdView}). A view bound to a bare packet has no
 * frame: {@link #hasEthernetFrame} is false and the link accessors fail, so a header is never read
 * from the packet's own bytes.
 */
public abstract class EthernetFramedView {
    /** The buffer the view reads and writes. */
    protected byte[] buf = new byte[0];
    /** Where the Ethernet header starts in {@link #buf}; negative for a bare packet. */
    protected int frame = -1;

    protected EthernetFramedView() {}

    /** Bytes of the packet itself, without link header or padding. */
    protected abstract int packetSize();

    /** True when bound to an Ethernet frame (so the link accessors apply). */
    public boolean hasEthernetFrame() {
        return frame >= 0;
    }

    /** Where the Ethernet header starts in the buffer. */
    public int frameOffset() {
        requireFrame();
        return frame;
    }

    /** Length of the frame to send: header, packet and padding to the 60-byte minimum. */
    public int frameLength() {
        requireFrame();
        return Math.max(EthernetHeader.MIN_FRAME, EthernetHeader.HEADER + packetSize());
    }

    public int etherType() {
        requireFrame();
        return ((buf[frame + EthernetHeader.TYPE] & 0xFF) << 8) | (buf[frame + EthernetHeader.TYPE + 1] & 0xFF);
    }

    public void copyLinkSource(byte[] dst, int dstOff) {
        requireFrame();
        System.arraycopy(buf, frame + EthernetHeader.SOURCE, dst, dstOff, EthernetHeader.ADDRESS);
    }

    public void copyLinkDestination(byte[] dst, int dstOff) {
        requireFrame();
        System.arraycopy(buf, frame + EthernetHeader.DESTINATION, dst, dstOff, EthernetHeader.ADDRESS);
    }

    public void setLinkSource(byte[] src, int srcOff) {
        requireFrame();
        System.arraycopy(src, srcOff, buf, frame + EthernetHeader.SOURCE, EthernetHeader.ADDRESS);
    }

    public void setLinkDestination(byte[] src, int srcOff) {
        requireFrame();
        System.arraycopy(src, srcOff, buf, frame + EthernetHeader.DESTINATION, EthernetHeader.ADDRESS);
    }

    /** True when the frame's source address equals the six bytes at {@code buf[at]}. */
    protected boolean linkSourceEquals(int at) {
        requireFrame();
        int s = frame + EthernetHeader.SOURCE;
        return Arrays.equals(buf, s, s + EthernetHeader.ADDRESS, buf, at, at + EthernetHeader.ADDRESS);
    }

    /** Fails when the view is not bound to a frame. */
    protected void requireFrame() {
        if (frame < 0) throw new IllegalStateException("view is not bound to an Ethernet frame");
    }
}

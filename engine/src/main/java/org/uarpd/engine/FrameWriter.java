package org.uarpd.engine;

import java.nio.ByteBuffer;
import org.uarpd.wire.Frame;
import org.uarpd.wire.HardwareAddress;
import org.uarpd.wire.LinkType;
import org.uarpd.wire.MalformedFrameException;

/**
 * Builds outgoing frames for one link without allocating on the hot path. The first frame to a
 * given destination is framed by the link's {@link LinkType#encode} and decoded again to learn where
 * the payload sits; later frames to the same destination, protocol and payload length reuse that
 * frame and only overwrite the payload. This relies on one property of every framing: the header
 * depends only on destination, source, protocol and payload length.
 *
 * <p>The frame and its {@link Action.Transmit} are reused: the sink must copy what it keeps (as
 * {@link Action.Transmit} documents).
 */
final class FrameWriter {
    private final int link;
    private final LinkType type;
    private final HardwareAddress source;

    private byte[] frame;
    private int payloadOffset;
    private int payloadLength = -1;
    private int protocol = -1;
    private final byte[] destination = new byte[255];
    private int destinationLength = -1;
    private Action.Transmit action;

    FrameWriter(int link, LinkType type, HardwareAddress source) {
        this.link = link;
        this.type = type;
        this.source = source;
    }

    /**
     * Prepares a frame to {@code dst[dstOff, dstOff+dstLen)} carrying {@code length} payload bytes of
     * {@code proto}; write the payload into the returned array at {@link #payloadOffset()}.
     */
    byte[] begin(byte[] dst, int dstOff, int dstLen, int proto, int length) {
        if (proto != protocol || length != payloadLength || dstLen != destinationLength
                || !java.util.Arrays.equals(destination, 0, dstLen, dst, dstOff, dstOff + dstLen)) {
            template(HardwareAddress.of(dst, dstOff, dstLen), proto, length);
            System.arraycopy(dst, dstOff, destination, 0, dstLen);
            destinationLength = dstLen;
        }
        return frame;
    }

    int payloadOffset() {
        return payloadOffset;
    }

    /** The transmit action for the frame just written (reused: valid until the sink returns). */
    Action.Transmit finish() {
        action.frame().clear();
        return action;
    }

    /** A private copy of the frame just written, for sending later (a delayed reply). */
    byte[] copy() {
        return frame.clone();
    }

    private void template(HardwareAddress dst, int proto, int length) {
        byte[] f = type.encode(dst, source, proto, new byte[length]);
        Frame decoded;
        try {
            decoded = type.decode(f, 0, f.length);
        } catch (MalformedFrameException e) {
            throw new IllegalStateException("link type " + type.name() + " cannot decode its own frame: " + e.getMessage(), e);
        }
        frame = f;
        payloadOffset = decoded.payloadOffset();
        payloadLength = length;
        protocol = proto;
        action = new Action.Transmit(link, ByteBuffer.wrap(f));
    }
}

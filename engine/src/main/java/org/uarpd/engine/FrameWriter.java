package org.uarpd.engine;

import java.nio.ByteBuffer;
import java.util.Arrays;
import org.uarpd.wire.Frame;
import org.uarpd.wire.HardwareAddress;
import org.uarpd.wire.LinkType;
import org.uarpd.wire.MalformedFrameException;

/**
 * Builds outgoing frames for one link without allocating on the hot path. The first frame of a
 * given protocol and payload length is framed by the link's {@link LinkType#encode} and decoded
 * again to learn where the payload sits; framing it again with each destination byte changed shows
 * where the destination sits. Later frames reuse that template, patching only destination and
 * payload. This relies on one property of a framing: its header depends only on destination,
 * source, protocol and payload length, and holds the destination as one contiguous field. A framing
 * where the probes do not show that is framed afresh for every new destination.
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
    /** Where the destination lies in the header, or -1 when it cannot be patched in place. */
    private int destinationOffset = -1;
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
        if (proto != protocol || length != payloadLength || dstLen != destinationLength) {
            template(dst, dstOff, dstLen, proto, length);
        } else if (!Arrays.equals(destination, 0, dstLen, dst, dstOff, dstOff + dstLen)) {
            if (destinationOffset >= 0) {
                System.arraycopy(dst, dstOff, frame, destinationOffset, dstLen);
            } else {
                frame = encode(dst, dstOff, dstLen, proto, length);
                action = new Action.Transmit(link, ByteBuffer.wrap(frame));
            }
            System.arraycopy(dst, dstOff, destination, 0, dstLen);
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

    private void template(byte[] dst, int dstOff, int dstLen, int proto, int length) {
        byte[] f = encode(dst, dstOff, dstLen, proto, length);
        Frame decoded;
        try {
            decoded = type.decode(f, 0, f.length);
        } catch (MalformedFrameException e) {
            throw new IllegalStateException("link type " + type.name() + " cannot decode its own frame: " + e.getMessage(), e);
        }
        destinationOffset = patchableDestination(f, dst, dstOff, dstLen, proto, length, decoded.payloadOffset());
        frame = f;
        payloadOffset = decoded.payloadOffset();
        payloadLength = length;
        protocol = proto;
        destinationLength = dstLen;
        System.arraycopy(dst, dstOff, destination, 0, dstLen);
        action = new Action.Transmit(link, ByteBuffer.wrap(f));
    }

    /**
     * Where the destination lies in the header, or -1. Framed again once per destination byte with
     * that byte complemented: each time exactly one header byte must change, to the complemented
     * value, and those bytes must follow each other. A framing with anything else depending on the
     * destination (a check byte, a route chosen by address) fails this and is never patched.
     */
    private int patchableDestination(byte[] f, byte[] dst, int dstOff, int dstLen, int proto, int length, int payloadAt) {
        byte[] probe = Arrays.copyOfRange(dst, dstOff, dstOff + dstLen);
        int first = -1;
        for (int i = 0; i < dstLen; i++) {
            probe[i] = (byte) ~probe[i];
            byte[] g = encode(probe, 0, dstLen, proto, length);
            probe[i] = (byte) ~probe[i];
            if (g.length != f.length) return -1;
            int at = -1;
            for (int k = 0; k < f.length; k++) {
                if (f[k] != g[k]) {
                    if (at >= 0) return -1;
                    at = k;
                }
            }
            if (at < 0 || g[at] != (byte) ~dst[dstOff + i] || at >= payloadAt) return -1;
            if (i == 0) first = at;
            else if (at != first + i) return -1;
        }
        return first;
    }

    private byte[] encode(byte[] dst, int dstOff, int dstLen, int proto, int length) {
        return type.encode(HardwareAddress.of(dst, dstOff, dstLen), source, proto, new byte[length]);
    }
}

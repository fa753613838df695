package org.uarpd.wire;

/**
 * The one error every decoder raises for bad input: says what was wrong and at which byte offset of
 * the frame (or file) it was found. Checked, so a caller on the packet path cannot forget to count
 * and drop.
 */
public final class MalformedFrameException extends Exception {
    private final String reason;
    private final int offset;

    public MalformedFrameException(String reason, int offset) {
        super(reason + " at offset " + offset, null, false, false);
        this.reason = reason;
        this.offset = offset;
    }

    /** What was wrong, without the position. Stable enough to count drops by. */
    public String reason() {
        return reason;
    }

    /** Byte offset, from the start of the buffer handed to the decoder, where the fault was found. */
    public int offset() {
        return offset;
    }
}

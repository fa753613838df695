package org.uarpd.linux;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;

/**
 * Frames held back while the loop reads a batch of received ones, and sent together with one
 * sendmmsg(2): under a flood of requests, one system call per up to {@link #CAPACITY} replies instead
 * of one per reply. The holder decides when a batch leaves ({@link PacketSocket#holdSends}): never
 * later than the moment no further received frame is queued, so a reply waits for the frames already
 * there, not for ones still to come. The message vector, its iovecs and the frame slots are laid out
 * once; holding a frame is a copy and a length.
 *
 * <p>A failed send is not thrown at the caller that held the frame (that caller has long moved on):
 * {@link #flush} counts the frames lost and keeps the first errno, for the reader to report.
 */
final class BatchSender implements AutoCloseable {
    /** Frames per sendmmsg(2): the loop's read budget per socket and turn, so one batch is one call. */
    static final int CAPACITY = 64;
    /** Bytes per held frame; a longer one is sent on its own. */
    static final int SLOT = 256;
    /** struct mmsghdr on LP64: msghdr (56 bytes) and msg_len, padded to 64. */
    private static final int MMSGHDR = 64;
    private static final int MSG_IOV = 16;
    private static final int MSG_IOVLEN = 24;
    private static final int IOVEC = 16;
    private static final int IOV_LEN = 8;

    private final Arena arena = Arena.ofShared();
    private final int fd;
    private final MemorySegment messages;
    private final MemorySegment iovecs;
    private final MemorySegment data;
    /** The vector from message i on, sliced once: the hot path allocates nothing. */
    private final MemorySegment[] from = new MemorySegment[CAPACITY];
    private int held;
    private long lost;
    private int firstError;

    BatchSender(int fd) {
        this.fd = fd;
        messages = arena.allocate((long) MMSGHDR * CAPACITY, 8); // zeroed: no name (the socket is bound), no control
        iovecs = arena.allocate((long) IOVEC * CAPACITY, 8);
        data = arena.allocate((long) SLOT * CAPACITY, 8);
        for (int i = 0; i < CAPACITY; i++) {
            iovecs.set(ValueLayout.ADDRESS, (long) IOVEC * i, data.asSlice((long) SLOT * i, SLOT));
            messages.set(ValueLayout.ADDRESS, (long) MMSGHDR * i + MSG_IOV, iovecs.asSlice((long) IOVEC * i, IOVEC));
            messages.set(ValueLayout.JAVA_LONG, (long) MMSGHDR * i + MSG_IOVLEN, 1L);
            from[i] = messages.asSlice((long) MMSGHDR * i);
        }
    }

    /** Holds {@code frame[position, limit)} (position unchanged); false if it is longer than a slot. Sends the batch first when it is full. */
    boolean add(ByteBuffer frame) {
        if (frame.remaining() > SLOT) return false;
        if (held == CAPACITY) flush();
        int len = PacketSocket.copy(frame, data, (long) SLOT * held);
        iovecs.set(ValueLayout.JAVA_LONG, (long) IOVEC * held + IOV_LEN, len);
        held++;
        return true;
    }

    /** Sends what is held; a frame the kernel refuses is counted lost and the rest still go. */
    void flush() {
        int sent = 0;
        while (sent < held) {
            int r = Libc.trySendmmsg(fd, from[sent], held - sent, 0);
            if (r < 0) { // the message at `sent` failed: skip it, send the others
                if (lost == 0) firstError = -r;
                lost++;
                sent++;
            } else {
                sent += r;
            }
        }
        held = 0;
    }

    /** Frames lost since the last call (and resets the count); {@link #firstError()} says why. */
    long takeLost() {
        long l = lost;
        lost = 0;
        return l;
    }

    /** The errno of the first frame lost since {@link #takeLost()} was last called with a loss. */
    int firstError() {
        return firstError;
    }

    @Override
    public void close() {
        arena.close();
    }
}

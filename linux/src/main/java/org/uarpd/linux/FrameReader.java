package org.uarpd.linux;

/**
 * The event loop's read path for packet sockets: up to {@link #BUDGET} frames from one socket per
 * turn, each handed to the engine as it lies in one receive buffer allocated once, and the replies
 * they cause on the link's flooded ARP socket held and sent together when the batch is read
 * ({@link PacketSocket#holdSends}).
 */
final class FrameReader {
    /**
     * At most this many frames are read from one packet socket per turn of the loop; poll(2) reports
     * a socket with more again at once. Netlink is read first in every turn, so a flood of frames on
     * one link can neither starve the kernel's misses nor the other links.
     */
    static final int BUDGET = BatchSender.CAPACITY;

    /** Where each frame goes: the engine, as {@code frame[0, length)} received on {@code link}. */
    interface Sink {
        void frame(int link, byte[] frame, int length);
    }

    private final byte[] frame = new byte[65536];
    private final EventLog log;
    private final Sink sink;

    FrameReader(EventLog log, Sink sink) {
        this.log = log;
        this.sink = sink;
    }

    /**
     * Reads a batch from {@code socket}, one of {@code l}'s; the replies to it leave at its end.
     * {@code failed}: poll(2) said the socket holds an error (POLLERR). recvfrom(2) returns such an
     * error and clears it, but a ring is read without it, and an error left pending would make every
     * poll return at once: it is taken here.
     */
    void drain(LinkTable.Entry l, PacketSocket socket, boolean failed) {
        if (failed) {
            int errno = socket.takeError();
            if (errno != 0 && !ActionExecutor.linkGone(errno)) {
                LogLines.note(log, "error: AF_PACKET socket on %s: %s (%d, %s)", l.name, Errno.name(errno), errno, Libc.strerror(errno));
            }
        }
        PacketSocket out = l.arp;
        out.holdSends();
        try {
            read(l, socket);
        } finally {
            long lost = out.flushSends();
            if (lost > 0) {
                int errno = out.sendError();
                if (ActionExecutor.linkGone(errno)) {
                    // The rtnetlink notice of it is already queued: no warning for what the host did.
                    LogLines.note(log, "%d frame(s) not sent on %s: the interface %s meanwhile", lost, l.name,
                            errno == Errno.ENETDOWN ? "went down" : "went away");
                } else {
                    LogLines.note(log, "error: %d frame(s) not sent on %s: sendmmsg(AF_PACKET) failed: %s (%d, %s)", lost, l.name,
                            Errno.name(errno), errno, Libc.strerror(errno));
                }
            }
        }
    }

    private void read(LinkTable.Entry l, PacketSocket socket) {
        for (int budget = BUDGET; budget > 0; budget--) {
            int n = socket.receive(frame);
            if (n == -Errno.EAGAIN || n == -Errno.EINTR) return;
            if (ActionExecutor.linkGone(-n)) {
                // The link went down or away: its rtnetlink message reports that state change.
                return;
            }
            if (n < 0) {
                // Any other socket error is reported once per error; the loop goes on.
                LogLines.note(log, "error: recvfrom(AF_PACKET on %s) failed: %s (%d, %s)", l.name, Errno.name(-n), -n, Libc.strerror(-n));
                return;
            }
            if (n == 0) continue; // our own host's transmission (counted against the budget too)
            if (log.packets()) LogLines.packet(log, "%s: received %s", l.name, LogLines.describe(frame, 0, n));
            sink.frame(l.index, frame, n);
        }
    }
}

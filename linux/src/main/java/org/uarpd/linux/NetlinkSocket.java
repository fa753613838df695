package org.uarpd.linux;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.function.Consumer;

/**
 * One {@code AF_NETLINK} socket with a preallocated send and receive buffer. Extended acks are on, so
 * a refused request fails with the kernel's own words ("Invalid address length" …) in the exception.
 *
 * <p>Requests ({@link #request}, {@link #dump}) are synchronous: the rtnetlink and nftables handlers
 * run inside {@code sendmsg}, so the answer is already queued when the send returns.
 */
public final class NetlinkSocket implements AutoCloseable {
    public static final int NETLINK_ROUTE = 0;
    public static final int NETLINK_NETFILTER = 12;
    public static final int SOL_NETLINK = 270;
    public static final int NETLINK_ADD_MEMBERSHIP = 1;
    public static final int NETLINK_CAP_ACK = 10;
    public static final int NETLINK_EXT_ACK = 11;

    public static final int NLM_F_REQUEST = 0x1;
    public static final int NLM_F_MULTI = 0x2;
    public static final int NLM_F_ACK = 0x4;
    public static final int NLM_F_DUMP_INTR = 0x10;
    public static final int NLM_F_REPLACE = 0x100;
    public static final int NLM_F_EXCL = 0x200;
    public static final int NLM_F_CREATE = 0x400;
    public static final int NLM_F_APPEND = 0x800;
    public static final int NLM_F_DUMP = 0x300;
    /** On NLMSG_ERROR: the original payload was left out / TLVs follow. */
    public static final int NLM_F_CAPPED = 0x100;
    public static final int NLM_F_ACK_TLVS = 0x200;
    public static final int NLMSGERR_ATTR_MSG = 1;

    private static final int SOCKADDR_NL = 12;

    private final Arena arena = Arena.ofShared();
    private final int fd;
    private final int portId;
    private final String name;
    private final MemorySegment kernel;
    private final MemorySegment rx;
    private final NetlinkReader reader;
    private final NetlinkWriter writer;
    private int seq = (int) (System.nanoTime() & 0x3FFFFFFF);

    /**
     * Opens a netlink socket of {@code protocol}, joins {@code groups} (RTNLGRP_… numbers), and turns
     * on extended acks. {@code receiveBuffer} is the kernel socket buffer to ask for (0: default).
     */
    public NetlinkSocket(int protocol, String name, int receiveBuffer, int... groups) {
        this(open(protocol, name, receiveBuffer, groups), name);
    }

    /**
     * A netlink socket another uarpd opened and handed over ({@link HandoverChannel}): the same
     * socket, so its port id and what the kernel ties to it (an owned nftables table) stay.
     */
    static NetlinkSocket adopt(int fd, String name) {
        return new NetlinkSocket(fd, name);
    }

    private NetlinkSocket(int fd, String name) {
        this.name = name;
        this.fd = fd;
        try {
            kernel = arena.allocate(SOCKADDR_NL);
            kernel.set(ValueLayout.JAVA_SHORT, 0, (short) Libc.AF_NETLINK);
            MemorySegment local = arena.allocate(SOCKADDR_NL);
            MemorySegment len = arena.allocate(ValueLayout.JAVA_INT);
            len.set(ValueLayout.JAVA_INT, 0, SOCKADDR_NL);
            Libc.check(Libc.tryGetsockname(fd, local, len), "getsockname(" + name + " netlink socket)", null);
            portId = local.get(ValueLayout.JAVA_INT, 4);
            rx = arena.allocate(256 * 1024, 8);
            reader = new NetlinkReader(rx);
            writer = new NetlinkWriter(arena.allocate(64 * 1024, 8));
        } catch (RuntimeException e) {
            Libc.close(fd);
            arena.close();
            throw e;
        }
    }

    private static int open(int protocol, String name, int receiveBuffer, int... groups) {
        String call = "socket(AF_NETLINK, SOCK_RAW, " + name + ")";
        int fd = Libc.socket(Libc.AF_NETLINK, Libc.SOCK_RAW | Libc.SOCK_CLOEXEC, protocol, call, null);
        try (Arena a = Arena.ofConfined()) {
            MemorySegment local = a.allocate(SOCKADDR_NL);
            local.set(ValueLayout.JAVA_SHORT, 0, (short) Libc.AF_NETLINK);
            Libc.bind(fd, local, SOCKADDR_NL, "bind(" + name + " netlink socket)", null);
            Libc.setsockoptInt(fd, SOL_NETLINK, NETLINK_EXT_ACK, 1, "setsockopt(NETLINK_EXT_ACK)");
            Libc.setsockoptInt(fd, SOL_NETLINK, NETLINK_CAP_ACK, 1, "setsockopt(NETLINK_CAP_ACK)");
            if (receiveBuffer > 0) {
                // FORCE goes past rmem_max when we have CAP_NET_ADMIN; fall back to the capped one.
                MemorySegment v = a.allocate(ValueLayout.JAVA_INT);
                v.set(ValueLayout.JAVA_INT, 0, receiveBuffer);
                if (Libc.trySetsockopt(fd, Libc.SOL_SOCKET, Libc.SO_RCVBUFFORCE, v, 4) < 0) {
                    Libc.check(Libc.trySetsockopt(fd, Libc.SOL_SOCKET, Libc.SO_RCVBUF, v, 4), "setsockopt(SO_RCVBUF)", null);
                }
            }
            for (int g : groups) {
                Libc.setsockoptInt(fd, SOL_NETLINK, NETLINK_ADD_MEMBERSHIP, g,
                        "setsockopt(NETLINK_ADD_MEMBERSHIP, group " + g + ")");
            }
            return fd;
        } catch (RuntimeException e) {
            Libc.close(fd);
            throw e;
        }
    }

    public int fd() {
        return fd;
    }

    /** Our port id: the {@code nlmsg_pid} the kernel puts on echoes of our own requests. */
    public int portId() {
        return portId;
    }

    /** The socket's own message writer (reset it before use). Not thread-safe: one thread per socket. */
    public NetlinkWriter writer() {
        return writer.reset();
    }

    public NetlinkReader reader() {
        return reader;
    }

    public int nextSeq() {
        return ++seq;
    }

    /** Sends what {@code w} holds to the kernel; throws on failure. */
    public void send(NetlinkWriter w, String what) {
        Libc.check(Libc.trySendto(fd, w.buffer(), w.length(), 0, kernel, SOCKADDR_NL), "sendto(" + name + ": " + what + ")", null);
    }

    /**
     * Receives one datagram into the receive buffer without blocking; returns its length (walk it with
     * {@link #reader()} after {@code reader().reset(n)}), or {@code -errno} ({@code -EAGAIN} when
     * nothing is queued, {@code -ENOBUFS} when the kernel had to drop notifications).
     */
    public int receiveNow() {
        return (int) Libc.tryRecvfrom(fd, rx, rx.byteSize(), Libc.MSG_DONTWAIT, MemorySegment.NULL, MemorySegment.NULL);
    }

    private int receiveBlocking(String what) {
        while (true) {
            long n = Libc.tryRecvfrom(fd, rx, rx.byteSize(), 0, MemorySegment.NULL, MemorySegment.NULL);
            if (n == -Errno.EINTR) continue;
            return (int) Libc.check(n, "recvfrom(" + name + ": " + what + ")", null);
        }
    }

    /**
     * Sends one request (which must carry NLM_F_ACK and sequence {@code seq}) and waits for its ack;
     * throws with the kernel's extended-ack text when it is refused.
     */
    public void request(NetlinkWriter w, int seq, String what, String advice) {
        send(w, what);
        awaitAcks(seq, 1, what, advice);
    }

    /** Waits for {@code count} acks with sequence numbers from {@code firstSeq}; fails on the first error. */
    public void awaitAcks(int firstSeq, int count, String what, String advice) {
        int acked = 0;
        while (acked < count) {
            int n = receiveBlocking(what);
            reader.reset(n);
            while (reader.next()) {
                if (reader.type() != NetlinkReader.NLMSG_ERROR) continue;
                int s = reader.seq();
                if (s - firstSeq < 0 || s - firstSeq >= count) continue;
                failIfError(what, advice);
                acked++;
            }
        }
    }

    /**
     * Sends a dump request and hands every answer message to {@code each} (the reader positioned on
     * it) until NLMSG_DONE.
     */
    public void dump(NetlinkWriter w, int seq, String what, Consumer<NetlinkReader> each) {
        send(w, what);
        while (true) {
            int n = receiveBlocking(what);
            reader.reset(n);
            while (reader.next()) {
                if (reader.seq() != seq) continue;
                switch (reader.type()) {
                    case NetlinkReader.NLMSG_DONE -> {
                        return;
                    }
                    case NetlinkReader.NLMSG_ERROR -> {
                        failIfError(what, null);
                        return;
                    }
                    default -> each.accept(reader);
                }
            }
        }
    }

    /** On an NLMSG_ERROR message with a non-zero error: throws with the extended-ack text, if any. */
    private void failIfError(String what, String advice) {
        int p = reader.payload();
        int error = reader.s32(p);
        if (error == 0) return;
        String text = extendedAck(reader);
        int errno = -error;
        throw new NativeCallException(name + " " + what, errno, text,
                advice != null ? advice : NativeCallException.adviceFor(errno));
    }

    /** The NLMSGERR_ATTR_MSG text of the error message under the reader, or null. */
    static String extendedAck(NetlinkReader r) {
        if ((r.flags() & NLM_F_ACK_TLVS) == 0) return null;
        int p = r.payload();
        int origLen = r.s32(p + 4);
        int skip = 4 + ((r.flags() & NLM_F_CAPPED) != 0 ? NetlinkWriter.NLMSG_HDRLEN : NetlinkWriter.align(origLen));
        r.attributes(skip);
        while (r.nextAttribute()) {
            if (r.attrType() == NLMSGERR_ATTR_MSG) return r.string(r.attrStart(), r.attrLength());
        }
        return null;
    }

    @Override
    public void close() {
        Libc.close(fd);
        arena.close();
    }
}

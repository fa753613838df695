package org.uarpd.linux;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * The classic BPF program (filter(2), {@code SO_ATTACH_FILTER}) on a link's IPv6 packet socket, and
 * the multicast membership it needs. The socket is bound to EtherType 0x86DD, so without a filter
 * every IPv6 frame of the link would wake the loop; the kernel keeps only neighbour solicitations and
 * advertisements (ICMPv6, next header 58, types 135 and 136: RFC 4861 §4.3, §4.4) that this host did
 * not send itself.
 *
 * <p>An NS or NA behind one 8-byte hop-by-hop or destination options header, or in a first fragment,
 * is let through too, on purpose: RFC 4861 gives such a message no meaning and RFC 6980 forbids
 * fragmenting it, so the engine drops it — counted, where a kernel filter would drop it unseen.
 * Other extension-header chains are not neighbour discovery and stay in the kernel.
 *
 * <p>{@link #allMulticast}: solicitations for addresses uarpd answers for but the host does not hold
 * go to solicited-node groups the host never joined (RFC 4291 §2.7.1), which a NIC's multicast filter
 * drops. {@code PACKET_MR_ALLMULTI} on the packet socket opens it; the membership belongs to the
 * socket, so the kernel gives it up when the socket closes — also when uarpd is killed — and no
 * daemonising or restart can leave the interface without it while the socket is open.
 */
final class NdFilter {
    static final int ETH_P_IPV6 = 0x86DD;

    private static final int SO_ATTACH_FILTER = 26;
    private static final int SOL_PACKET = 263;
    private static final int PACKET_ADD_MEMBERSHIP = 1;
    private static final int PACKET_MR_ALLMULTI = 2;

    // Classic BPF opcodes (linux/filter.h): loads of absolute offsets, conditional jumps, return.
    static final int LDW_ABS = 0x20;
    static final int LDH_ABS = 0x28;
    static final int LDB_ABS = 0x30;
    static final int JEQ_K = 0x15;
    static final int JSET_K = 0x45;
    static final int RET_K = 0x06;

    /** The packet type of the frame (sockaddr_ll.sll_pkttype), as filter(2)'s ancillary data: SKF_AD_OFF + SKF_AD_PKTTYPE. */
    static final int PKTTYPE = -0x1000 + 4;

    /** Offsets in an Ethernet frame: EtherType, IPv6 next header, and the first octets after the fixed header. */
    private static final int ETHERTYPE = 12;
    private static final int NEXT_HEADER = 20;
    private static final int AFTER_IPV6 = 54;
    private static final int ICMPV6 = 58;
    private static final int HOP_BY_HOP = 0;
    private static final int DESTINATION_OPTIONS = 60;
    private static final int FRAGMENT = 44;
    private static final int SOLICITATION = 135;
    private static final int ADVERTISEMENT = 136;
    /** The whole frame: a neighbour discovery message is small, and the engine validates its length. */
    private static final int ACCEPT_BYTES = 0xFFFF;

    private static final int ICMP = 9;
    private static final int EXTENSION = 12;
    private static final int FRAGMENT_AT = 16;
    private static final int TYPE_AFTER_EXTENSION = 20;
    private static final int ACCEPT = 23;
    private static final int DROP = 24;

    /** The program: {code, jt, jf, k} per instruction; jumps are relative to the next instruction. */
    static final int[][] PROGRAM = {
            // What this host sends (uarpd's answers, the kernel's own DAD) would only wake the loop to be skipped.
            /* 0 */ {LDW_ABS, 0, 0, PKTTYPE},
            /* 1 */ {JEQ_K, to(1, DROP), 0, PacketSocket.PACKET_OUTGOING},
            /* 2 */ {LDH_ABS, 0, 0, ETHERTYPE},
            /* 3 */ {JEQ_K, 0, to(3, DROP), ETH_P_IPV6},
            /* 4 */ {LDB_ABS, 0, 0, NEXT_HEADER},
            /* 5 */ {JEQ_K, to(5, ICMP), 0, ICMPV6},
            /* 6 */ {JEQ_K, to(6, EXTENSION), 0, HOP_BY_HOP},
            /* 7 */ {JEQ_K, to(7, EXTENSION), 0, DESTINATION_OPTIONS},
            /* 8 */ {JEQ_K, to(8, FRAGMENT_AT), to(8, DROP), FRAGMENT},
            // ICMPv6 right after the IPv6 header: its type.
            /* 9 */ {LDB_ABS, 0, 0, AFTER_IPV6},
            /* 10 */ {JEQ_K, to(10, ACCEPT), 0, SOLICITATION},
            /* 11 */ {JEQ_K, to(11, ACCEPT), to(11, DROP), ADVERTISEMENT},
            // Options header: 8 bytes long (length field 0) and followed by ICMPv6.
            /* 12 */ {LDB_ABS, 0, 0, AFTER_IPV6 + 1},
            /* 13 */ {JEQ_K, 0, to(13, DROP), 0},
            /* 14 */ {LDB_ABS, 0, 0, AFTER_IPV6},
            /* 15 */ {JEQ_K, to(15, TYPE_AFTER_EXTENSION), to(15, DROP), ICMPV6},
            // Fragment header: the first fragment (offset 0) of an ICMPv6 message.
            /* 16 */ {LDH_ABS, 0, 0, AFTER_IPV6 + 2},
            /* 17 */ {JSET_K, to(17, DROP), 0, 0xFFF8},
            /* 18 */ {LDB_ABS, 0, 0, AFTER_IPV6},
            /* 19 */ {JEQ_K, 0, to(19, DROP), ICMPV6},
            // ICMPv6 type after an 8-byte header.
            /* 20 */ {LDB_ABS, 0, 0, AFTER_IPV6 + 8},
            /* 21 */ {JEQ_K, to(21, ACCEPT), 0, SOLICITATION},
            /* 22 */ {JEQ_K, to(22, ACCEPT), to(22, DROP), ADVERTISEMENT},
            /* 23 */ {RET_K, 0, 0, ACCEPT_BYTES},
            /* 24 */ {RET_K, 0, 0, 0},
    };

    private NdFilter() {}

    private static int to(int from, int target) {
        return target - from - 1;
    }

    /** Attaches {@link #PROGRAM} to {@code fd}: before the socket is bound, so no unfiltered frame is ever queued on it. */
    static void attach(int fd, String linkName) {
        attach(fd, PROGRAM, "neighbour discovery on " + linkName);
    }

    /** Attaches classic BPF {@code program} ({code, jt, jf, k} per instruction) to {@code fd}; {@code what} names it in errors. */
    static void attach(int fd, int[][] program, String what) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment code = a.allocate(8L * program.length, 8);
            for (int i = 0; i < program.length; i++) {
                int[] in = program[i];
                code.set(ValueLayout.JAVA_SHORT, 8L * i, (short) in[0]);
                code.set(ValueLayout.JAVA_BYTE, 8L * i + 2, (byte) in[1]);
                code.set(ValueLayout.JAVA_BYTE, 8L * i + 3, (byte) in[2]);
                code.set(ValueLayout.JAVA_INT, 8L * i + 4, in[3]);
            }
            // struct sock_fprog: unsigned short len, then (aligned) the instructions' address.
            MemorySegment prog = a.allocate(16, 8);
            prog.set(ValueLayout.JAVA_SHORT, 0, (short) program.length);
            prog.set(ValueLayout.ADDRESS, 8, code);
            Libc.check(Libc.trySetsockopt(fd, Libc.SOL_SOCKET, SO_ATTACH_FILTER, prog, 16),
                    "setsockopt(SO_ATTACH_FILTER, " + what + ")", null);
        }
    }

    /** Puts {@code link} in all-multicast mode for as long as {@code fd} is open (packet(7), PACKET_MR_ALLMULTI). */
    static void allMulticast(int fd, int link, String linkName) {
        try (Arena a = Arena.ofConfined()) {
            // struct packet_mreq: int mr_ifindex, unsigned short mr_type, mr_alen, unsigned char mr_address[8].
            MemorySegment mreq = a.allocate(16, 4);
            mreq.set(ValueLayout.JAVA_INT, 0, link);
            mreq.set(ValueLayout.JAVA_SHORT, 4, (short) PACKET_MR_ALLMULTI);
            Libc.check(Libc.trySetsockopt(fd, SOL_PACKET, PACKET_ADD_MEMBERSHIP, mreq, 16),
                    "setsockopt(PACKET_ADD_MEMBERSHIP ALLMULTI, " + linkName + " ifindex " + link + ")", null);
        }
    }
}

package org.uarpd.linux;

/**
 * Splits a link's ARP frames over two packet sockets by what the kernel made of their Ethernet
 * destination (sll_pkttype, read by classic BPF as ancillary data): {@link #ADDRESSED_TO_US} keeps the
 * frames sent to this host's own MAC (PACKET_HOST: the replies to uarpd's requests, unicast probes),
 * {@link #THE_REST} everything else it receives (broadcast, multicast, another host's frames in
 * promiscuous mode). A flood of broadcast requests then fills only the second socket's receive queue:
 * the peer's reply to a resolution waits on its own socket, which the loop reads first. The second
 * socket is read from a ring ({@link PacketRing}) and its replies leave in batches ({@link BatchSender}).
 *
 * <p>The kernel sets PACKET_HOST by comparing the destination with the interface's current address,
 * so neither program holds a MAC: a hardware address change needs no new filter. Frames this host
 * sent (PACKET_OUTGOING, seen by every packet socket but the sender) reach neither.
 */
final class ArpFilter {
    /** sll_pkttype of a frame addressed to this host's MAC (linux/if_packet.h). */
    static final int PACKET_HOST = 0;
    /** The whole frame: the engine checks an ARP packet's length itself. */
    private static final int ACCEPT_BYTES = 0xFFFF;

    /** Only frames addressed to this host's own MAC. */
    static final int[][] ADDRESSED_TO_US = {
            /* 0 */ {NdFilter.LDW_ABS, 0, 0, NdFilter.PKTTYPE},
            /* 1 */ {NdFilter.JEQ_K, 0, 1, PACKET_HOST},
            /* 2 */ {NdFilter.RET_K, 0, 0, ACCEPT_BYTES},
            /* 3 */ {NdFilter.RET_K, 0, 0, 0},
    };

    /** Every received frame except those: no frame reaches both sockets, and none this host sent. */
    static final int[][] THE_REST = {
            /* 0 */ {NdFilter.LDW_ABS, 0, 0, NdFilter.PKTTYPE},
            /* 1 */ {NdFilter.JEQ_K, 2, 0, PACKET_HOST},
            /* 2 */ {NdFilter.JEQ_K, 1, 0, PacketSocket.PACKET_OUTGOING},
            /* 3 */ {NdFilter.RET_K, 0, 0, ACCEPT_BYTES},
            /* 4 */ {NdFilter.RET_K, 0, 0, 0},
    };

    private ArpFilter() {}
}

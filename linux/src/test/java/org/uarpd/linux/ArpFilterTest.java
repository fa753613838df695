package org.uarpd.linux;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * The two ARP sockets' programs ({@link ArpFilter}), run by {@link ClassicBpf} for every packet type a
 * packet socket can see (linux/if_packet.h): each received frame reaches exactly one socket, frames
 * addressed to this host's MAC only the one the loop reads first, and what this host sent neither.
 */
class ArpFilterTest {
    private static final int BROADCAST = 1;
    private static final int MULTICAST = 2;
    private static final int OTHERHOST = 3;

    /** A 42-byte ARP reply frame; the programs look only at the packet type, never at its bytes. */
    private static final byte[] FRAME = new byte[42];

    private static boolean toUs(int pkttype) {
        return ClassicBpf.run(ArpFilter.ADDRESSED_TO_US, FRAME, pkttype) != 0;
    }

    private static boolean toTheRest(int pkttype) {
        return ClassicBpf.run(ArpFilter.THE_REST, FRAME, pkttype) != 0;
    }

    @Test
    void framesAddressedToThisHostReachOnlyTheirOwnSocketWhole() {
        assertThat(ClassicBpf.run(ArpFilter.ADDRESSED_TO_US, FRAME, ArpFilter.PACKET_HOST)).isGreaterThanOrEqualTo(FRAME.length);
        assertThat(toTheRest(ArpFilter.PACKET_HOST)).isFalse();
    }

    @Test
    void broadcastMulticastAndOtherHostsFramesReachOnlyTheFloodableSocket() {
        for (int type : new int[] {BROADCAST, MULTICAST, OTHERHOST}) {
            assertThat(toUs(type)).as("packet type %d on the socket for frames addressed to us", type).isFalse();
            assertThat(ClassicBpf.run(ArpFilter.THE_REST, FRAME, type)).as("packet type %d", type).isGreaterThanOrEqualTo(FRAME.length);
        }
    }

    @Test
    void whatThisHostSentReachesNeither() {
        assertThat(toUs(PacketSocket.PACKET_OUTGOING)).isFalse();
        assertThat(toTheRest(PacketSocket.PACKET_OUTGOING)).isFalse();
    }

    @Test
    void bothProgramsAreWellFormed() {
        ClassicBpf.checkShape(ArpFilter.ADDRESSED_TO_US);
        ClassicBpf.checkShape(ArpFilter.THE_REST);
    }
}

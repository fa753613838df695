package org.uarpd.linux;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.foreign.Arena;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.uarpd.engine.LinkMode;

/**
 * The warm-up's sockets: frames written in at the far ends come out of the loop's own
 * {@link FrameReader} in the loop's order (unicast, ring, neighbour discovery), and what is sent
 * through the link — one at a time or held in a read batch — arrives at the far end. No root: they
 * are socketpairs.
 */
class RehearsalLinkTest {
    private static final int LINK = 7;

    private static byte[] frame(int type, int tag, int length) {
        byte[] f = new byte[length];
        f[12] = (byte) (type >>> 8);
        f[13] = (byte) type;
        f[length - 1] = (byte) tag;
        return f;
    }

    @Test
    void framesComeOutOfTheLoopsReaderAndSendsReachTheFarEnd() {
        LinkTable links = new LinkTable(List.of(new LinuxBackend.Interface("r0", LinkMode.AUTHORITATIVE)));
        LinkTable.Entry entry = links.entries().get(0);
        entry.index = LINK;
        List<String> read = new ArrayList<>();
        ActionExecutor.Target host = ActionExecutor.transmitter(links);
        byte[] answer = frame(PacketSocket.ETH_P_ARP, 9, 42);
        FrameReader reader = new FrameReader(EventLog.SILENT, (link, f, n) -> {
            read.add(link + ":" + n + ":" + f[n - 1]);
            // Answering inside the read batch: held, then sent with the batch (sendmmsg).
            if (f[n - 1] == 2) host.transmit(link, ByteBuffer.wrap(answer));
        });
        try (Arena arena = Arena.ofConfined(); RehearsalLink sockets = new RehearsalLink(entry, arena)) {
            sockets.broadcast(frame(PacketSocket.ETH_P_ARP, 2, 42));
            sockets.unicast(frame(PacketSocket.ETH_P_ARP, 1, 60));
            sockets.neighbourDiscovery(frame(NdFilter.ETH_P_IPV6, 3, 86));
            sockets.read(reader);
            assertThat(read).containsExactly(LINK + ":60:1", LINK + ":42:2", LINK + ":86:3");
            assertThat(sockets.drainSent()).as("the answer held in the batch").isEqualTo(1);

            // Outside a batch: sent at once, on the ND socket for an IPv6 frame.
            assertThat(host.transmit(LINK, ByteBuffer.wrap(frame(NdFilter.ETH_P_IPV6, 4, 86)))).isTrue();
            assertThat(host.transmit(LINK, ByteBuffer.wrap(answer))).isTrue();
            assertThat(sockets.drainSent()).isEqualTo(3);
            read.clear();
            sockets.read(reader);
            assertThat(read).as("nothing left to read").isEmpty();
        }
        assertThat(entry.sockets()).as("closed with the link").isEmpty();
    }

    @Test
    void aRingOverOurOwnMemoryHandsOverWhatWasOfferedInOrderAndRefusesWhenFull() {
        try (Arena arena = Arena.ofConfined()) {
            PacketRing ring = new PacketRing(arena.allocate(2L * PacketRing.SLOT, 8));
            byte[] into = new byte[PacketRing.SLOT];
            assertThat(ring.receive(into)).isEqualTo(-Errno.EAGAIN);
            byte[] first = frame(PacketSocket.ETH_P_ARP, 1, 42);
            byte[] second = frame(PacketSocket.ETH_P_ARP, 2, 60);
            assertThat(ring.offer(first, first.length)).isTrue();
            assertThat(ring.offer(second, second.length)).isTrue();
            assertThat(ring.offer(first, first.length)).as("both slots are the reader's").isFalse();
            assertThat(ring.receive(into)).isEqualTo(42);
            assertThat(Arrays.copyOf(into, 42)).isEqualTo(first);
            assertThat(ring.offer(first, first.length)).as("the slot read is free again").isTrue();
            assertThat(ring.receive(into)).isEqualTo(60);
            assertThat(Arrays.copyOf(into, 60)).isEqualTo(second);
            assertThat(ring.receive(into)).isEqualTo(42);
            assertThat(ring.receive(into)).isEqualTo(-Errno.EAGAIN);
            ring.close(); // leaves the memory to its arena
        }
    }

    @Test
    void aRingNeedsAWholeSlot() {
        try (Arena arena = Arena.ofConfined()) {
            assertThatThrownBy(() -> new PacketRing(arena.allocate(PacketRing.SLOT - 1, 8))).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("at least one slot");
        }
    }
}

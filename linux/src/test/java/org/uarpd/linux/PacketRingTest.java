package org.uarpd.linux;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The flooded ARP socket's receive ring ({@link PacketRing}) and batched sends ({@link BatchSender})
 * against the real kernel, in two throwaway namespaces joined by veth: A (veth-a) and B (veth-b).
 * Needs root; fails saying so otherwise.
 */
@Tag("netns")
class PacketRingTest {
    static NamespaceLab lab;
    static NamespaceThread inA;
    static NamespaceThread inB;
    static int linkA;
    static int linkB;

    @BeforeAll
    static void build() {
        lab = new NamespaceLab();
        String a = lab.namespace("a");
        String b = lab.namespace("b");
        lab.veth(a, "veth-a", "192.0.2.1/24", b, "veth-b", "192.0.2.2/24");
        inA = new NamespaceThread(a);
        inB = new NamespaceThread(b);
        linkA = inA.call(() -> Libc.ifNameToIndex("veth-a"));
        linkB = inB.call(() -> Libc.ifNameToIndex("veth-b"));
    }

    @AfterAll
    static void tearDown() {
        if (inA != null) inA.close();
        if (inB != null) inB.close();
        if (lab != null) {
            lab.close();
            assertThat(lab.leftovers()).isEmpty();
        }
    }

    /** A broadcast ARP request frame (42 bytes) whose sender protocol address ends in {@code tag} (two bytes). */
    private static byte[] request(int tag) {
        byte[] f = new byte[42];
        for (int i = 0; i < 6; i++) f[i] = (byte) 0xff;
        f[6] = 0x02;
        f[11] = 0x01;
        f[12] = 0x08;
        f[13] = 0x06;
        f[15] = 0x01; // hardware type Ethernet
        f[16] = 0x08; // protocol IPv4
        f[18] = 6;
        f[19] = 4;
        f[21] = 1; // request
        f[28] = (byte) 198;
        f[29] = 51;
        f[30] = (byte) (tag >> 8);
        f[31] = (byte) tag;
        return f;
    }

    private static List<Integer> receiveAll(PacketSocket rx, int expected) {
        List<Integer> tags = new ArrayList<>();
        byte[] into = new byte[2048];
        Await.until(expected + " frames from the ring", 5, () -> {
            int n;
            while ((n = rx.receive(into)) != -Errno.EAGAIN) {
                assertThat(n).as("a frame's length or 0, never an error").isGreaterThanOrEqualTo(0);
                if (n == 0) continue;
                assertThat(n).isEqualTo(42);
                assertThat(into[13]).isEqualTo((byte) 0x06);
                tags.add((into[30] & 0xFF) << 8 | into[31] & 0xFF);
            }
            return tags.size() >= expected;
        });
        return tags;
    }

    @Test
    void theFloodedSocketReadsEveryFrameInOrderFromItsRingMoreThanOnceAround() {
        // More frames than the ring has slots, read as they come: the ring wraps and hands every slot back.
        int frames = PacketRing.BLOCK / PacketRing.SLOT * PacketRing.BLOCKS + 1_000;
        try (PacketSocket rx = inB.call(() -> PacketSocket.arp(linkB, "veth-b", false));
             PacketSocket tx = inA.call(() -> new PacketSocket(linkA, "veth-a", PacketSocket.ETH_P_ARP))) {
            List<Integer> tags = new ArrayList<>();
            for (int i = 0; i < frames; i += 500) {
                int batch = Math.min(500, frames - i);
                for (int j = 0; j < batch; j++) {
                    byte[] f = request((i + j) & 0xFFFF);
                    tx.send(f, 0, f.length);
                }
                tags.addAll(receiveAll(rx, batch));
            }
            assertThat(tags).hasSize(frames);
            for (int i = 0; i < frames; i++) assertThat(tags.get(i)).as("frame %d", i).isEqualTo(i & 0xFFFF);
            assertThat(rx.receive(new byte[64])).isEqualTo(-Errno.EAGAIN);
        }
    }

    @Test
    void aQuietRingSaysEagainAndAFrameLaterIsSeenAtOnce() {
        try (PacketSocket rx = inB.call(() -> PacketSocket.arp(linkB, "veth-b", false));
             PacketSocket tx = inA.call(() -> new PacketSocket(linkA, "veth-a", PacketSocket.ETH_P_ARP))) {
            assertThat(rx.receive(new byte[64])).isEqualTo(-Errno.EAGAIN);
            byte[] f = request(7);
            tx.send(f, 0, f.length);
            assertThat(receiveAll(rx, 1)).containsExactly(7);
        }
    }

    @Test
    void heldSendsLeaveTogetherAtTheFlushAndNoneIsLost() {
        int frames = BatchSender.CAPACITY * 2 + 5; // two full batches sent while holding, and the rest at the flush
        try (PacketSocket rx = inB.call(() -> PacketSocket.arp(linkB, "veth-b", false));
             PacketSocket tx = inA.call(() -> PacketSocket.arp(linkA, "veth-a", false))) {
            long lost = inA.call(() -> {
                tx.holdSends();
                for (int i = 0; i < frames; i++) tx.send(ByteBuffer.wrap(request(i)));
                return tx.flushSends();
            });
            assertThat(lost).isZero();
            assertThat(receiveAll(rx, frames)).hasSize(frames).isSortedAccordingTo(Integer::compare);
        }
    }

    @Test
    void withoutHoldingASendLeavesAtOnce() {
        try (PacketSocket rx = inB.call(() -> PacketSocket.arp(linkB, "veth-b", false));
             PacketSocket tx = inA.call(() -> PacketSocket.arp(linkA, "veth-a", false))) {
            inA.call(() -> {
                tx.send(ByteBuffer.wrap(request(9)));
                return null;
            });
            assertThat(receiveAll(rx, 1)).containsExactly(9);
            assertThat(tx.flushSends()).isZero();
        }
    }
}

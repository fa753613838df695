package org.uarpd.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.uarpd.engine.Harness.*;

import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Label;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import org.uarpd.wire.ArpPacket;
import org.uarpd.wire.HardwareAddress;
import org.uarpd.wire.Ip4;
import org.uarpd.wire.Opcode;
import org.uarpd.wire.ProtocolAddress;

/**
 * A flood of requests from random senders, inside and outside the link's subnet, for our address, a
 * published one and strangers, with a resolution the kernel asks for in the middle of it: nothing is
 * believed about senders off the subnet, learnt entries stay under the cap, the host's own
 * resolution completes, and every request for our address and the published one is answered.
 */
class FloodProperties {
    static final int PEER = ip("192.0.2.2");
    static final HardwareAddress PEER_HW = mac("02:00:00:00:00:02");
    static final int PUBLISHED = ip("192.0.2.200");
    static final int STRANGER = ip("192.0.2.250");
    static final int SUBNET_MASK = Ip4.mask(24);

    /** One flood frame: a sender inside the subnet or not, its hardware address, what it asks for, and a gap. */
    record Flood(boolean inside, int sender, long mac, int target, int gapMicros) {}

    @Provide
    Arbitrary<List<Flood>> flood() {
        // Inside: 192.0.2.10..199, never ours, the peer's or the published one. Outside: any other non-zero address.
        Arbitrary<Integer> outside = Arbitraries.integers().filter(a -> a != 0 && ((a ^ OUR_IP) & SUBNET_MASK) != 0);
        Arbitrary<Integer> inside = Arbitraries.integers().between(10, 199).map(i -> (OUR_IP & SUBNET_MASK) | i);
        Arbitrary<Boolean> in = Arbitraries.of(true, false);
        return Combinators.combine(in, inside, outside, Arbitraries.longs().between(1, 0xFFFF_FFFF_FFFFL),
                        Arbitraries.integers().between(0, 2), Arbitraries.integers().between(0, 2000))
                .as((i, si, so, m, t, g) -> new Flood(i, i ? si : so, m & ~0x0100_0000_0000L, t, g))
                .list().ofMinSize(50).ofMaxSize(600);
    }

    static int target(Flood f) {
        return switch (f.target()) {
            case 0 -> OUR_IP;
            case 1 -> PUBLISHED;
            default -> STRANGER;
        };
    }

    static boolean repliedTo(List<Action> a, int requester, int about) {
        for (ArpPacket p : transmitted(a)) {
            if (p.opcode() == Opcode.REPLY && p.targetProtocol().equals(ProtocolAddress.ip4(requester))
                    && p.senderProtocol().equals(ProtocolAddress.ip4(about))) return true;
        }
        return false;
    }

    @Property(tries = 300)
    @Label("under a request flood: no off-subnet binding, learnt entries under the cap, the host's resolution completes, our answers flow")
    void floodIsBounded(@ForAll("flood") List<Flood> flood,
                        @ForAll @IntRange(min = 0, max = 40) int missAt,
                        @ForAll @IntRange(min = 1, max = 40) int replyAfter,
                        @ForAll @IntRange(min = 1, max = 64) int cap,
                        @ForAll @IntRange(min = 16, max = 128) int maxEntries,
                        @ForAll @IntRange(min = 1, max = 400) int learnPerSecond) {
        Harness h = new Harness(EngineConfig.defaults().withBounds(maxEntries, 16, 64)
                .withLearning(new LearningLimits(new RateLimit(8, learnPerSecond), cap)));
        h.command(new OperatorCommand.Publish(LINK, PublishedEntry.address(PUBLISHED)));
        int replyAt = missAt + replyAfter;
        boolean resolved = false;
        for (int i = 0; i < flood.size(); i++) {
            Flood f = flood.get(i);
            if (i == missAt) {
                List<Action> asked = h.miss(PEER);
                assertThat(transmitted(asked)).as("the host's own request goes out during the flood")
                        .anyMatch(p -> p.opcode() == Opcode.REQUEST && p.targetProtocol().equals(ProtocolAddress.ip4(PEER)));
            }
            if (i == replyAt) {
                List<Action> got = h.frame(reply(PEER_HW, PEER));
                assertThat(only(got, Action.InstallNeighbor.class)).as("the peer's reply among flood frames is installed")
                        .contains(new Action.InstallNeighbor(LINK, PEER, PEER_HW, NeighborState.REACHABLE));
                resolved = true;
            }
            h.advance(f.gapMicros() * 1000L);
            int asked = target(f);
            List<Action> a = h.frame(request(HardwareAddress.ofLong48(f.mac()), f.sender(), asked));
            if (asked != STRANGER) {
                assertThat(repliedTo(a, f.sender(), asked)).as("request %d for %s from %s answered", i, Ip4.format(asked),
                        Ip4.format(f.sender())).isTrue();
            }
            for (Engine.Neighbor n : h.engine.neighbors()) {
                assertThat(((n.address() ^ OUR_IP) & SUBNET_MASK)).as("binding for %s", Ip4.format(n.address())).isZero();
            }
            for (Action x : h.actions) {
                if (x instanceof Action.InstallNeighbor in) assertThat(((in.address() ^ OUR_IP) & SUBNET_MASK)).isZero();
            }
            h.actions.clear();
            assertThat(h.engine.learntEntries(LINK)).isLessThanOrEqualTo(cap);
            assertThat(h.engine.size()).isLessThanOrEqualTo(maxEntries);
            if (resolved) {
                assertThat(h.state(PEER)).as("the host's resolution stays during the flood").isEqualTo(NeighborState.REACHABLE);
            } else if (i >= missAt) {
                assertThat(h.state(PEER)).as("the host's resolution is not pushed out by the flood").isEqualTo(NeighborState.INCOMPLETE);
            }
        }
        assertThat(h.engine.bounds()).allSatisfy(b -> assertThat(b.size()).isBetween(0L, b.bound()));
    }
}

package org.uarpd.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.uarpd.engine.Harness.*;

import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.uarpd.engine.EngineEvent.Kind;
import org.uarpd.engine.EngineEvent.Reason;
import org.uarpd.wire.ArpPacket;
import org.uarpd.wire.HardwareAddress;
import org.uarpd.wire.Opcode;
import org.uarpd.wire.ProtocolAddress;

/** The shared directory's copy in the engine: unicast checks for kernel misses, answers on behalf, its bound. */
class DirectoryBindingsTest {
    static final int PEER = ip("192.0.2.20");
    static final HardwareAddress PEER_HW = mac("02:00:00:00:00:20");
    static final HardwareAddress MOVED_HW = mac("02:00:00:00:00:21");
    static final int ASKER = ip("192.0.2.30");
    static final HardwareAddress ASKER_HW = mac("02:00:00:00:00:30");

    static Harness withBinding() {
        Harness h = new Harness();
        h.command(new OperatorCommand.DirectoryKnown(PEER, PEER_HW));
        return h;
    }

    @Test
    @DisplayName("a miss for a directory binding is checked by unicast to the directory's address; its reply installs it, nothing is broadcast")
    void missCheckedByUnicast() {
        Harness h = withBinding();
        List<Sent> out = sent(h.miss(PEER));
        assertThat(out).singleElement().satisfies(s -> {
            assertThat(s.frame().destination()).isEqualTo(PEER_HW);
            assertThat(s.packet().opcode()).isEqualTo(Opcode.REQUEST);
            assertThat(s.packet().targetProtocol()).isEqualTo(ProtocolAddress.ip4(PEER));
        });
        assertThat(h.engine.count(Reason.DIRECTORY_CHECK)).isEqualTo(1);
        assertThat(h.state(PEER)).isEqualTo(NeighborState.INCOMPLETE);
        List<Action> answered = h.frame(reply(PEER_HW, PEER));
        assertThat(only(answered, Action.InstallNeighbor.class))
                .containsExactly(new Action.InstallNeighbor(LINK, PEER, PEER_HW, NeighborState.REACHABLE));
        assertThat(transmitted(h.advance(30 * S))).isEmpty();
        assertThat(h.actions.stream().filter(a -> a instanceof Action.Transmit t && decode(t).frame().destination().equals(BROADCAST)))
                .isEmpty();
    }

    @Test
    @DisplayName("no reply to the check within the retransmit interval: the resolution goes on by broadcast and finds the host where it is now")
    void staleBindingFallsBackToBroadcast() {
        Harness h = withBinding();
        assertThat(sent(h.miss(PEER))).singleElement().satisfies(s -> assertThat(s.frame().destination()).isEqualTo(PEER_HW));
        assertThat(transmitted(h.advance(S - MS))).isEmpty();
        List<Sent> next = sent(h.advance(MS));
        assertThat(next).singleElement().satisfies(s -> assertThat(s.frame().destination()).isEqualTo(BROADCAST));
        List<Action> got = h.frame(reply(MOVED_HW, PEER));
        assertThat(only(got, Action.InstallNeighbor.class))
                .containsExactly(new Action.InstallNeighbor(LINK, PEER, MOVED_HW, NeighborState.REACHABLE));
    }

    @Test
    @DisplayName("a silent, stale binding never makes a miss fail sooner: every broadcast after the check still goes out")
    void checkNeverBlackholes() {
        Harness h = withBinding();
        h.miss(PEER);
        List<Sent> later = sent(h.advance(10 * S));
        assertThat(later).hasSize(NeighborTimers.defaults().broadcastProbes() - 1)
                .allSatisfy(s -> assertThat(s.frame().destination()).isEqualTo(BROADCAST));
        assertThat(only(h.actions, Action.RemoveNeighbor.class)).singleElement()
                .satisfies(r -> assertThat(r.failed()).isTrue());
    }

    @Test
    @DisplayName("with a single broadcast in the budget there is no room for a check: the miss is broadcast")
    void noCheckWithoutBroadcastLeft() {
        Harness h = new Harness(EngineConfig.defaults().withTimers(NeighborTimers.defaults().withProbes(3, 1, 0)));
        h.command(new OperatorCommand.DirectoryKnown(PEER, PEER_HW));
        assertThat(sent(h.miss(PEER))).singleElement().satisfies(s -> assertThat(s.frame().destination()).isEqualTo(BROADCAST));
        assertThat(h.engine.count(Reason.DIRECTORY_CHECK)).isZero();
    }

    @Test
    @DisplayName("a binding gone from the directory, or one off the link's subnets, is not used: the miss is broadcast")
    void goneOrOffSubnet() {
        Harness h = withBinding();
        h.command(new OperatorCommand.DirectoryGone(PEER));
        assertThat(sent(h.miss(PEER))).singleElement().satisfies(s -> assertThat(s.frame().destination()).isEqualTo(BROADCAST));
        int far = ip("198.51.100.9");
        h.command(new OperatorCommand.DirectoryKnown(far, PEER_HW));
        h.miss(far);
        assertThat(h.engine.count(Reason.DIRECTORY_CHECK)).isZero();
    }

    @Test
    @DisplayName("only the miss's own first request is replaced: an operator probe of a directory address is broadcast")
    void onlyKernelMisses() {
        Harness h = withBinding();
        assertThat(sent(h.command(new OperatorCommand.Probe(LINK, PEER))))
                .singleElement().satisfies(s -> assertThat(s.frame().destination()).isEqualTo(BROADCAST));
    }

    @Test
    @DisplayName("with answers on, a broadcast request for another host's directory binding is answered with the directory's address")
    void answersOnBehalf() {
        Harness h = withBinding();
        assertThat(sent(h.frame(request(ASKER_HW, ASKER, PEER)))).as("answers are off until turned on").isEmpty();
        h.command(new OperatorCommand.DirectoryAnswers(true));
        List<Sent> out = sent(h.frame(request(ASKER_HW, ASKER, PEER)));
        assertThat(out).singleElement().satisfies(s -> {
            assertThat(s.frame().destination()).isEqualTo(ASKER_HW);
            ArpPacket p = s.packet();
            assertThat(p.opcode()).isEqualTo(Opcode.REPLY);
            assertThat(p.senderHardware()).isEqualTo(PEER_HW);
            assertThat(p.senderProtocol()).isEqualTo(ProtocolAddress.ip4(PEER));
            assertThat(p.targetHardware()).isEqualTo(ASKER_HW);
            assertThat(p.targetProtocol()).isEqualTo(ProtocolAddress.ip4(ASKER));
        });
        assertThat(h.engine.count(Reason.DIRECTORY)).isEqualTo(1);
        h.command(new OperatorCommand.DirectoryAnswers(false));
        assertThat(sent(h.frame(request(ASKER_HW, ASKER, PEER)))).as("answers turned off again").isEmpty();
    }

    @Test
    @DisplayName("with answers kept off, the copy still checks misses by unicast, and a broadcast request for a binding is left to its holder")
    void answersKeptOffLeaveRequestsToTheHolder() {
        Harness h = withBinding();
        h.command(new OperatorCommand.DirectoryAnswers(false));
        for (int i = 0; i < 3; i++) assertThat(sent(h.frame(request(ASKER_HW, ASKER, PEER)))).as("request " + i).isEmpty();
        assertThat(h.engine.count(Reason.NOT_FOR_US)).isEqualTo(3);
        assertThat(h.engine.count(Reason.DIRECTORY)).isZero();
        assertThat(sent(h.miss(PEER))).as("the hint for a kernel miss does not depend on answers")
                .singleElement().satisfies(s -> assertThat(s.frame().destination()).isEqualTo(PEER_HW));
        assertThat(h.engine.count(Reason.DIRECTORY_CHECK)).isEqualTo(1);
    }

    @Test
    @DisplayName("answers on behalf skip probes, unicast requests, the binding's own host asking, and gone bindings")
    void answersOnlyWhatIsSafe() {
        Harness h = withBinding();
        h.command(new OperatorCommand.DirectoryAnswers(true));
        assertThat(sent(h.frame(request(ASKER_HW, 0, PEER)))).as("RFC 5227 probe").isEmpty();
        assertThat(sent(h.frame(unicastRequest(ASKER_HW, ASKER, PEER, PEER_HW)))).as("unicast request").isEmpty();
        assertThat(sent(h.frame(request(PEER_HW, ip("192.0.2.21"), PEER)))).as("asked by the station the binding names").isEmpty();
        h.command(new OperatorCommand.DirectoryGone(PEER));
        assertThat(sent(h.frame(request(ASKER_HW, ASKER, PEER)))).as("gone").isEmpty();
        assertThat(h.engine.count(Reason.DIRECTORY)).isZero();
    }

    @Test
    @DisplayName("our own and published addresses are answered as ours, whatever the directory says")
    void oursFirst() {
        Harness h = new Harness();
        int vip = ip("192.0.2.99");
        h.command(new OperatorCommand.DirectoryKnown(OUR_IP, PEER_HW));
        h.command(new OperatorCommand.DirectoryKnown(vip, PEER_HW));
        h.command(new OperatorCommand.Publish(LINK, PublishedEntry.address(vip)));
        h.command(new OperatorCommand.DirectoryAnswers(true));
        assertThat(sent(h.frame(request(ASKER_HW, ASKER, OUR_IP)))).singleElement()
                .satisfies(s -> assertThat(s.packet().senderHardware()).isEqualTo(OUR_HW));
        assertThat(sent(h.frame(request(ASKER_HW, ASKER, vip)))).singleElement()
                .satisfies(s -> assertThat(s.packet().senderHardware()).isEqualTo(OUR_HW));
        assertThat(h.engine.count(Reason.DIRECTORY)).isZero();
        assertThat(sent(h.miss(OUR_IP))).as("a miss for our own address is not checked at another station").allSatisfy(
                s -> assertThat(s.frame().destination()).isNotEqualTo(PEER_HW));
    }

    @Test
    @DisplayName("the copy is bounded by maxEntries: a binding beyond it is refused and reported; replacing one is not refused")
    void bounded() {
        Harness h = new Harness(EngineConfig.defaults().withBounds(2, 1, 2));
        h.command(new OperatorCommand.DirectoryKnown(ip("192.0.2.40"), PEER_HW));
        h.command(new OperatorCommand.DirectoryKnown(ip("192.0.2.41"), PEER_HW));
        List<EngineEvent> refused = events(h.command(new OperatorCommand.DirectoryKnown(ip("192.0.2.42"), PEER_HW)));
        assertThat(refused).singleElement().satisfies(e -> {
            assertThat(e.kind()).isEqualTo(Kind.IGNORED);
            assertThat(e.reason()).isEqualTo(Reason.TABLE_FULL);
        });
        assertThat(events(h.command(new OperatorCommand.DirectoryKnown(ip("192.0.2.41"), MOVED_HW)))).isEmpty();
        assertThat(h.engine.bounds()).contains(new Bound("directory.bindings", 0, 2, 2));
    }
}

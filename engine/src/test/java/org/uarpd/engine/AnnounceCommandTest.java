package org.uarpd.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.uarpd.engine.Harness.*;

import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.uarpd.engine.EngineEvent.Reason;
import org.uarpd.wire.ArpPacket;
import org.uarpd.wire.Opcode;
import org.uarpd.wire.ProtocolAddress;

/** OperatorCommand.Announce: gratuitous announcements on demand (failover), on the manual clock. */
class AnnounceCommandTest {
    static final int VIP = ip("192.0.2.200");

    @Test
    @DisplayName("announce sends count RFC 5227 announcements, the first at once, then one per interval")
    void countAndInterval() {
        Harness h = new Harness();
        List<Sent> first = sent(h.command(new OperatorCommand.Announce(LINK, VIP, 3, 2 * S)));
        assertThat(first).hasSize(1);
        Sent s = first.getFirst();
        assertThat(s.frame().destination()).isEqualTo(BROADCAST);
        ArpPacket p = s.packet();
        assertThat(p.opcode()).isEqualTo(Opcode.REQUEST);
        assertThat(p.senderHardware()).isEqualTo(OUR_HW);
        assertThat(p.senderProtocol()).isEqualTo(ProtocolAddress.ip4(VIP));
        assertThat(p.targetProtocol()).isEqualTo(ProtocolAddress.ip4(VIP));
        assertThat(transmitted(h.advance(2 * S - MS))).isEmpty();
        assertThat(transmitted(h.advance(MS))).hasSize(1);
        assertThat(transmitted(h.advance(2 * S))).hasSize(1);
        assertThat(transmitted(h.advance(60 * S))).isEmpty();
        assertThat(h.engine.count(Reason.ANNOUNCED)).isEqualTo(3);
        assertThat(h.engine.nextDeadline()).isEqualTo(Long.MAX_VALUE);
    }

    @Test
    @DisplayName("announcements due while the link is down are skipped and reported; an unknown link is dropped")
    void linkDownAndUnknown() {
        Harness h = new Harness();
        h.command(new OperatorCommand.Announce(LINK, VIP, 2, S));
        h.input(new Input.LinkChanged(LINK, "eth0", org.uarpd.wire.link.Ethernet.INSTANCE, OUR_HW, false));
        assertThat(transmitted(h.advance(S))).isEmpty();
        assertThat(h.engine.count(Reason.LINK_IS_DOWN)).isEqualTo(1);
        h.command(new OperatorCommand.Announce(99, VIP, 1, 0));
        assertThat(h.engine.count(Reason.UNKNOWN_LINK)).isEqualTo(1);
    }

    @Test
    @DisplayName("the reply form follows each request: a broadcast reply, sender and target both the address and the announced hardware address")
    void replyFormWithOwnHardware() {
        Harness h = new Harness();
        org.uarpd.wire.HardwareAddress entryHw = mac("02:00:00:00:00:77");
        List<Sent> out = sent(h.command(new OperatorCommand.Announce(LINK, VIP, 2, S, entryHw, true)));
        assertThat(out).hasSize(2);
        assertThat(out).allSatisfy(s -> {
            assertThat(s.frame().destination()).isEqualTo(BROADCAST);
            assertThat(s.packet().senderHardware()).isEqualTo(entryHw);
            assertThat(s.packet().senderProtocol()).isEqualTo(ProtocolAddress.ip4(VIP));
            assertThat(s.packet().targetProtocol()).isEqualTo(ProtocolAddress.ip4(VIP));
        });
        assertThat(out.get(0).packet().opcode()).isEqualTo(Opcode.REQUEST);
        assertThat(out.get(1).packet().opcode()).isEqualTo(Opcode.REPLY);
        assertThat(out.get(1).packet().targetHardware()).isEqualTo(entryHw);
        assertThat(sent(h.advance(S))).extracting(s -> s.packet().opcode()).containsExactly(Opcode.REQUEST, Opcode.REPLY);
    }

    @Test
    @DisplayName("a hardware address of another length than the link's is not announced")
    void wrongLengthHardware() {
        Harness h = new Harness();
        org.uarpd.wire.HardwareAddress eui64 = mac("02:00:00:00:00:00:00:77");
        assertThat(sent(h.command(new OperatorCommand.Announce(LINK, VIP, 1, 0, eui64, true)))).isEmpty();
        assertThat(h.engine.count(Reason.WRONG_HARDWARE)).isEqualTo(1);
    }

    @Test
    @DisplayName("a count below one or a negative interval is refused as operator error")
    void badArguments() {
        assertThatThrownBy(() -> new OperatorCommand.Announce(LINK, VIP, 0, S)).hasMessageContaining("count");
        assertThatThrownBy(() -> new OperatorCommand.Announce(LINK, VIP, 1, -1)).hasMessageContaining("interval");
    }
}

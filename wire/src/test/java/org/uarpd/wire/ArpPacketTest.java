package org.uarpd.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/** Known byte vectors, the factories the engine builds its packets with, and describe() lines. */
class ArpPacketTest {
    static final HexFormat HEX = HexFormat.of();
    static final HardwareAddress A = HardwareAddress.parse("02:00:5e:00:00:01");
    static final HardwareAddress B = HardwareAddress.parse("02:00:5e:00:00:02");
    static final int IP1 = Ip4.parse("192.0.2.1");
    static final int IP2 = Ip4.parse("192.0.2.2");

    @Test
    void ethernetRequestHasTheTextbookLayout() throws Exception {
        ArpPacket p = ArpPacket.request(HardwareType.ETHERNET, A, IP1, IP2);
        assertThat(HEX.formatHex(ArpCodec.encode(p)))
                .isEqualTo("0001" + "0800" + "06" + "04" + "0001" + "02005e000001" + "c0000201" + "000000000000" + "c0000202");
        assertThat(p.describe()).isEqualTo("who-has 192.0.2.2 tell 192.0.2.1");
        assertThat(p.isIp4()).isTrue();
        assertThat(p.size()).isEqualTo(28);
    }

    @Test
    void decodesAPaddedFrameOfftheWire() throws Exception {
        byte[] payload = HEX.parseHex("0001080006040002" + "02005e000002c0000202" + "02005e000001c0000201" + "00".repeat(18));
        ArpPacket p = ArpCodec.decode(payload, 0, payload.length);
        assertThat(p).isEqualTo(ArpPacket.reply(HardwareType.ETHERNET, B, IP2, A, IP1));
        assertThat(p.describe()).isEqualTo("192.0.2.2 is-at 02:00:5e:00:00:02");
    }

    @Test
    void replyToSwapsSenderAndTarget() {
        ArpPacket request = ArpPacket.request(HardwareType.ETHERNET, A, IP1, IP2);
        ArpPacket reply = request.replyTo(B);
        assertThat(reply).isEqualTo(ArpPacket.reply(HardwareType.ETHERNET, B, IP2, A, IP1));
    }

    @Test
    void probesAndAnnouncementsFollowRfc5227() {
        ArpPacket probe = ArpPacket.probe(HardwareType.ETHERNET, A, IP1);
        assertThat(probe.senderProtocol()).isEqualTo(ProtocolAddress.ip4(0));
        assertThat(probe.targetProtocol()).isEqualTo(ProtocolAddress.ip4(IP1));
        assertThat(probe.targetHardware().isZero()).isTrue();
        assertThat(probe.describe()).isEqualTo("who-has 192.0.2.1 tell 0.0.0.0");
        ArpPacket announce = ArpPacket.announcement(HardwareType.ETHERNET, A, IP1);
        assertThat(announce.senderProtocol()).isEqualTo(announce.targetProtocol());
        assertThat(announce.opcode()).isEqualTo(Opcode.REQUEST);
    }

    @Test
    void rarpRequestAndReply() throws Exception {
        ArpPacket ask = ArpPacket.rarpRequest(HardwareType.ETHERNET, A, A);
        assertThat(ask.opcode().value()).isEqualTo(3);
        assertThat(ask.describe()).isEqualTo("rarp who-is 02:00:5e:00:00:01 tell 02:00:5e:00:00:01");
        ArpPacket answer = ask.rarpReplyTo(B, ProtocolAddress.ip4(IP2), ProtocolAddress.ip4(IP1));
        assertThat(answer.opcode().value()).isEqualTo(4);
        assertThat(answer.targetHardware()).isEqualTo(A);
        assertThat(answer.describe()).isEqualTo("rarp reply 02:00:5e:00:00:01 at 192.0.2.1");
        assertThat(ArpCodec.decode(ArpCodec.encode(answer))).isEqualTo(answer);
    }

    @Test
    void inarpOverFrameRelayWithTwoByteDlciAddresses() throws Exception {
        HardwareAddress dlci16 = HardwareAddress.of((byte) 0x04, (byte) 0x01);
        HardwareAddress dlci17 = HardwareAddress.of((byte) 0x04, (byte) 0x11);
        ArpPacket ask = ArpPacket.inarpRequest(HardwareType.FRAME_RELAY, dlci16, IP1, dlci17);
        assertThat(HEX.formatHex(ArpCodec.encode(ask))).isEqualTo("000f080002040008" + "0401c0000201" + "041100000000");
        assertThat(ask.describe()).isEqualTo("inarp who-is 04:11 tell 04:01 (192.0.2.1)");
        ArpPacket answer = ask.inarpReplyTo(ProtocolAddress.ip4(IP2));
        assertThat(answer).isEqualTo(new ArpPacket(HardwareType.FRAME_RELAY, EtherType.IPV4, Opcode.INARP_REPLY,
                dlci17, ProtocolAddress.ip4(IP2), dlci16, ProtocolAddress.ip4(IP1)));
        assertThat(answer.describe()).isEqualTo("inarp reply 04:11 at 192.0.2.2");
    }

    @Test
    void nakIsTheRequestWithOpcodeTen() {
        ArpPacket nak = ArpPacket.request(HardwareType.ETHERNET, A, IP1, IP2).nak();
        assertThat(nak.opcode()).isEqualTo(Opcode.NAK);
        assertThat(nak.describe()).isEqualTo("nak for 192.0.2.2 asked by 192.0.2.1");
    }

    @Test
    void arcnetAndIpoibLengthsDriveTheOffsets() throws Exception {
        HardwareAddress arc = HardwareAddress.of((byte) 0x2a);
        ArpPacket arcnet = ArpPacket.request(HardwareType.ARCNET, arc, IP1, IP2);
        assertThat(HEX.formatHex(ArpCodec.encode(arcnet))).isEqualTo("0007080001040001" + "2a" + "c0000201" + "00" + "c0000202");
        HardwareAddress ib = HardwareAddress.parse("00:00:00:48:fe:80:00:00:00:00:00:00:00:02:c9:03:00:0a:0b:0c");
        ArpPacket ipoib = ArpPacket.reply(HardwareType.INFINIBAND, ib, IP1, ib, IP2);
        byte[] wire = ArpCodec.encode(ipoib);
        assertThat(wire).hasSize(8 + 2 * 20 + 2 * 4);
        assertThat(wire[4]).isEqualTo((byte) 20);
        assertThat(ArpCodec.decode(wire)).isEqualTo(ipoib);
        assertThat(ipoib.describe()).isEqualTo("192.0.2.1 is-at " + ib);
    }

    @Test
    void unknownValuesArePrinted() throws Exception {
        byte[] wire = HEX.parseHex("abcd0800060400ff" + "02005e000001c0000201" + "02005e000002c0000202");
        ArpPacket p = ArpCodec.decode(wire);
        assertThat(p.hardwareType().toString()).isEqualTo("hw#43981");
        assertThat(p.describe()).isEqualTo("op#255 02:00:5e:00:00:01 192.0.2.1 -> 02:00:5e:00:00:02 192.0.2.2");
    }

    @Test
    void requestWithKnownTargetHardwareShowsIt() {
        ArpPacket unicastProbe = ArpPacket.request(HardwareType.ETHERNET, A, IP1, IP2)
                .replyTo(A).withOpcode(Opcode.REQUEST); // target hardware now known
        assertThat(unicastProbe.describe()).isEqualTo("who-has 192.0.2.1 (02:00:5e:00:00:01) tell 192.0.2.2");
    }

    @Test
    void valuesThatCannotGoOnTheWireAreRefused() {
        assertThatThrownBy(() -> ArpPacket.request(HardwareType.ATM, A, IP1, IP2))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("AtmArpPacket");
        assertThatThrownBy(() -> ArpPacket.request(new HardwareType(19, null), A, IP1, IP2))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("AtmArpPacket");
        assertThatThrownBy(() -> new ArpPacket(HardwareType.ETHERNET, 0x800, Opcode.REQUEST, HardwareAddress.EMPTY,
                ProtocolAddress.ip4(IP1), HardwareAddress.EMPTY, ProtocolAddress.ip4(IP2)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("length 0");
        assertThatThrownBy(() -> new ArpPacket(HardwareType.ETHERNET, 0x800, Opcode.REQUEST, A,
                ProtocolAddress.ip4(IP1), HardwareAddress.of((byte) 1), ProtocolAddress.ip4(IP2)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("differ in length");
        assertThatThrownBy(() -> new ArpPacket(HardwareType.ETHERNET, 0x10000, Opcode.REQUEST, A,
                ProtocolAddress.ip4(IP1), B, ProtocolAddress.ip4(IP2)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("16-bit");
    }

    @Test
    void familyCodecDispatchesOnHardwareType() throws Exception {
        byte[] arp = ArpCodec.encode(ArpPacket.request(HardwareType.ETHERNET, A, IP1, IP2));
        assertThat(ArpFamilyCodec.decode(arp)).isInstanceOf(ArpPacket.class);
        byte[] atm = AtmArpCodec.encode(AtmArpPacket.request(AtmAddress.e164("15085551234"), AtmAddress.ABSENT, IP1, IP2));
        assertThat(ArpFamilyCodec.decode(atm)).isInstanceOf(AtmArpPacket.class);
        assertThat(ArpFamilyCodec.isAtmArp(atm, 0, atm.length)).isTrue();
        assertThat(ArpFamilyCodec.isAtmArp(arp, 0, arp.length)).isFalse();
        assertThat(ArpFamilyCodec.isAtmArp(atm, 0, 1)).isFalse();
    }
}

package org.uarpd.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/** Hand-assembled RFC 2225 §8.7 packets: field order, type-and-length octets, null addresses. */
class AtmArpPacketTest {
    static final HexFormat HEX = HexFormat.of();
    static final int IP1 = Ip4.parse("192.0.2.1");
    static final int IP2 = Ip4.parse("192.0.2.2");
    /** A 20-byte ATM Forum NSAP address (ICD format, AFI 0x47). */
    static final String NSAP_HEX = "47000580ffe1000000f21514500020481a2b3c00";
    static final AtmAddress NSAP = AtmAddress.nsap(HEX.parseHex(NSAP_HEX));
    static final AtmAddress E164 = AtmAddress.e164("15085551234");

    @Test
    void requestFromAnE164NumberWithNsapSubaddress() throws Exception {
        AtmArpPacket p = AtmArpPacket.request(E164, NSAP, IP1, IP2);
        String expected = "0013" + "0800"
                + "4b" // ar$shtl: E.164, 11 octets
                + "14" // ar$sstl: NSAP, 20 octets
                + "0001" // ar$op: request
                + "04" // ar$spln
                + "00" // ar$thtl: target ATM number unknown
                + "00" // ar$tstl
                + "04" // ar$tpln
                + HEX.formatHex("15085551234".getBytes(java.nio.charset.StandardCharsets.US_ASCII))
                + NSAP_HEX + "c0000201" + "c0000202";
        assertThat(HEX.formatHex(AtmArpCodec.encode(p))).isEqualTo(expected);
        assertThat(AtmArpCodec.decode(HEX.parseHex(expected))).isEqualTo(p);
        assertThat(p.describe()).isEqualTo("atmarp who-has 192.0.2.2 tell 192.0.2.1 (+15085551234," + NSAP + ")");
    }

    @Test
    void replyAndNakFromTheServer() throws Exception {
        AtmArpPacket request = AtmArpPacket.request(NSAP, AtmAddress.ABSENT, IP1, IP2);
        AtmAddress answer = AtmAddress.nsap(HEX.parseHex("47000580ffe1000000f21514500020481a2b3c99"));
        AtmArpPacket reply = request.replyTo(answer, AtmAddress.ABSENT);
        assertThat(reply.senderAtmNumber()).isEqualTo(answer);
        assertThat(reply.senderProtocol()).isEqualTo(ProtocolAddress.ip4(IP2));
        assertThat(reply.targetAtmNumber()).isEqualTo(NSAP);
        assertThat(reply.targetProtocol()).isEqualTo(ProtocolAddress.ip4(IP1));
        assertThat(reply.describe()).isEqualTo("atmarp 192.0.2.2 is-at " + answer);
        byte[] wire = AtmArpCodec.encode(reply);
        assertThat(wire[9]).as("ar$thtl").isEqualTo((byte) 0x14);
        assertThat(AtmArpCodec.decode(wire)).isEqualTo(reply);

        AtmArpPacket nak = request.nak();
        assertThat(AtmArpCodec.encode(nak)[7]).isEqualTo((byte) 10);
        assertThat(nak.describe()).isEqualTo("atmarp nak for 192.0.2.2 asked by 192.0.2.1");
    }

    @Test
    void inatmarpRequestCarriesANullTargetProtocolAddress() throws Exception {
        AtmArpPacket ask = AtmArpPacket.inatmarpRequest(NSAP, AtmAddress.ABSENT, IP1, E164, AtmAddress.ABSENT);
        byte[] wire = AtmArpCodec.encode(ask);
        assertThat(wire[11]).as("ar$tpln").isEqualTo((byte) 0);
        assertThat(wire).hasSize(12 + 20 + 4 + 11);
        assertThat(ask.describe()).isEqualTo("inatmarp who-is +15085551234 tell " + NSAP + " (192.0.2.1)");
        AtmArpPacket answer = AtmArpCodec.decode(wire).inatmarpReplyTo(ProtocolAddress.ip4(IP2));
        assertThat(answer.senderAtmNumber()).isEqualTo(E164);
        assertThat(answer.targetProtocol()).isEqualTo(ProtocolAddress.ip4(IP1));
        assertThat(answer.describe()).isEqualTo("inatmarp reply +15085551234 at 192.0.2.2");
    }

    @Test
    void absentAddressesPrintAsNone() {
        AtmArpPacket odd = new AtmArpPacket(EtherType.IPV4, Opcode.valueOf(77), AtmAddress.ABSENT, AtmAddress.ABSENT,
                ProtocolAddress.EMPTY, NSAP, AtmAddress.ABSENT, ProtocolAddress.ip4(IP2));
        assertThat(odd.describe()).isEqualTo("atmarp op#77 <none> <none> -> " + NSAP + " 192.0.2.2");
    }

    @Test
    void nonDigitE164FallsBackToHex() {
        AtmAddress weird = new AtmAddress(AtmAddress.Format.E164, HardwareAddress.of((byte) 0x31, (byte) 0xff));
        assertThat(weird.toString()).isEqualTo("31:ff");
        assertThat(weird.typeAndLength()).isEqualTo(0x42);
    }

    @Test
    void valuesThatCannotGoOnTheWireAreRefused() {
        assertThatThrownBy(() -> AtmAddress.nsap(new byte[21])).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> AtmArpPacket.request(AtmAddress.ABSENT, NSAP, IP1, IP2))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("without an ATM number");
        assertThatThrownBy(() -> AtmArpPacket.request(NSAP, E164, IP1, IP2))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("NSAP format");
        assertThatThrownBy(() -> AtmAddress.e164("+1508")).isInstanceOf(IllegalArgumentException.class);
    }
}

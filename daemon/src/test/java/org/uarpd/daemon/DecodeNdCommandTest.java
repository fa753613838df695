package org.uarpd.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.uarpd.wire.EtherType;
import org.uarpd.wire.HardwareAddress;
import org.uarpd.wire.Ip6Address;
import org.uarpd.wire.link.Ethernet;
import org.uarpd.wire.link.LinuxCooked;
import org.uarpd.wire.nd.NdCodec;
import org.uarpd.wire.nd.NdOption;
import org.uarpd.wire.nd.NdPacket;
import org.uarpd.wire.pcap.PcapNgWriter;
import org.uarpd.wire.pcap.TimestampResolution;

/** {@code uarpd decode} on IPv6 neighbour discovery: NS and NA lines and JSON, other IPv6, broken and invalid ND. */
class DecodeNdCommandTest {
    static final HardwareAddress A = HardwareAddress.parse("02:00:5e:10:00:01");
    static final HardwareAddress B = HardwareAddress.parse("02:00:5e:10:00:02");
    static final Ip6Address IP_A = Ip6Address.parse("2001:db8::a");
    static final Ip6Address IP_B = Ip6Address.parse("2001:db8::b");
    static final long T0 = 1_700_000_000_000_000_000L;

    @TempDir
    static Path dir;
    static Path capture;

    @BeforeAll
    static void writeCapture() throws Exception {
        capture = dir.resolve("nd.pcapng");
        Ethernet e = Ethernet.INSTANCE;
        NdPacket ns = NdPacket.solicitation(IP_A, A, IP_B);
        NdPacket na = ns.advertisementFor(B, true, true);
        NdPacket dad = NdPacket.dadProbe(IP_B, HexFormat.of().parseHex("0102030405a6"));
        byte[] badChecksum = NdCodec.encode(ns);
        badChecksum[43] ^= 1;
        byte[] tcp = NdCodec.encode(ns);
        tcp[6] = 6; // next header TCP: IPv6, but not ND
        NdPacket offLink = new NdPacket(0, 0, 64, IP_A, IP_B.solicitedNode(), ns.type(), 0, 0, IP_B, ns.options());
        try (PcapNgWriter w = PcapNgWriter.create(capture)) {
            int eth = w.addInterface(1, "eth0", TimestampResolution.NANOS);
            int sll = w.addInterface(113, "any", TimestampResolution.MICROS);
            w.write(eth, T0, e.encode(IP_B.solicitedNode().multicastMac(), A, EtherType.IPV6, NdCodec.encode(ns)), null);
            w.write(eth, T0 + 1_000_000, e.encode(A, B, EtherType.IPV6, NdCodec.encode(na)), null);
            w.write(sll, T0 + 2_000_000, LinuxCooked.INSTANCE.encode(dad.destination().multicastMac(), B, EtherType.IPV6,
                    NdCodec.encode(dad)), null);
            w.write(eth, T0 + 3_000_000, e.encode(B, A, EtherType.IPV6, tcp), null);
            w.write(eth, T0 + 4_000_000, e.encode(B, A, EtherType.IPV6, badChecksum), null);
            w.write(eth, T0 + 5_000_000, e.encode(B, A, EtherType.IPV6, NdCodec.encode(offLink)), null);
            w.write(eth, T0 + 6_000_000, e.encode(B, A, EtherType.IPV6, NdCodec.encode(NdPacket.advertisement(IP_B, IP_A, false,
                    true, false, IP_B, List.of(NdOption.targetLinkLayer(HardwareAddress.parse(
                    "01:02:03:04:05:06:07:08:09:0a:0b:0c:0d:0e:0f:10:11:12:13:14")))))), null);
        }
    }

    @Test
    void textHasOneReadableLinePerFrame() {
        DecodeCommandTest.Run r = DecodeCommandTest.run("decode", capture.toString());
        assertThat(r.exit()).isZero();
        String[] lines = r.out().split("\n");
        assertThat(lines).hasSize(7);
        assertThat(lines[0]).isEqualTo("   1 2023-11-14T22:13:20Z ethernet 02:00:5e:10:00:01 > 33:33:ff:00:00:0b"
                + " ND ns who-has 2001:db8::b tell 2001:db8::a, sll 02:00:5e:10:00:01");
        assertThat(lines[1]).endsWith("ethernet 02:00:5e:10:00:02 > 02:00:5e:10:00:01 ND na 2001:db8::b [RSO], tll 02:00:5e:10:00:02");
        assertThat(lines[2]).endsWith("linux-cooked 02:00:5e:10:00:02 > ? ND ns dad 2001:db8::b, nonce 0102030405a6");
        assertThat(lines[3]).endsWith("not ARP: protocol 0x86dd, 86 bytes");
        assertThat(lines[4]).contains("ethernet malformed: ICMPv6 checksum").endsWith("at offset 56");
        assertThat(lines[5]).endsWith("ND ns who-has 2001:db8::b tell 2001:db8::a, sll 02:00:5e:10:00:01, hop limit 64"
                + " [invalid: IP hop limit is not 255: the packet may come from off-link (RFC 4861 §7.1)]");
        // On Ethernet a link-layer address is 6 bytes (RFC 2464 §6): the rest of a longer option is shown in JSON only.
        assertThat(lines[6]).endsWith("ND na 2001:db8::b [S], tll 01:02:03:04:05:06");
        assertThat(r.err()).contains("7 frames: 0 ARP-family, 5 ND, 1 other, 1 malformed, 0 of unsupported link types");
    }

    @Test
    void jsonCarriesTheNdFields() throws Exception {
        DecodeCommandTest.Run r = DecodeCommandTest.run("decode", "-j", capture.toString());
        assertThat(r.exit()).isZero();
        List<JsonNode> frames = r.json();
        assertThat(frames).extracting(n -> n.path("kind").asText()).containsExactly("nd", "nd", "nd", "other", "malformed", "nd", "nd");
        JsonNode ns = frames.get(0);
        assertThat(ns.path("linktype").asInt()).isEqualTo(1);
        assertThat(ns.path("src_ip").asText()).isEqualTo("2001:db8::a");
        assertThat(ns.path("dst_ip").asText()).isEqualTo("ff02::1:ff00:b");
        assertThat(ns.path("type").asInt()).isEqualTo(135);
        assertThat(ns.path("typename").asText()).isEqualTo("neighbor-solicitation");
        assertThat(ns.path("target").asText()).isEqualTo("2001:db8::b");
        assertThat(ns.path("hop_limit").asInt()).isEqualTo(255);
        assertThat(ns.path("sll").asText()).isEqualTo("02:00:5e:10:00:01");
        assertThat(ns.path("tll").isNull()).isTrue();
        assertThat(ns.path("nonce").isNull()).isTrue();
        assertThat(ns.path("checksum_ok").asBoolean()).isTrue();
        assertThat(ns.path("checksum").asText()).matches("0x[0-9a-f]{4}");
        assertThat(ns.path("violations")).isEmpty();
        JsonNode na = frames.get(1);
        assertThat(na.path("flags").path("R").asBoolean()).isTrue();
        assertThat(na.path("flags").path("S").asBoolean()).isTrue();
        assertThat(na.path("flags").path("O").asBoolean()).isTrue();
        assertThat(na.path("tll").asText()).isEqualTo("02:00:5e:10:00:02");
        JsonNode dad = frames.get(2);
        assertThat(dad.path("linktype").asInt()).isEqualTo(113);
        assertThat(dad.path("src_ip").asText()).isEqualTo("::");
        assertThat(dad.path("nonce").asText()).isEqualTo("0102030405a6");
        assertThat(dad.path("flags").path("S").asBoolean()).isFalse();
        assertThat(frames.get(3).path("protocol").asText()).isEqualTo("0x86dd");
        assertThat(frames.get(4).path("error").asText()).startsWith("ICMPv6 checksum");
        assertThat(frames.get(4).path("offset").asInt()).isEqualTo(14 + 42);
        assertThat(frames.get(5).path("violations").get(0).asText()).isEqualTo("hop_limit_not_255");
        assertThat(frames.get(6).path("tll").asText()).isEqualTo("01:02:03:04:05:06");
        assertThat(frames.get(6).path("options").get(0).path("body").asText()).isEqualTo("0102030405060708090a0b0c0d0e0f1011121314" + "0000");
    }
}

package org.uarpd.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.uarpd.wire.ArpCodec;
import org.uarpd.wire.ArpPacket;
import org.uarpd.wire.AtmAddress;
import org.uarpd.wire.AtmArpCodec;
import org.uarpd.wire.AtmArpPacket;
import org.uarpd.wire.EtherType;
import org.uarpd.wire.HardwareAddress;
import org.uarpd.wire.HardwareType;
import org.uarpd.wire.Ip4;
import org.uarpd.wire.Opcode;
import org.uarpd.wire.ProtocolAddress;
import org.uarpd.wire.link.Arcnet;
import org.uarpd.wire.link.AtmLlcSnap;
import org.uarpd.wire.link.Ethernet;
import org.uarpd.wire.link.Fddi;
import org.uarpd.wire.link.Ipoib;
import org.uarpd.wire.link.LinuxCooked;
import org.uarpd.wire.link.TokenRing;
import org.uarpd.wire.pcap.PcapNgWriter;
import org.uarpd.wire.pcap.PcapWriter;
import org.uarpd.wire.pcap.TimestampResolution;

class DecodeCommandTest {
    static final HardwareAddress A = HardwareAddress.parse("02:00:5e:10:00:01");
    static final HardwareAddress B = HardwareAddress.parse("02:00:5e:10:00:02");
    static final HardwareAddress BCAST = HardwareAddress.parse("ff:ff:ff:ff:ff:ff");
    static final HardwareAddress ZERO6 = HardwareAddress.of(new byte[6]);
    static final long T0 = 1_700_000_000_000_000_000L;

    @TempDir
    static Path dir;
    static Path mixed;

    record Run(int exit, String out, String err) {
        List<JsonNode> json() throws Exception {
            List<JsonNode> nodes = new ArrayList<>();
            for (String line : out.split("\n")) if (!line.isBlank()) nodes.add(new ObjectMapper().readTree(line));
            return nodes;
        }
    }

    static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = Main.execute(new PrintWriter(out), new PrintWriter(err), args);
        return new Run(exit, out.toString(), err.toString());
    }

    static ArpPacket arp(HardwareType hw, Opcode op, HardwareAddress sha, String spa, HardwareAddress tha, String tpa) {
        return new ArpPacket(hw, EtherType.IPV4, op, sha, ProtocolAddress.ip4(spa), tha, ProtocolAddress.ip4(tpa));
    }

    @BeforeAll
    static void writeMixedCapture() throws Exception {
        mixed = dir.resolve("mixed.pcapng");
        try (PcapNgWriter w = PcapNgWriter.create(mixed)) {
            int eth = w.addInterface(1, "eth0", TimestampResolution.NANOS);
            int tr = w.addInterface(6, "tr0", TimestampResolution.MICROS);
            int atm = w.addInterface(11, "atm0", TimestampResolution.MICROS);
            int ib = w.addInterface(113, "ib0", TimestampResolution.MICROS);
            int wlan = w.addInterface(105, "wlan0", TimestampResolution.MICROS);
            int arc = w.addInterface(129, "arc0", TimestampResolution.MICROS);
            int fddi = w.addInterface(10, "fddi0", TimestampResolution.MICROS);
            Ethernet e = Ethernet.INSTANCE;
            // 1 request, 2 reply, 3 gratuitous, 4 RARP request
            w.write(eth, T0, e.encode(BCAST, A, EtherType.ARP, ArpCodec.encode(arp(HardwareType.ETHERNET, Opcode.REQUEST, A, "192.0.2.1", ZERO6, "192.0.2.2"))));
            w.write(eth, T0 + 1, e.encode(A, B, EtherType.ARP, ArpCodec.encode(arp(HardwareType.ETHERNET, Opcode.REPLY, B, "192.0.2.2", A, "192.0.2.1"))));
            w.write(eth, T0 + 2, e.encode(BCAST, B, EtherType.ARP, ArpCodec.encode(arp(HardwareType.ETHERNET, Opcode.REQUEST, B, "192.0.2.2", ZERO6, "192.0.2.2"))));
            w.write(eth, T0 + 3, e.encode(BCAST, A, EtherType.RARP, ArpCodec.encode(arp(HardwareType.ETHERNET, Opcode.RARP_REQUEST, A, "0.0.0.0", A, "0.0.0.0"))));
            // 5 an IPv4 frame, 6 an ARP packet with ar_hln 0
            w.write(eth, T0 + 4, e.encode(B, A, EtherType.IPV4, HexFormat.of().parseHex("4500001c000000004001f7c1c0000201c0000202")));
            w.write(eth, T0 + 5, e.encode(BCAST, A, EtherType.ARP, HexFormat.of().parseHex("000108000004000100")));
            // 7 source-routed Token Ring reply
            var rif = new TokenRing.RoutingInformation(0, true, 3, 0, List.of(new TokenRing.RouteDesignator(0x12, 1)));
            w.write(tr, T0 + 6_000, TokenRing.INSTANCE.encode(A, B, EtherType.ARP,
                    ArpCodec.encode(arp(HardwareType.IEEE802, Opcode.REPLY, B, "192.0.2.2", A, "192.0.2.1")), new TokenRing.Header(0x10, 0x40, rif)));
            // 8 ATMARP request
            AtmAddress nsap = AtmAddress.nsap(HardwareAddress.parse("47:00:05:80:ff:e1:00:00:00:f2:1a:2b:3c:02:00:5e:10:00:01:00"));
            w.write(atm, T0 + 7_000, AtmLlcSnap.INSTANCE.encode(HardwareAddress.EMPTY, HardwareAddress.EMPTY, EtherType.ARP,
                    AtmArpCodec.encode(AtmArpPacket.request(nsap, AtmAddress.ABSENT, Ip4.parse("192.0.2.1"), Ip4.parse("192.0.2.254")))));
            // 9 IPoIB request
            HardwareAddress ibA = HardwareAddress.parse("00:00:00:49:fe:80:00:00:00:00:00:00:00:02:c9:03:00:00:00:01");
            w.write(ib, T0 + 8_000, Ipoib.INSTANCE.encode(Ipoib.BROADCAST, ibA, EtherType.ARP, ArpCodec.encode(
                    arp(HardwareType.INFINIBAND, Opcode.REQUEST, ibA, "192.0.2.1", HardwareAddress.of(new byte[20]), "192.0.2.2"))));
            // 10 an 802.11 frame: no framing for it
            w.write(wlan, T0 + 9_000, new byte[24]);
            // 11 ARCnet (Linux) InARP request, 12 FDDI NAK
            w.write(arc, T0 + 10_000, Arcnet.LINUX.encode(HardwareAddress.of((byte) 2), HardwareAddress.of((byte) 1), EtherType.ARP,
                    ArpCodec.encode(arp(HardwareType.ARCNET, Opcode.INARP_REQUEST, HardwareAddress.of((byte) 1), "192.0.2.1",
                            HardwareAddress.of((byte) 2), "0.0.0.0"))));
            w.write(fddi, T0 + 11_000, Fddi.INSTANCE.encode(A, B, EtherType.ARP,
                    ArpCodec.encode(arp(HardwareType.ETHERNET, Opcode.NAK, A, "192.0.2.1", ZERO6, "192.0.2.77"))));
            // 13 a spanning tree BPDU (802.3, LLC SAP 0x42), 14 "tcpdump -i any" of an Ethernet ARP reply
            w.write(eth, T0 + 12_000, HexFormat.of().parseHex("0180c2000000" + "02005e100001" + "0026" + "424203" + "00".repeat(35)));
            w.write(ib, T0 + 13_000, LinuxCooked.INSTANCE.encode(A, B, EtherType.ARP,
                    ArpCodec.encode(arp(HardwareType.ETHERNET, Opcode.REPLY, B, "192.0.2.2", A, "192.0.2.1"))));
        }
    }

    @Test
    void jsonHasOneObjectPerFrameWithWireNumbersAndTextAddresses() throws Exception {
        Run r = run("decode", mixed.toString(), "-j");
        assertThat(r.exit()).as(r.err()).isZero();
        List<JsonNode> frames = r.json();
        assertThat(frames).hasSize(14);
        assertThat(frames).extracting(n -> n.path("kind").asText()).containsExactly(
                "arp", "arp", "arp", "arp", "other", "malformed", "arp", "arp", "arp", "unsupported-linktype", "arp", "arp", "other", "arp");
        assertThat(frames).extracting(n -> n.path("linktype").asInt()).containsExactly(1, 1, 1, 1, 1, 1, 6, 11, 113, 105, 129, 10, 1, 113);

        // The field types, on every ARP-family frame: numbers as on the wire, addresses as text.
        for (JsonNode f : frames) {
            assertThat(f.path("linktype").isInt()).as("linktype of %s is a number", f).isTrue();
            if (!f.path("kind").asText().equals("arp")) continue;
            for (String number : List.of("op", "htype")) assertThat(f.path(number).isInt()).as("%s of %s is a number", number, f).isTrue();
            for (String text : List.of("ptype", "sha", "spa", "tha", "tpa")) {
                assertThat(f.path(text).isTextual()).as("%s of %s is text", text, f).isTrue();
            }
        }

        JsonNode request = frames.get(0);
        assertThat(request.path("frame").asInt()).isEqualTo(1);
        assertThat(request.path("time").asText()).isEqualTo("2023-11-14T22:13:20Z");
        assertThat(request.path("op").isInt()).isTrue();
        assertThat(request.path("op").asInt()).isEqualTo(1);
        assertThat(request.path("htype").asInt()).isEqualTo(1);
        assertThat(request.path("ptype").asText()).isEqualTo("0x0800");
        assertThat(request.path("sha").asText()).isEqualTo("02:00:5e:10:00:01");
        assertThat(request.path("spa").asText()).isEqualTo("192.0.2.1");
        assertThat(request.path("tha").asText()).isEqualTo("00:00:00:00:00:00");
        assertThat(request.path("tpa").asText()).isEqualTo("192.0.2.2");
        assertThat(request.path("dst").asText()).isEqualTo("ff:ff:ff:ff:ff:ff");

        assertThat(frames.get(2).path("summary").asText()).endsWith("(gratuitous)");
        assertThat(frames.get(3).path("op").asInt()).isEqualTo(3);
        assertThat(frames.get(3).path("family").asText()).isEqualTo("RARP");
        assertThat(frames.get(4).path("protocol").asText()).isEqualTo("0x0800");
        assertThat(frames.get(5).path("error").asText()).contains("ar_hln 0");
        assertThat(frames.get(5).path("offset").asInt()).isEqualTo(14 + 4);

        JsonNode routed = frames.get(6);
        assertThat(routed.path("htype").asInt()).isEqualTo(6);
        assertThat(routed.path("src").asText()).isEqualTo("02:00:5e:10:00:02"); // routing bit is not address

        JsonNode atm = frames.get(7);
        assertThat(atm.path("htype").asInt()).isEqualTo(19);
        assertThat(atm.path("family").asText()).isEqualTo("ATMARP");
        assertThat(atm.path("sha").asText()).startsWith("47:00:05");
        assertThat(atm.path("tha").asText()).isEmpty(); // unknown target ATM number: absent
        assertThat(atm.path("tpa").asText()).isEqualTo("192.0.2.254");
        assertThat(atm.path("src").asText()).isEmpty(); // a virtual circuit: no link addresses

        JsonNode ib = frames.get(8);
        assertThat(ib.path("htype").asInt()).isEqualTo(32);
        assertThat(ib.path("sha").asText()).hasSize(20 * 3 - 1);
        assertThat(ib.path("src").asText()).isEmpty();

        assertThat(frames.get(10).path("op").asInt()).isEqualTo(8);
        assertThat(frames.get(10).path("sha").asText()).isEqualTo("01");
        assertThat(frames.get(11).path("op").asInt()).isEqualTo(10);
        assertThat(frames.get(11).path("htype").asInt()).isEqualTo(1); // FDDI: hardware type 1 (RFC 1390)

        assertThat(frames.get(12).path("protocol").asText()).isEqualTo("802.2 LLC dsap 0x42 ssap 0x42");
        JsonNode cooked = frames.get(13);
        assertThat(cooked.path("link").asText()).isEqualTo("linux-cooked");
        assertThat(cooked.path("src").asText()).isEqualTo("02:00:5e:10:00:02");
        assertThat(cooked.path("op").asInt()).isEqualTo(2);
        assertThat(r.err()).contains("14 frames: 10 ARP-family, 0 ND, 2 other, 1 malformed, 1 of unsupported link types");
    }

    @Test
    void textHasOneReadableLinePerFrame() {
        Run r = run("decode", mixed.toString());
        assertThat(r.exit()).isZero();
        String[] lines = r.out().split("\n");
        assertThat(lines).hasSize(14);
        assertThat(lines[0]).startsWith("   1 2023-11-14T22:13:20Z ethernet 02:00:5e:10:00:01 > ff:ff:ff:ff:ff:ff ARP request: who-has 192.0.2.2 tell 192.0.2.1");
        assertThat(lines[1]).contains("ARP reply: 192.0.2.2 is-at 02:00:5e:10:00:02");
        assertThat(lines[2]).contains("(gratuitous)");
        assertThat(lines[3]).contains("RARP rarp-request");
        assertThat(lines[4]).contains("not ARP: protocol 0x0800");
        assertThat(lines[5]).contains("ethernet malformed: ar_hln 0");
        assertThat(lines[6]).contains("token-ring 02:00:5e:10:00:02 > 02:00:5e:10:00:01 ARP reply");
        assertThat(lines[7]).contains("atm ATMARP request: atmarp who-has 192.0.2.254");
        assertThat(lines[8]).contains("ipoib", "hw infiniband/20");
        assertThat(lines[9]).contains("linktype 105 not supported");
        assertThat(lines[10]).contains("arcnet-linux 01 > 02 ARP inarp-request");
        assertThat(lines[11]).contains("fddi", "ARP nak");
        assertThat(lines[12]).contains("not ARP: protocol 802.2 LLC dsap 0x42 ssap 0x42");
        assertThat(lines[13]).contains("linux-cooked 02:00:5e:10:00:02 > ? ARP reply");
        assertThat(r.err()).contains("14 frames");
    }

    @Test
    void readsClassicPcapToo() throws Exception {
        Path pcap = dir.resolve("one.pcap");
        try (PcapWriter w = PcapWriter.create(pcap, Ethernet.INSTANCE, TimestampResolution.MICROS)) {
            w.write(T0, Ethernet.INSTANCE.encode(BCAST, A, EtherType.ARP,
                    ArpCodec.encode(arp(HardwareType.ETHERNET, Opcode.REQUEST, A, "0.0.0.0", ZERO6, "192.0.2.9"))));
        }
        Run r = run("decode", "--json", pcap.toString());
        assertThat(r.exit()).isZero();
        assertThat(r.json()).singleElement().satisfies(n -> {
            assertThat(n.path("spa").asText()).isEqualTo("0.0.0.0");
            assertThat(n.path("summary").asText()).endsWith("(probe)");
        });
    }

    @Test
    void exitCodes() throws Exception {
        assertThat(run("decode", dir.resolve("missing.pcap").toString())).satisfies(r -> {
            assertThat(r.exit()).isEqualTo(1);
            assertThat(r.err()).contains("no such file");
        });
        Path text = dir.resolve("notes.txt");
        Files.writeString(text, "not a capture at all");
        assertThat(run("decode", text.toString())).satisfies(r -> {
            assertThat(r.exit()).isEqualTo(1);
            assertThat(r.err()).contains("not a pcap or pcapng file");
        });
        assertThat(run().exit()).isEqualTo(2);
        assertThat(run("decode").exit()).isEqualTo(2);
        assertThat(run("decode", "--bogus", mixed.toString()).exit()).isEqualTo(2);
        assertThat(run("frobnicate").exit()).isEqualTo(2);
        assertThat(run("--help").exit()).isZero();
    }

    @Test
    void aCaptureCutShortPrintsWhatItHadThenFails() throws Exception {
        byte[] whole = Files.readAllBytes(mixed);
        Path cut = dir.resolve("cut.pcapng");
        Files.write(cut, java.util.Arrays.copyOf(whole, whole.length - 10));
        Run r = run("decode", cut.toString());
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.out().split("\n")).hasSize(13);
        assertThat(r.err()).contains("is not a well-formed capture", "truncated", "13 frames");
    }
}

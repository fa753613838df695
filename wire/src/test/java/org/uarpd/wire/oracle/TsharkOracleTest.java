package org.uarpd.wire.oracle;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.uarpd.wire.ArpCodec;
import org.uarpd.wire.ArpPacket;
import org.uarpd.wire.HardwareAddress;
import org.uarpd.wire.LinkType;
import org.uarpd.wire.Opcode;
import org.uarpd.wire.link.Arcnet;
import org.uarpd.wire.link.ArpSamples;
import org.uarpd.wire.link.LinuxCooked;
import org.uarpd.wire.link.TokenRing;
import org.uarpd.wire.pcap.PcapNgWriter;
import org.uarpd.wire.pcap.PcapWriter;
import org.uarpd.wire.pcap.TimestampResolution;

/**
 * Frames uarpd encodes, written by {@link PcapWriter} / {@link PcapNgWriter} and dissected by
 * Wireshark: every RFC 826-format link type and every opcode must come out unflagged and with the
 * opcode, hardware type and four addresses that were encoded.
 */
class TsharkOracleTest {
    private static final long T0 = 1_700_000_000_123_456_789L;

    /** First dissector tshark should apply for each link type (pcap link type 1 is Ethernet for 802.3 too). */
    private static final Map<String, String> FIRST_LAYER = Map.of(
            "ethernet", "eth", "ieee802.3", "eth", "token-ring", "tr", "fddi", "fddi",
            "arcnet", "arcnet", "arcnet-linux", "arcnet", "ipoib", "sll", "linux-cooked", "sll");

    /** Every RFC 826-format link type, and Linux cooked captures of Ethernet. */
    static final List<LinkType> LINKS = Stream.concat(ArpSamples.RFC826_LINKS.stream(), Stream.of(LinuxCooked.INSTANCE)).toList();

    record Sent(LinkType link, ArpPacket packet, HardwareAddress destination, HardwareAddress source, byte[] frame) {}

    static Stream<LinkType> links() {
        return LINKS.stream();
    }

    static List<Sent> framesFor(LinkType link) {
        List<Sent> sent = new ArrayList<>();
        for (Opcode op : ArpSamples.OPCODES) {
            ArpPacket p = ArpSamples.packet(link, op);
            byte[] payload = ArpCodec.encode(p);
            HardwareAddress dst = ArpSamples.destination(link, op);
            byte[] frame = link.encode(dst, ArpSamples.station(link, 1), ArpSamples.etherType(op), payload);
            sent.add(new Sent(link, p, dst, ArpSamples.station(link, 1), frame));
        }
        if (link == TokenRing.INSTANCE) {
            // A source-routed reply: a RIF of two hops, direction bit set.
            ArpPacket p = ArpSamples.packet(link, Opcode.REPLY);
            var rif = new TokenRing.RoutingInformation(0, true, 3, 0,
                    List.of(new TokenRing.RouteDesignator(0x012, 5), new TokenRing.RouteDesignator(0x034, 0)));
            byte[] frame = TokenRing.INSTANCE.encode(ArpSamples.station(link, 2), ArpSamples.station(link, 1), ArpSamples.etherType(Opcode.REPLY),
                    ArpCodec.encode(p), new TokenRing.Header(0x10, 0x40, rif));
            sent.add(new Sent(link, p, ArpSamples.station(link, 2), ArpSamples.station(link, 1), frame));
        }
        if (link instanceof Arcnet arc) {
            ArpPacket p = ArpSamples.packet(link, Opcode.REQUEST);
            sent.add(new Sent(link, p, link.broadcast(), ArpSamples.station(link, 1), arc.encode(link.broadcast(), ArpSamples.station(link, 1), ArpSamples.etherType(Opcode.REQUEST),
                    ArpCodec.encode(p), 0xBEEF)));
        }
        return sent;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("links")
    void tsharkReadsEveryOpcodeFromPcap(LinkType link, @TempDir Path dir) throws IOException {
        List<Sent> sent = framesFor(link);
        // Alternate the timestamp resolutions between link types so both pcap magics meet tshark.
        TimestampResolution res = link.name().length() % 2 == 0 ? TimestampResolution.NANOS : TimestampResolution.MICROS;
        Path file = dir.resolve(link.name() + ".pcap");
        try (PcapWriter w = PcapWriter.create(file, link, res)) {
            for (int i = 0; i < sent.size(); i++) w.write(T0 + i * 1_000_000L, sent.get(i).frame());
        }
        List<JsonNode> dissected = TsharkJson.dissect(file);
        assertThat(dissected).hasSize(sent.size());
        for (int i = 0; i < sent.size(); i++) {
            assertDissectedAs(dissected.get(i), sent.get(i), link.name() + " frame " + (i + 1));
        }
        long firstNanos = Long.parseLong(dissected.get(0).path("frame").path("frame.time_epoch").asText().replace(".", ""));
        long expected = res == TimestampResolution.NANOS ? T0 : T0 / 1000 * 1000;
        assertThat(firstNanos).as("timestamp of %s in %s", link.name(), res).isEqualTo(expected);
    }

    @Test
    void tsharkReadsAllLinkTypesFromOnePcapng(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("all.pcapng");
        List<Sent> order = new ArrayList<>();
        try (PcapNgWriter w = PcapNgWriter.create(file)) {
            for (LinkType link : LINKS) {
                int itf = w.addInterface(link.pcapLinkType(), "uarpd-" + link.name(), TimestampResolution.NANOS);
                for (Sent s : framesFor(link)) {
                    w.write(itf, T0 + order.size(), s.frame(), "uarpd " + link.name() + " " + s.packet().opcode());
                    order.add(s);
                }
            }
        }
        List<JsonNode> dissected = TsharkJson.dissect(file);
        assertThat(dissected).hasSize(order.size());
        for (int i = 0; i < order.size(); i++) {
            assertDissectedAs(dissected.get(i), order.get(i), "pcapng frame " + (i + 1) + " (" + order.get(i).link().name() + ")");
        }
    }

    /** The link header's addresses as Wireshark reads them (IPoIB's SLL header carries none, only "broadcast"). */
    static void assertLinkAddresses(JsonNode layers, Sent sent, String what) {
        String dst = sent.destination().toString();
        String src = sent.source().toString();
        switch (sent.link().name()) {
            case "ethernet", "ieee802.3" -> {
                assertThat(layers.path("eth").path("eth.dst").asText()).as("%s eth.dst", what).isEqualTo(dst);
                assertThat(layers.path("eth").path("eth.src").asText()).as("%s eth.src", what).isEqualTo(src);
            }
            case "token-ring" -> {
                // tshark prints tr.src twice, raw and without the routing bit; the parser keeps the last.
                assertThat(layers.path("tr").path("tr.dst").asText()).as("%s tr.dst", what).isEqualTo(dst);
                assertThat(layers.path("tr").path("tr.src").asText()).as("%s tr.src", what).isEqualTo(src);
            }
            case "fddi" -> {
                // Debian's Wireshark is built with BIT_SWAPPED_MAC_ADDRS and shows pcap link type 10 header
                // addresses bit-reversed; uarpd keeps them canonical, as Linux FDDI drivers hand them over.
                assertThat(layers.path("fddi").path("fddi.dst").asText()).as("%s fddi.dst", what).isEqualTo(bitReversed(sent.destination()));
                assertThat(layers.path("fddi").path("fddi.src").asText()).as("%s fddi.src", what).isEqualTo(bitReversed(sent.source()));
            }
            case "arcnet", "arcnet-linux" -> {
                assertThat(layers.path("arcnet").path("arcnet.dst").asText()).as("%s arcnet.dst", what).isEqualTo("0x" + dst);
                assertThat(layers.path("arcnet").path("arcnet.src").asText()).as("%s arcnet.src", what).isEqualTo("0x" + src);
            }
            case "linux-cooked" -> {
                assertThat(layers.path("sll").path("sll.src.eth").asText()).as("%s sll.src.eth", what).isEqualTo(src);
                assertThat(layers.path("sll").path("sll.pkttype").asText()).as("%s sll.pkttype", what)
                        .isEqualTo(sent.destination().equals(sent.link().broadcast()) ? "1" : "0");
            }
            case "ipoib" -> assertThat(layers.path("sll").path("sll.pkttype").asText()).as("%s sll.pkttype", what)
                    .isEqualTo(sent.destination().equals(sent.link().broadcast()) ? "1" : "0");
            default -> throw new AssertionError("no link address check for " + sent.link().name());
        }
    }

    private static String bitReversed(HardwareAddress a) {
        byte[] b = a.toByteArray();
        for (int i = 0; i < b.length; i++) b[i] = (byte) (Integer.reverse(b[i] & 0xFF) >>> 24);
        return HardwareAddress.of(b).toString();
    }

    static void assertDissectedAs(JsonNode layers, Sent sent, String what) {
        TsharkJson.assertClean(layers, what);
        String protocols = layers.path("frame").path("frame.protocols").asText();
        assertThat(protocols).as("%s protocols", what).startsWith(FIRST_LAYER.get(sent.link().name())).endsWith(":arp");
        assertLinkAddresses(layers, sent, what);
        JsonNode arp = layers.path("arp");
        ArpPacket p = sent.packet();
        assertThat(arp.path("arp.opcode").asText()).as("%s opcode", what).isEqualTo(Integer.toString(p.opcode().value()));
        assertThat(arp.path("arp.hw.type").asText()).as("%s hardware type", what).isEqualTo(Integer.toString(p.hardwareType().value()));
        assertThat(arp.path("arp.hw.size").asText()).as("%s hardware size", what).isEqualTo(Integer.toString(p.hardwareLength()));
        assertThat(TsharkJson.arpHardware(arp, "src")).as("%s sender hardware", what).isEqualTo(p.senderHardware().toString());
        assertThat(arp.path("arp.src.proto_ipv4").asText()).as("%s sender protocol", what).isEqualTo(p.senderProtocol().toString());
        assertThat(TsharkJson.arpHardware(arp, "dst")).as("%s target hardware", what).isEqualTo(p.targetHardware().toString());
        assertThat(arp.path("arp.dst.proto_ipv4").asText()).as("%s target protocol", what).isEqualTo(p.targetProtocol().toString());
    }
}

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
import org.uarpd.wire.LinkType;
import org.uarpd.wire.Opcode;
import org.uarpd.wire.link.Arcnet;
import org.uarpd.wire.link.ArpSamples;
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
            "arcnet", "arcnet", "arcnet-linux", "arcnet", "ipoib", "sll");

    record Sent(LinkType link, ArpPacket packet, byte[] frame) {}

    static Stream<LinkType> links() {
        return ArpSamples.RFC826_LINKS.stream();
    }

    static List<Sent> framesFor(LinkType link) {
        List<Sent> sent = new ArrayList<>();
        for (Opcode op : ArpSamples.OPCODES) {
            ArpPacket p = ArpSamples.packet(link, op);
            byte[] payload = ArpCodec.encode(p);
            byte[] frame = link.encode(ArpSamples.destination(link, op), ArpSamples.station(link, 1), ArpSamples.etherType(op), payload);
            sent.add(new Sent(link, p, frame));
        }
        if (link == TokenRing.INSTANCE) {
            // A source-routed reply: a RIF of two hops, direction bit set.
            ArpPacket p = ArpSamples.packet(link, Opcode.REPLY);
            var rif = new TokenRing.RoutingInformation(0, true, 3, 0,
                    List.of(new TokenRing.RouteDesignator(0x012, 5), new TokenRing.RouteDesignator(0x034, 0)));
            byte[] frame = TokenRing.INSTANCE.encode(ArpSamples.station(link, 2), ArpSamples.station(link, 1), ArpSamples.etherType(Opcode.REPLY),
                    ArpCodec.encode(p), new TokenRing.Header(0x10, 0x40, rif));
            sent.add(new Sent(link, p, frame));
        }
        if (link instanceof Arcnet arc) {
            ArpPacket p = ArpSamples.packet(link, Opcode.REQUEST);
            sent.add(new Sent(link, p, arc.encode(link.broadcast(), ArpSamples.station(link, 1), ArpSamples.etherType(Opcode.REQUEST),
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
            for (LinkType link : ArpSamples.RFC826_LINKS) {
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

    static void assertDissectedAs(JsonNode layers, Sent sent, String what) {
        TsharkJson.assertClean(layers, what);
        String protocols = layers.path("frame").path("frame.protocols").asText();
        assertThat(protocols).as("%s protocols", what).startsWith(FIRST_LAYER.get(sent.link().name())).endsWith(":arp");
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

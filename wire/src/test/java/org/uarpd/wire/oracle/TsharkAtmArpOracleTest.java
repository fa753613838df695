package org.uarpd.wire.oracle;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.uarpd.wire.AtmAddress;
import org.uarpd.wire.AtmArpCodec;
import org.uarpd.wire.AtmArpPacket;
import org.uarpd.wire.EtherType;
import org.uarpd.wire.HardwareAddress;
import org.uarpd.wire.Ip4;
import org.uarpd.wire.ProtocolAddress;
import org.uarpd.wire.link.AtmLlcSnap;
import org.uarpd.wire.pcap.PcapWriter;
import org.uarpd.wire.pcap.TimestampResolution;

/**
 * ATM with LLC/SNAP (pcap link type 11) carries RFC 2225 ATMARP: every ATMARP kind uarpd encodes —
 * request, reply, InATMARP request and reply, NAK — with NSAP and E.164 numbers and a subaddress,
 * must be dissected by Wireshark as ATMARP, unflagged, with the encoded opcode and addresses.
 */
class TsharkAtmArpOracleTest {
    static final AtmAddress CLIENT = AtmAddress.nsap(HardwareAddress.parse("47:00:05:80:ff:e1:00:00:00:f2:1a:2b:3c:02:00:5e:10:00:01:00"));
    static final AtmAddress SERVER = AtmAddress.nsap(HardwareAddress.parse("47:00:05:80:ff:e1:00:00:00:f2:1a:2b:3c:02:00:5e:10:00:fe:00"));
    static final AtmAddress PUBLIC = AtmAddress.e164("15085551234");
    static final AtmAddress PRIVATE_SUB = AtmAddress.nsap(HardwareAddress.parse("39:84:0f:80:01:bc:72:00:01:00:00:00:00:02:00:5e:10:00:02:00"));

    static List<AtmArpPacket> kinds() {
        AtmArpPacket request = AtmArpPacket.request(CLIENT, AtmAddress.ABSENT, Ip4.parse("192.0.2.1"), Ip4.parse("192.0.2.2"));
        AtmArpPacket reply = request.replyTo(PUBLIC, PRIVATE_SUB);
        AtmArpPacket inRequest = AtmArpPacket.inatmarpRequest(CLIENT, AtmAddress.ABSENT, Ip4.parse("192.0.2.1"), PUBLIC, PRIVATE_SUB);
        AtmArpPacket inReply = inRequest.inatmarpReplyTo(ProtocolAddress.ip4("192.0.2.2"));
        AtmArpPacket nak = AtmArpPacket.request(CLIENT, AtmAddress.ABSENT, Ip4.parse("192.0.2.1"), Ip4.parse("192.0.2.9")).nak();
        AtmArpPacket serverReply = AtmArpPacket.request(CLIENT, AtmAddress.ABSENT, Ip4.parse("192.0.2.1"), Ip4.parse("192.0.2.254"))
                .replyTo(SERVER, AtmAddress.ABSENT);
        return List.of(request, reply, inRequest, inReply, nak, serverReply);
    }

    @Test
    void tsharkDissectsEveryAtmArpKind(@TempDir Path dir) throws Exception {
        List<AtmArpPacket> sent = kinds();
        Path file = dir.resolve("atm.pcap");
        try (PcapWriter w = PcapWriter.create(file, AtmLlcSnap.INSTANCE, TimestampResolution.MICROS)) {
            for (AtmArpPacket p : sent) {
                w.write(1_700_000_000_000_000_000L, AtmLlcSnap.INSTANCE.encode(HardwareAddress.EMPTY, HardwareAddress.EMPTY,
                        EtherType.ARP, AtmArpCodec.encode(p)));
            }
        }
        List<JsonNode> dissected = TsharkJson.dissect(file);
        assertThat(dissected).hasSize(sent.size());
        for (int i = 0; i < sent.size(); i++) {
            AtmArpPacket p = sent.get(i);
            JsonNode layers = dissected.get(i);
            String what = "ATMARP frame " + (i + 1) + " (" + p.opcode() + ")";
            TsharkJson.assertClean(layers, what);
            assertThat(layers.path("frame").path("frame.protocols").asText()).as(what).isEqualTo("llc:arp:atmarp");
            JsonNode arp = layers.path("arp");
            assertThat(arp.path("arp.hw.type").asText()).as(what).isEqualTo("19");
            assertThat(arp.path("arp.opcode").asText()).as(what).isEqualTo(Integer.toString(p.opcode().value()));
            assertThat(atmNumber(arp, "src")).as("%s sender ATM number", what).isEqualTo(text(p.senderAtmNumber()));
            assertThat(atmNumber(arp, "dst")).as("%s target ATM number", what).isEqualTo(text(p.targetAtmNumber()));
            assertThat(arp.path("arp.dst.atm_subaddr").asText("")).as("%s target subaddress", what)
                    .isEqualTo(p.targetAtmSubaddress().isPresent() ? p.targetAtmSubaddress().value().toString() : "");
            assertThat(arp.path("arp.src.proto_ipv4").asText("")).as("%s sender protocol", what).isEqualTo(proto(p.senderProtocol()));
            assertThat(arp.path("arp.dst.proto_ipv4").asText("")).as("%s target protocol", what).isEqualTo(proto(p.targetProtocol()));
        }
    }

    /** Wireshark shows NSAP numbers as hex and E.164 numbers as their digits; "" when absent. */
    private static String atmNumber(JsonNode arp, String side) {
        JsonNode nsap = arp.get("arp." + side + ".atm_num_nsap");
        if (nsap != null) return nsap.asText().toLowerCase();
        JsonNode e164 = arp.get("arp." + side + ".atm_num_e164");
        return e164 == null ? "" : e164.asText();
    }

    private static String text(AtmAddress a) {
        if (!a.isPresent()) return "";
        return a.format() == AtmAddress.Format.E164
                ? new String(a.value().toByteArray(), StandardCharsets.US_ASCII)
                : a.value().toString();
    }

    private static String proto(ProtocolAddress p) {
        return p.length() == 0 ? "" : p.toString();
    }
}

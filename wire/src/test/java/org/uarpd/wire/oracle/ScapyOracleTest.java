package org.uarpd.wire.oracle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.uarpd.wire.ArpFamilyCodec;
import org.uarpd.wire.ArpFamilyPacket;
import org.uarpd.wire.AtmArpPacket;
import org.uarpd.wire.Frame;
import org.uarpd.wire.LinkType;
import org.uarpd.wire.link.LinkTypes;
import org.uarpd.wire.pcap.CaptureReader;
import org.uarpd.wire.pcap.CaptureRecord;

/**
 * The other direction: frames built by scapy (and hand-packed headers where scapy has no layer),
 * written by scapy's wrpcap, are read by {@link CaptureReader} and decoded by uarpd's link types and
 * ARP codec to the fields scapy's side recorded in its manifest.
 */
class ScapyOracleTest {

    @Test
    void uarpdDecodesScapyFramesOfEveryLinkTypeAndOpcode(@TempDir Path dir) throws Exception {
        Path python = ExternalTool.scapyPython();
        Path script = dir.resolve("scapy_frames.py");
        try (InputStream in = getClass().getResourceAsStream("/oracle/scapy_frames.py")) {
            Files.copy(in, script);
        }
        ExternalTool.Result r = ExternalTool.run(List.of(python.toString(), script.toString(), dir.toString()), 180);
        if (r.exit() != 0) fail("scapy frame builder failed: " + r.stderr());
        JsonNode manifest = new ObjectMapper().readTree(dir.resolve("manifest.json").toFile());

        Map<String, List<CaptureRecord>> files = new HashMap<>();
        int checked = 0;
        List<String> builders = new ArrayList<>();
        for (JsonNode want : manifest) {
            String file = want.path("file").asText();
            List<CaptureRecord> records = files.computeIfAbsent(file, f -> readAll(dir.resolve(f)));
            CaptureRecord rec = records.get(want.path("index").asInt());
            String what = want.path("builder").asText() + " op " + want.path("op").asInt();
            assertThat(rec.pcapLinkType()).as("%s link type", what).isEqualTo(want.path("linktype").asInt());

            LinkType link = LinkTypes.forCapture(rec.pcapLinkType(), rec.data()).orElseThrow();
            Frame frame = link.decode(rec.data(), 0, rec.data().length);
            assertThat(frame.protocol()).as("%s protocol", what).isEqualTo(want.path("protocol").asInt());
            assertThat(frame.source().toString()).as("%s link source", what).isEqualTo(want.path("src").asText());
            assertThat(frame.destination().toString()).as("%s link destination", what).isEqualTo(want.path("dst").asText());

            ArpFamilyPacket p = ArpFamilyCodec.decode(frame.buffer(), frame.payloadOffset(), frame.payloadLength());
            assertThat(p.opcode().value()).as("%s opcode", what).isEqualTo(want.path("op").asInt());
            assertThat(p.hardwareType().value()).as("%s hardware type", what).isEqualTo(want.path("htype").asInt());
            assertThat(p.protocolType()).as("%s protocol type", what).isEqualTo(want.path("ptype").asInt());
            assertThat(p.senderHardware().toString()).as("%s sha", what).isEqualTo(want.path("sha").asText());
            assertThat(p.senderProtocol().toString()).as("%s spa", what).isEqualTo(want.path("spa").asText());
            if (p instanceof AtmArpPacket atm) {
                // The manifest's ATM numbers are raw bytes; the subaddress is checked through its presence.
                assertThat(atm.senderAtmNumber().value().toString()).as("%s sender ATM number", what).isEqualTo(want.path("sha").asText());
            }
            assertThat(p.targetHardware().toString()).as("%s tha", what).isEqualTo(want.path("tha").asText());
            assertThat(p.targetProtocol().toString()).as("%s tpa", what).isEqualTo(want.path("tpa").asText());
            builders.add(want.path("builder").asText());
            checked++;
        }
        // Every link type and all seven opcodes (ATMARP's five kinds on ATM) were covered.
        assertThat(builders).contains("ethernet", "ieee802.3", "token-ring", "token-ring-routed", "fddi", "arcnet",
                "arcnet-exception", "arcnet-linux", "ipoib", "linux-cooked", "atm");
        assertThat(checked).isEqualTo(10 * 7 + 6);
    }

    static List<CaptureRecord> readAll(Path file) {
        try (CaptureReader reader = CaptureReader.open(file)) {
            List<CaptureRecord> out = new ArrayList<>();
            for (CaptureRecord rec; (rec = reader.next()) != null; ) out.add(rec);
            return out;
        } catch (Exception e) {
            return fail("cannot read scapy's " + file + ": " + e);
        }
    }
}

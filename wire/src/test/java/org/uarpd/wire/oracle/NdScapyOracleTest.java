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
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.uarpd.wire.EtherType;
import org.uarpd.wire.Frame;
import org.uarpd.wire.Ip6Address;
import org.uarpd.wire.LinkType;
import org.uarpd.wire.link.Ethernet;
import org.uarpd.wire.link.LinkTypes;
import org.uarpd.wire.nd.NdCodec;
import org.uarpd.wire.nd.NdOption;
import org.uarpd.wire.nd.NdPacket;
import org.uarpd.wire.nd.NdView;
import org.uarpd.wire.oracle.NdOracleFrames.Sent;
import org.uarpd.wire.pcap.CaptureRecord;
import org.uarpd.wire.pcap.PcapWriter;
import org.uarpd.wire.pcap.TimestampResolution;

/**
 * Both directions against scapy: NS and NA frames scapy builds (its checksums included) decode in
 * uarpd to the fields scapy recorded, through the record codec and the view; and frames uarpd
 * builds are dissected by scapy to the fields encoded, with the checksum scapy computes itself.
 */
class NdScapyOracleTest {

    @Test
    void uarpdDecodesScapysNeighbourMessages(@TempDir Path dir) throws Exception {
        Path python = ExternalTool.scapyPython();
        Path script = copy("/oracle/scapy_nd_frames.py", dir);
        ExternalTool.Result r = ExternalTool.run(List.of(python.toString(), script.toString(), dir.toString()), 180);
        if (r.exit() != 0) fail("scapy ND frame builder failed: " + r.stderr());
        JsonNode manifest = new ObjectMapper().readTree(dir.resolve("manifest.json").toFile());
        Map<String, List<CaptureRecord>> files = new HashMap<>();
        int dad = 0, withLongAddress = 0, withNonce = 0;
        for (JsonNode want : manifest) {
            List<CaptureRecord> records = files.computeIfAbsent(want.path("file").asText(), f -> ScapyOracleTest.readAll(dir.resolve(f)));
            CaptureRecord rec = records.get(want.path("index").asInt());
            String what = want.path("file").asText() + " #" + want.path("index").asInt();
            assertThat(rec.pcapLinkType()).as("%s link type", what).isEqualTo(want.path("linktype").asInt());
            LinkType link = LinkTypes.forCapture(rec.pcapLinkType(), rec.data()).orElseThrow();
            Frame frame = link.decode(rec.data(), 0, rec.data().length);
            assertThat(frame.protocol()).as("%s protocol", what).isEqualTo(EtherType.IPV6);
            NdPacket p = NdCodec.decode(frame.buffer(), frame.payloadOffset(), frame.payloadLength()).orElseThrow();
            assertThat(p.source()).as("%s source", what).isEqualTo(Ip6Address.parse(want.path("src").asText()));
            assertThat(p.destination()).as("%s destination", what).isEqualTo(Ip6Address.parse(want.path("dst").asText()));
            assertThat(p.type().value()).as("%s type", what).isEqualTo(want.path("type").asInt());
            assertThat(Integer.toUnsignedLong(p.flags())).as("%s flags", what).isEqualTo(want.path("flags").asLong());
            assertThat(p.target()).as("%s target", what).isEqualTo(Ip6Address.parse(want.path("target").asText()));
            assertThat(p.hopLimit()).isEqualTo(255);
            JsonNode opts = want.path("options");
            assertThat(p.options()).as("%s options", what).hasSize(opts.size());
            for (int i = 0; i < opts.size(); i++) {
                NdOption o = p.options().get(i);
                assertThat(o.type().value()).as("%s option %d type", what, i).isEqualTo(opts.get(i).path("type").asInt());
                assertThat(HexFormat.of().formatHex(o.body())).as("%s option %d body", what, i).isEqualTo(opts.get(i).path("body").asText());
                if (opts.get(i).has("address")) {
                    String address = opts.get(i).path("address").asText();
                    int length = (address.length() + 1) / 3;
                    assertThat(o.linkLayerAddress(length).toString()).as("%s option %d address", what, i).isEqualTo(address);
                    if (length != 6) withLongAddress++;
                }
                if (o.type().value() == 14) withNonce++;
            }
            if (p.isDadProbe()) dad++;
            // The view accepts the same bytes and reads scapy's checksum in place.
            NdView v = new NdView();
            assertThat(v.reset(frame.buffer(), frame.payloadOffset(), frame.payloadLength())).isTrue();
            assertThat(v.checksum()).as("%s checksum", what).isEqualTo(want.path("checksum").asInt());
            if (link == Ethernet.INSTANCE) assertThat(v.resetEthernet(rec.data(), 0, rec.data().length)).isTrue();
        }
        assertThat(manifest.size()).isEqualTo(60);
        assertThat(dad).as("DAD probes").isPositive();
        assertThat(withLongAddress).as("link-layer options not 6 bytes long").isPositive();
        assertThat(withNonce).as("nonce options").isPositive();
    }

    @Test
    void scapyReadsUarpdsNeighbourMessages(@TempDir Path dir) throws Exception {
        Path python = ExternalTool.scapyPython();
        Path script = copy("/oracle/scapy_nd_read.py", dir);
        List<Sent> sent = NdOracleFrames.build(60).stream().filter(s -> s.link() == Ethernet.INSTANCE).toList();
        Path file = dir.resolve("uarpd-nd.pcap");
        try (PcapWriter w = PcapWriter.create(file, Ethernet.INSTANCE, TimestampResolution.MICROS)) {
            for (int i = 0; i < sent.size(); i++) w.write(1_700_000_000_000_000_000L + i * 1000L, sent.get(i).frame());
        }
        ExternalTool.Result r = ExternalTool.run(List.of(python.toString(), script.toString(), file.toString()), 180);
        if (r.exit() != 0) fail("scapy could not read uarpd's frames: " + r.stderr());
        JsonNode got = new ObjectMapper().readTree(r.stdout());
        assertThat(got.size()).isEqualTo(sent.size());
        for (int i = 0; i < sent.size(); i++) {
            NdPacket p = sent.get(i).packet();
            JsonNode g = got.get(i);
            String what = "frame " + (i + 1) + " " + p.describe(6);
            assertThat(Ip6Address.parse(g.path("src").asText())).as("%s source", what).isEqualTo(p.source());
            assertThat(Ip6Address.parse(g.path("dst").asText())).as("%s destination", what).isEqualTo(p.destination());
            assertThat(g.path("hlim").asInt()).as("%s hop limit", what).isEqualTo(255);
            assertThat(g.path("type").asInt()).as("%s type", what).isEqualTo(p.type().value());
            assertThat(g.path("code").asInt()).as("%s code", what).isZero();
            assertThat(g.path("flags").asLong()).as("%s flags", what).isEqualTo(Integer.toUnsignedLong(p.flags()));
            assertThat(Ip6Address.parse(g.path("target").asText())).as("%s target", what).isEqualTo(p.target());
            assertThat(g.path("cksum").asInt()).as("%s checksum as scapy computes it", what).isEqualTo(g.path("recomputed").asInt());
            List<String> want = new ArrayList<>();
            for (NdOption o : p.options()) want.add(o.type().value() + ":" + HexFormat.of().formatHex(o.body()));
            List<String> have = new ArrayList<>();
            for (JsonNode o : g.path("options")) have.add(o.path("type").asInt() + ":" + o.path("body").asText());
            assertThat(have).as("%s options", what).isEqualTo(want);
        }
    }

    private Path copy(String resource, Path dir) throws Exception {
        Path script = dir.resolve(Path.of(resource).getFileName().toString());
        try (InputStream in = getClass().getResourceAsStream(resource)) {
            Files.copy(in, script);
        }
        return script;
    }
}

package org.uarpd.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The captures under samples/ (the README's first command decodes one) decode as described, and are current. */
class SampleCapturesTest {
    static final Path SAMPLES = Path.of(System.getProperty("user.dir")).getParent().resolve("samples");
    static final List<String> LINKS = List.of("ethernet", "token-ring", "fddi", "arcnet", "arcnet-linux", "atm", "ipoib");

    static List<JsonNode> decodeJson(Path file) throws Exception {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = Main.execute(new PrintWriter(out), new PrintWriter(err), "decode", "-j", file.toString());
        assertThat(exit).as("decode %s: %s", file, err).isZero();
        List<JsonNode> nodes = new ArrayList<>();
        for (String line : out.toString().split("\n")) nodes.add(new ObjectMapper().readTree(line));
        return nodes;
    }

    @Test
    void theSamplePcapngHoldsTheAdvertisedMix() throws Exception {
        List<JsonNode> frames = decodeJson(SAMPLES.resolve("arp-sample.pcapng"));
        assertThat(frames).hasSize(25);
        assertThat(frames).extracting(n -> n.path("kind").asText()).containsOnly("arp", "other", "malformed");
        assertThat(frames).filteredOn(n -> n.path("kind").asText().equals("other")).singleElement()
                .satisfies(n -> assertThat(n.path("protocol").asText()).isEqualTo("0x0800"));
        assertThat(frames).filteredOn(n -> n.path("kind").asText().equals("malformed")).singleElement()
                .satisfies(n -> assertThat(n.path("error").asText()).contains("ar_hln 255"));
        List<JsonNode> arp = frames.stream().filter(n -> n.path("kind").asText().equals("arp")).toList();
        assertThat(arp).extracting(n -> n.path("op").asInt()).contains(1, 2, 3, 4, 8, 9, 10);
        assertThat(arp).extracting(n -> n.path("linktype").asInt()).contains(1, 6, 7, 10, 11, 113, 129);
        assertThat(arp).extracting(n -> n.path("summary").asText()).anyMatch(s -> s.endsWith("(gratuitous)"))
                .anyMatch(s -> s.endsWith("(probe)"));
    }

    @Test
    void eachPerLinkPcapDecodesToArpOnly() throws Exception {
        for (String link : LINKS) {
            List<JsonNode> frames = decodeJson(SAMPLES.resolve(link + ".pcap"));
            assertThat(frames).as(link).isNotEmpty();
            assertThat(frames).as(link).allSatisfy(n -> assertThat(n.path("link").asText()).isIn(link, "ethernet"));
            long arp = frames.stream().filter(n -> n.path("kind").asText().equals("arp")).count();
            assertThat(arp).as(link).isEqualTo(link.equals("ethernet") ? frames.size() - 2 : frames.size());
        }
    }

    @Test
    void wiresharkAgreesWhichSampleFrameIsMalformed() throws Exception {
        assertWiresharkAgreesOnMalformed("arp-sample.pcapng", "_ws.malformed");
    }

    @Test
    void theNdSampleHoldsTheAdvertisedMix() throws Exception {
        List<JsonNode> frames = decodeJson(SAMPLES.resolve("nd.pcap"));
        assertThat(frames).extracting(n -> n.path("kind").asText())
                .containsExactly("nd", "nd", "nd", "nd", "nd", "nd", "other", "malformed", "nd");
        List<JsonNode> nd = frames.stream().filter(n -> n.path("kind").asText().equals("nd")).toList();
        assertThat(nd).extracting(n -> n.path("type").asInt()).containsExactly(135, 136, 135, 136, 136, 135, 135);
        assertThat(nd).allSatisfy(n -> assertThat(n.path("checksum_ok").asBoolean()).isTrue());
        assertThat(nd.get(2).path("src_ip").asText()).isEqualTo("::");
        assertThat(nd.get(2).path("nonce").asText()).isEqualTo("5a17e0d1c2b3");
        assertThat(nd.get(3).path("dst_ip").asText()).isEqualTo("ff02::1");
        assertThat(nd.get(1).path("flags").path("R").asBoolean()).isTrue();
        assertThat(nd.get(5).path("options").get(0).path("body").asText()).startsWith("0102030405060708090a0b0c0d0e0f1011121314");
        assertThat(frames.get(6).path("protocol").asText()).isEqualTo("0x86dd");
        assertThat(frames.get(7).path("error").asText()).isEqualTo("ND option sll has length 0 (RFC 4861 §4.6)");
        assertThat(nd.get(6).path("violations").get(0).asText()).isEqualTo("hop_limit_not_255");
        assertThat(nd.subList(0, 6)).allSatisfy(n -> assertThat(n.path("violations")).isEmpty());
    }

    @Test
    void wiresharkAgreesWhichNdSampleFrameIsMalformed() throws Exception {
        // Wireshark marks a zero-length ND option with an error-level expert item, not as malformed.
        assertWiresharkAgreesOnMalformed("nd.pcap", "_ws.malformed || _ws.expert.severity == 8388608");
    }

    /** The frames tshark's display {@code filter} selects in the sample {@code name} are those uarpd calls malformed. */
    private static void assertWiresharkAgreesOnMalformed(String name, String filter) throws Exception {
        Process p;
        try {
            p = new ProcessBuilder("tshark", "-n", "-r", SAMPLES.resolve(name).toString(), "-Y", filter,
                    "-T", "fields", "-e", "frame.number").redirectError(ProcessBuilder.Redirect.DISCARD).start();
        } catch (java.io.IOException e) {
            p = fail("tshark is not installed: install the Debian package 'tshark' (" + e.getMessage() + ")");
        }
        String out = new String(p.getInputStream().readAllBytes()).strip();
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) fail("tshark failed; install the Debian package 'tshark'");
        List<JsonNode> ours = decodeJson(SAMPLES.resolve(name));
        String malformed = ours.stream().filter(n -> n.path("kind").asText().equals("malformed"))
                .map(n -> n.path("frame").asText()).reduce((x, y) -> x + "\n" + y).orElse("");
        assertThat(out).isEqualTo(malformed);
    }

    @Test
    void shippedSamplesAreWhatMakeSamplesWrites(@TempDir Path dir) throws Exception {
        Path python = Path.of("/usr/bin/python3");
        if (!Files.isExecutable(python)) fail("/usr/bin/python3 is missing: install the Debian packages python3 and python3-scapy");
        Process p = new ProcessBuilder(python.toString(), SAMPLES.resolve("make-samples.py").toString(), dir.toString())
                .redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as("make-samples.py (needs python3-scapy): %s", output).isZero();
        for (String name : new ArrayList<>(List.of("arp-sample.pcapng", "nd.pcap"))) {
            assertThat(Files.readAllBytes(dir.resolve(name))).as(name + " is stale: run samples/make-samples.py")
                    .isEqualTo(Files.readAllBytes(SAMPLES.resolve(name)));
        }
        for (String link : LINKS) {
            assertThat(Files.readAllBytes(dir.resolve(link + ".pcap"))).as(link + ".pcap is stale: run samples/make-samples.py")
                    .isEqualTo(Files.readAllBytes(SAMPLES.resolve(link + ".pcap")));
        }
    }
}

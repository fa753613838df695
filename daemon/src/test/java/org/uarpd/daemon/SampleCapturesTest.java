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
        Process p;
        try {
            p = new ProcessBuilder("tshark", "-n", "-r", SAMPLES.resolve("arp-sample.pcapng").toString(),
                    "-Y", "_ws.malformed", "-T", "fields", "-e", "frame.number").redirectError(ProcessBuilder.Redirect.DISCARD).start();
        } catch (java.io.IOException e) {
            p = fail("tshark is not installed: install the Debian package 'tshark' (" + e.getMessage() + ")");
        }
        String out = new String(p.getInputStream().readAllBytes()).strip();
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) fail("tshark failed; install the Debian package 'tshark'");
        List<JsonNode> ours = decodeJson(SAMPLES.resolve("arp-sample.pcapng"));
        String malformed = ours.stream().filter(n -> n.path("kind").asText().equals("malformed"))
                .map(n -> n.path("frame").asText()).reduce((a, b) -> a + "\n" + b).orElse("");
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
        for (String name : new ArrayList<>(List.of("arp-sample.pcapng"))) {
            assertThat(Files.readAllBytes(dir.resolve(name))).as(name + " is stale: run samples/make-samples.py")
                    .isEqualTo(Files.readAllBytes(SAMPLES.resolve(name)));
        }
        for (String link : LINKS) {
            assertThat(Files.readAllBytes(dir.resolve(link + ".pcap"))).as(link + ".pcap is stale: run samples/make-samples.py")
                    .isEqualTo(Files.readAllBytes(SAMPLES.resolve(link + ".pcap")));
        }
    }
}

package org.uarpd.sim.scenario;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.uarpd.sim.EngineResolver;

/** The built-in scenario of {@code uarpd sim}: its outcomes, its captures, its determinism. */
class DefaultScenarioTest {
    /** Wireshark's PI_ERROR expert severity as printed in JSON. */
    static final String SEVERITY_ERROR = "8388608";

    static ScenarioRunner run(Long seed, Path pcapDir) throws IOException {
        ScenarioRunner r = new ScenarioRunner(ScenarioRunner.defaultScenario(), seed, pcapDir, EngineResolver.forScenarios());
        r.run();
        return r;
    }

    @Test
    void everyStoryOfTheScenarioEndsAsDesigned() throws IOException {
        ScenarioRunner r = run(null, null);
        var t = r.world().timeline();
        // diskless boot by RARP, answered by gw's uarpd
        assertThat(t.grep("disk       RARP reply: le0 is 192.0.2.20")).hasSize(1);
        // the bridge answered across, both ways, and forwarded
        assertThat(t.grep("gw         uarpd: ANSWERED 192.0.2.200 on eth0 (PROXY)")).isNotEmpty();
        assertThat(t.grep("bob        received packet #1 from 192.0.2.10")).hasSize(1);
        // the published range answered with its configured address; the excluded address failed
        assertThat(t.grep("alice      resolved 192.0.2.65 is 02:00:5e:00:00:40")).hasSize(1);
        assertThat(t.grep("alice      FAILED 192.0.2.70")).hasSize(1);
        // the ATM LIS: registration, resolution, NAK
        assertThat(t.grep("ATMARP server: registered")).hasSize(2);
        assertThat(t.grep("atm2       received packet")).hasSize(2);
        assertThat(t.grep("atm1       FAILED 198.51.100.150")).hasSize(1);
        // across the source-route bridge
        assertThat(t.grep("tr3        received packet")).hasSize(1);
        // the partition: FAILED, then recovery after the heal
        assertThat(t.grep("gw         FAILED 192.0.2.12")).hasSize(1);
        assertThat(t.grep("carol      received packet")).hasSize(1);
        assertThat(r.world().stats().failed()).isEqualTo(3);
        assertThat(r.world().stats().failed(org.uarpd.sim.SimStats.Failure.NAK)).isEqualTo(1);
        assertThat(r.world().stats().malformedFrames()).isZero();
        assertThat(r.summary()).contains("resolutions:", "latency", "frames per segment:", "token-ring", "ipoib");
    }

    @Test
    void everySegmentCaptureDissectsInTsharkWithoutMalformedPackets(@TempDir Path dir) throws IOException {
        run(null, dir);
        Path tshark = tshark();
        List<Path> captures;
        try (var files = Files.list(dir)) {
            captures = files.sorted().toList();
        }
        assertThat(captures).hasSize(7);
        for (Path capture : captures) {
            List<JsonNode> packets = dissect(tshark, capture);
            assertThat(packets).as("packets in %s", capture.getFileName()).isNotEmpty();
            for (int i = 0; i < packets.size(); i++) {
                List<String> problems = new ArrayList<>();
                collectProblems(packets.get(i), problems);
                assertThat(problems).as("tshark on %s frame %d", capture.getFileName(), i + 1).isEmpty();
            }
            String protocols = packets.toString();
            assertThat(protocols).as("%s carries ARP-family frames", capture.getFileName()).containsAnyOf("\"arp\"", "\"arp.opcode\"");
        }
    }

    @Test
    void sameSeedGivesByteIdenticalCapturesAndTimelines(@TempDir Path dir) throws IOException {
        ScenarioRunner first = run(7L, dir.resolve("one"));
        ScenarioRunner second = run(7L, dir.resolve("two"));
        assertThat(second.world().timeline().lines()).isEqualTo(first.world().timeline().lines());
        try (var files = Files.list(dir.resolve("one"))) {
            for (Path f : files.toList()) {
                assertThat(Files.readAllBytes(dir.resolve("two").resolve(f.getFileName()))).as("%s", f.getFileName()).isEqualTo(Files.readAllBytes(f));
            }
        }
        ScenarioRunner other = run(8L, null);
        assertThat(other.world().timeline().lines()).isNotEqualTo(first.world().timeline().lines());
    }

    static Path tshark() {
        for (String d : System.getenv().getOrDefault("PATH", "/usr/bin").split(":")) {
            Path p = Path.of(d, "tshark");
            if (Files.isExecutable(p)) return p;
        }
        return fail("tshark is not installed: install the Debian package 'tshark' (bin/test does so as root)");
    }

    /** Every packet's layers as tshark dissects {@code capture}, with {@code preferences} ({@code -o name:value}) set. */
    static List<JsonNode> dissect(Path tshark, Path capture, String... preferences) throws IOException {
        Path out = Files.createTempFile("uarpd-sim-tshark", ".json");
        try {
            List<String> command = new ArrayList<>(List.of(tshark.toString(), "-n", "-r", capture.toString(), "-T", "json"));
            for (String preference : preferences) command.addAll(List.of("-o", preference));
            Process p = new ProcessBuilder(command)
                    .redirectOutput(out.toFile()).redirectError(ProcessBuilder.Redirect.DISCARD).start();
            if (!p.waitFor(120, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                fail("tshark did not finish on " + capture);
            }
            if (p.exitValue() != 0) fail("tshark failed on " + capture + " with status " + p.exitValue());
            List<JsonNode> layers = new ArrayList<>();
            for (JsonNode pkt : new ObjectMapper().readTree(Files.readString(out, StandardCharsets.UTF_8))) {
                layers.add(pkt.path("_source").path("layers"));
            }
            return layers;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return fail("interrupted running tshark");
        } finally {
            Files.deleteIfExists(out);
        }
    }

    static void collectProblems(JsonNode node, List<String> out) {
        if (node.isObject()) {
            Iterator<Map.Entry<String, JsonNode>> it = node.fields();
            while (it.hasNext()) {
                Map.Entry<String, JsonNode> e = it.next();
                if (e.getKey().startsWith("_ws.malformed")) out.add(e.getKey() + "=" + e.getValue());
                if (e.getKey().equals("_ws.expert") && SEVERITY_ERROR.equals(e.getValue().path("_ws.expert.severity").asText())) {
                    out.add("expert error " + e.getValue());
                }
                collectProblems(e.getValue(), out);
            }
        } else if (node.isArray()) {
            for (JsonNode n : node) collectProblems(n, out);
        }
    }
}

package org.uarpd.sim.scenario;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.uarpd.engine.PositionedException;
import org.uarpd.sim.EngineResolver;

/** IPv6 written in the scenario language: addresses, a published range, datagrams and a late address; tshark reads the capture. */
class Ipv6ScenarioTest {
    static final String SCENARIO = """
            segment lan ethernet delay 50us
            host a uarpd
            iface a eth0 lan 02:00:00:00:00:01 192.0.2.1/24
            inet6 a eth0 2001:db8::1/64
            publish a eth0 2001:db8:0:0:1::/80 except 2001:db8::1:0:0:7
            host b uarpd
            iface b eth0 lan 02:00:00:00:00:02 192.0.2.2/24
            inet6 b eth0 2001:db8::2/64
            host c
            iface c eth0 lan 02:00:00:00:00:03 192.0.2.3/24
            inet6 c eth0 2001:db8::3/64
            at 2s send a 2001:db8::2
            at 2s send c 2001:db8::1
            at 3s send c 2001:db8::1:0:0:5
            at 3s send c 2001:db8::1:0:0:7
            at 4s addr c eth0 add 2001:db8::4/64
            at 5s send b 2001:db8::4
            run 10s
            """;

    static ScenarioRunner run(Path pcapDir) throws IOException, PositionedException {
        ScenarioRunner r = new ScenarioRunner(ScenarioParser.parse("ipv6.scenario", SCENARIO.lines().toList()), null, pcapDir,
                EngineResolver.forScenarios());
        r.run();
        return r;
    }

    @Test
    void resolvesAnswersForThePublishedRangeButNotItsExclusion() throws IOException, PositionedException {
        ScenarioRunner r = run(null);
        var t = r.world().timeline();
        assertThat(t.grep("b          received packet #1 from 2001:db8::1")).hasSize(1);
        assertThat(t.grep("a          received packet #2 from 2001:db8::3")).hasSize(1);
        assertThat(t.grep("c          resolved 2001:db8::1:0:0:5 is 02:00:00:00:00:01")).hasSize(1);
        assertThat(t.grep("c          FAILED 2001:db8::1:0:0:7")).hasSize(1);
        // an address added at 4 s is announced and answered by c's kernel
        assertThat(t.grep("c          received packet #5 from 2001:db8::2")).hasSize(1);
        assertThat(r.world().stats().failed()).isEqualTo(1);
        assertThat(r.world().stats().malformedFrames()).isZero();
    }

    @Test
    void theCaptureDissectsWithGoodChecksums(@TempDir Path dir) throws IOException, PositionedException {
        run(dir);
        List<JsonNode> packets = DefaultScenarioTest.dissect(DefaultScenarioTest.tshark(), dir.resolve("lan.pcap"), "udp.check_checksum:TRUE");
        int ns = 0;
        int na = 0;
        int udp = 0;
        for (int i = 0; i < packets.size(); i++) {
            JsonNode layers = packets.get(i);
            List<String> problems = new ArrayList<>();
            DefaultScenarioTest.collectProblems(layers, problems);
            assertThat(problems).as("frame %d", i + 1).isEmpty();
            JsonNode icmp = layers.path("icmpv6");
            if (!icmp.isMissingNode()) {
                assertThat(icmp.path("icmpv6.checksum.status").asText()).as("frame %d ICMPv6 checksum", i + 1).isEqualTo("1");
                String type = icmp.path("icmpv6.type").asText();
                if (type.equals("135")) ns++;
                if (type.equals("136")) na++;
            }
            JsonNode u = layers.path("udp");
            if (!u.isMissingNode()) {
                assertThat(u.path("udp.checksum.status").asText()).as("frame %d UDP checksum", i + 1).isEqualTo("1");
                udp++;
            }
        }
        assertThat(ns).isGreaterThanOrEqualTo(6);
        assertThat(na).isGreaterThanOrEqualTo(4);
        assertThat(udp).isEqualTo(4);
    }
}

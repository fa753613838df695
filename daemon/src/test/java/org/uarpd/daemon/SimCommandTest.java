package org.uarpd.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SimCommandTest {
    record Run(int code, String out, String err) {}

    static Run uarpd(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.execute(new PrintWriter(out, true), new PrintWriter(err, true), args);
        return new Run(code, out.toString(), err.toString());
    }

    @Test
    void defaultScenarioPrintsTimelineSummaryAndWritesCaptures(@TempDir Path dir) throws IOException {
        Run r = uarpd("sim", "--pcap-dir", dir.toString(), "--seed", "5");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("# uarpd sim: (default scenario), seed 5", "RTM_MISS", "uarpd: RESOLVED",
                "resolutions:", "latency", "frames per segment:");
        try (var files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString()).sorted())
                    .containsExactly("arc.pcap", "fddi.pcap", "ib.pcap", "lan.pcap", "lis.pcap", "ring.pcap", "ring2.pcap");
        }
    }

    @Test
    void quietPrintsOnlyTheSummary() {
        Run r = uarpd("sim", "-q");
        assertThat(r.code()).isZero();
        assertThat(r.out()).contains("resolutions:").doesNotContain("RTM_MISS");
    }

    @Test
    void aScenarioFileRuns(@TempDir Path dir) throws IOException {
        Path f = dir.resolve("two.scenario");
        Files.writeString(f, """
                segment lan ethernet
                host a uarpd
                iface a eth0 lan 02:00:00:00:00:01 192.0.2.1/24
                host b
                iface b eth0 lan 02:00:00:00:00:02 192.0.2.2/24
                at 1s send a 192.0.2.2
                run 2s
                """);
        Run r = uarpd("sim", f.toString());
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("RTM_ADD 192.0.2.2 02:00:00:00:00:02", "b          received packet #1", "1 resolved, 0 failed");
    }

    @Test
    void theRouteMonitorShowsTheRoutingSocketTraffic(@TempDir Path dir) throws IOException {
        Path f = dir.resolve("two.scenario");
        Files.writeString(f, """
                segment lan ethernet
                host a uarpd
                iface a eth0 lan 02:00:00:00:00:01 192.0.2.1/24
                host b
                iface b eth0 lan 02:00:00:00:00:02 192.0.2.2/24
                at 1s send a 192.0.2.2
                run 2s
                """);
        Run r = uarpd("sim", "--route-monitor", f.toString());
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("route monitor: RTM_IFINFO if#1", "route monitor: RTM_NEWADDR if#1",
                "route monitor: RTM_MISS if#1", "route monitor: RTM_ADD if#1");
    }

    @Test
    void aBadScenarioNamesFileLineAndField(@TempDir Path dir) throws IOException {
        Path f = dir.resolve("bad.scenario");
        Files.writeString(f, "segment lan ethernet\nsegment ring tokenring\nrun 1s\n");
        Run r = uarpd("sim", f.toString());
        assertThat(r.code()).isEqualTo(Main.EXIT_FAILED);
        assertThat(r.err()).contains(f + ":2: type: unknown link type 'tokenring'");
    }

    @Test
    void aMissingScenarioFileIsReported(@TempDir Path dir) {
        Run r = uarpd("sim", dir.resolve("nope.scenario").toString());
        assertThat(r.code()).isEqualTo(Main.EXIT_FAILED);
        assertThat(r.err()).contains("no such scenario file");
    }
}

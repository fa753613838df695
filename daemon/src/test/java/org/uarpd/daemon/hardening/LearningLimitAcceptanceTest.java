package org.uarpd.daemon.hardening;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.uarpd.daemon.UarpdProcess;
import org.uarpd.daemon.metrics.PromText;
import org.uarpd.linux.NamespaceLab;

/**
 * Learning from requests can never fill the kernel's neighbour table: the daemon derives its cap of
 * learnt-only entries from {@code net.ipv4.neigh.default.gc_thresh3} (a quarter of it, shared by its
 * links), says so at start, publishes it as a metric, and a stream of requests from more senders than
 * that leaves exactly the cap learnt, in the engine and in the kernel. H serves two links: u0
 * (192.0.2.1/24, flooded from P) and u1 (198.51.100.1/24).
 */
@Tag("netns")
@Tag("hardening")
class LearningLimitAcceptanceTest extends HostPeerLab {
    @BeforeAll
    static void build() throws Exception {
        HostState.requireTools("trafgen", "netsniff-ng", "curl", "curl");
        open("uhl");
        lab.veth(h, "u1", "198.51.100.1/24", p, "p1", "198.51.100.2/24");
    }

    /** The metrics of the daemon in H, once a snapshot satisfies {@code ready}; null if none did within 10 s. */
    private static PromText scrape(java.util.function.Predicate<PromText> ready) throws InterruptedException {
        PromText[] last = new PromText[1];
        boolean ok = HostState.await(Duration.ofSeconds(10), () -> {
            NamespaceLab.Result r = lab.run(h, "curl", "-sf", "http://127.0.0.1:9587/metrics");
            if (!r.ok()) return false;
            last[0] = PromText.parse(r.out());
            return ready.test(last[0]);
        });
        return ok ? last[0] : null;
    }

    private static Double learnt(PromText m, String family, String link) {
        return m.value(family, "link", link, "table", "neighbors.learnt");
    }

    @Test
    void learntEntriesStayAtAQuarterOfTheKernelsLimitSharedByTheLinks() throws Exception {
        // The kernel shows the limit only in the initial namespace (the table is shared); in H the daemon
        // cannot read it and takes the kernel's default, as this test does.
        NamespaceLab.Result shown = lab.run(h, "cat", "/proc/sys/net/ipv4/neigh/default/gc_thresh3");
        int limit = shown.ok() ? Integer.parseInt(shown.out().strip()) : 1024;
        int cap = Math.min(256, limit / 4 / 2);
        Path conf = dir.resolve("uarpd.toml");
        Files.writeString(conf, """
                [metrics]
                listen = "127.0.0.1:9587"
                [links.u0]
                mode = "authoritative"
                [links.u1]
                mode = "authoritative"
                """);
        try (UarpdProcess u = UarpdProcess.atDefaultLevel(lab, h, "--config", conf.toString(),
                "--control-socket", dir.resolve("ctl.sock").toString(), "--warm-up", "0")) {
            assertThat(u.log).as("the cap and where it comes from, at start").anyMatch(l -> l.contains("learning from requests: at most " + cap
                    + " entries a link, below the kernel's neighbour table limit " + limit));
            PromText before = scrape(m -> learnt(m, "uarpd_table_capacity", "u1") != null);
            assertThat(before).as("a scrape with the bounds").isNotNull();
            assertThat(learnt(before, "uarpd_table_capacity", "u0")).isEqualTo((double) cap);
            assertThat(learnt(before, "uarpd_table_capacity", "u1")).isEqualTo((double) cap);

            // 241 senders inside u0's subnet ask for 192.0.2.1 in turn, 100 a second for 9 s: far more
            // than the cap learnt, even at the learning rate (a burst of 64, then 32 a second).
            try (ArpFlood flood = ArpFlood.fromSenders(lab, p, "p0", 900, "100pps", "192.0.2", 10, 250, "192.0.2.1")) {
                assertThat(flood.process.waitFor(60, java.util.concurrent.TimeUnit.SECONDS)).as("trafgen finished").isTrue();
            }
            PromText after = scrape(m -> learnt(m, "uarpd_table_entries", "u0") != null && learnt(m, "uarpd_table_entries", "u0") >= cap);
            assertThat(after).as("learning reached the cap on u0\n" + u.logText()).isNotNull();
            assertThat(learnt(after, "uarpd_table_entries", "u0")).isEqualTo((double) cap);
            assertThat(learnt(after, "uarpd_table_entries", "u1")).isZero();
            long inKernel = lab.ok(h, "ip", "neigh", "show", "dev", "u0").lines().filter(l -> l.startsWith("192.0.2.")).count();
            assertThat(inKernel).as("the kernel's table on u0 holds no more than what was learnt and the peer").isBetween((long) cap, cap + 1L);
        }
    }
}

package org.uarpd.daemon.hardening;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.uarpd.daemon.UarpdProcess;
import org.uarpd.linux.NamespaceLab;

/**
 * Never worse off than the plain kernel: on one switch, uarpd's host H (192.0.2.1) and a plain-kernel
 * host K (192.0.2.3) get the same trafgen flood of requests for their own addresses (random sender
 * MACs, senders outside and inside 192.0.2.0/24) while each makes fresh resolutions of addresses of
 * the real peer R; a checker C arpings H's own and a published address during the flood.
 */
@Tag("netns")
@Tag("hardening")
class FloodAcceptanceTest {
    static final int RESOLUTIONS = 15;
    /** About 8 s of flood at the gap below on this 2-core box (trafgen stops by itself after this many). */
    static final long FRAMES = 200_000;
    static final String GAP = "30us";
    /** Growth of the daemon's RSS over the flood that counts as bounded: its tables' caps plus GC slack. */
    static final long RSS_GROWTH_KIB = 64 * 1024;
    static NamespaceLab lab;
    static String sw;
    static String h;
    static String k;
    static String r;
    static String c;
    static String f;
    static Path dir;

    @BeforeAll
    static void build() throws Exception {
        HostState.requireTools("trafgen", "netsniff-ng", "arping", "iputils-arping", "ping", "iputils-ping");
        lab = new NamespaceLab("uhf");
        sw = lab.namespace("sw");
        h = lab.namespace("h");
        k = lab.namespace("k");
        r = lab.namespace("r");
        c = lab.namespace("c");
        f = lab.namespace("f");
        lab.switchPort(sw, h, "u0", "192.0.2.1/24");
        lab.switchPort(sw, k, "k0", "192.0.2.3/24");
        lab.switchPort(sw, r, "r0", "192.0.2.2/24");
        lab.switchPort(sw, c, "c0", "192.0.2.4/24");
        lab.switchPort(sw, f, "f0", "192.0.2.9/24");
        for (int i = 0; i < RESOLUTIONS; i++) lab.ok(r, "ip", "addr", "add", "192.0.2." + (10 + i) + "/24", "dev", "r0");
        dir = Files.createTempDirectory("uarpd-flood");
    }

    @AfterAll
    static void tearDown() throws Exception {
        HostState.tearDown(lab, dir);
    }

    /** Pings each of R's addresses once, fresh (no entry for it yet); returns how many answered. */
    static int freshResolutions(String ns) {
        int ok = 0;
        for (int i = 0; i < RESOLUTIONS; i++) {
            if (lab.run(ns, "ping", "-c", "1", "-W", "1", "192.0.2." + (10 + i)).ok()) ok++;
        }
        return ok;
    }

    /** Frames the interface {@code dev} of namespace {@code ns} has received so far (its rx_packets counter). */
    static long receivedFrames(String ns, String dev) {
        return Long.parseLong(lab.ok(ns, "cat", "/sys/class/net/" + dev + "/statistics/rx_packets").strip());
    }

    static int neighbours(String ns, String dev) {
        return (int) lab.ok(ns, "ip", "neigh", "show", "dev", dev).lines().filter(l -> !l.isBlank()).count();
    }

    @Test
    void aFloodLeavesUarpdsHostAtLeastAsWellOffAsAPlainKernel() throws Exception {
        // The neighbour table and its thresholds are shared by every namespace; only the initial one shows them.
        long gcThresh3 = Long.parseLong(lab.ok(null, "cat", "/proc/sys/net/ipv4/neigh/default/gc_thresh3").strip());
        ExecutorService threads = Executors.newFixedThreadPool(4);
        try (UarpdProcess u = UarpdProcess.atDefaultLevel(lab, h, "--interface", "u0", "--mode", "authoritative",
                "--publish", "198.51.100.16/28", "--control-socket", dir.resolve("ctl.sock").toString(), "--warm-up", "2000")) {
            long pid = u.process.pid();
            long rssBefore = HostState.rssKib(pid);
            AtomicInteger maxH = new AtomicInteger();
            AtomicInteger maxK = new AtomicInteger();
            int uarpdOk;
            int kernelOk;
            boolean ownAnswered;
            boolean publishedAnswered;
            long receivedBefore = receivedFrames(h, "u0");
            try (ArpFlood flood = ArpFlood.start(lab, f, "f0", FRAMES, GAP, "192.0.2.1", "192.0.2.3")) {
                CompletableFuture<Integer> onH = CompletableFuture.supplyAsync(() -> freshResolutions(h), threads);
                CompletableFuture<Integer> onK = CompletableFuture.supplyAsync(() -> freshResolutions(k), threads);
                CompletableFuture<Boolean> own = CompletableFuture.supplyAsync(
                        () -> lab.run(c, "arping", "-c", "5", "-w", "6", "-I", "c0", "192.0.2.1").ok(), threads);
                CompletableFuture<Boolean> published = CompletableFuture.supplyAsync(
                        () -> lab.run(c, "arping", "-c", "5", "-w", "6", "-I", "c0", "198.51.100.17").ok(), threads);
                while (flood.running() || !onH.isDone() || !onK.isDone()) {
                    maxH.accumulateAndGet(neighbours(h, "u0"), Math::max);
                    maxK.accumulateAndGet(neighbours(k, "k0"), Math::max);
                    Thread.sleep(200); // the table's sampling period, not a synchronisation
                }
                uarpdOk = onH.get(60, TimeUnit.SECONDS);
                kernelOk = onK.get(60, TimeUnit.SECONDS);
                ownAnswered = own.get(30, TimeUnit.SECONDS);
                publishedAnswered = published.get(30, TimeUnit.SECONDS);
            }
            long rssAfter = HostState.rssKib(pid);
            long flooded = receivedFrames(h, "u0") - receivedBefore;
            List<String> outside = lab.ok(h, "ip", "neigh", "show", "dev", "u0").lines().filter(l -> l.startsWith("198.51.100.")).toList();
            String figures = "%d frames flooded; uarpd %d/%d, kernel %d/%d fresh resolutions; table max H %d K %d (gc_thresh3 %d); RSS %d → %d KiB; %s"
                    .formatted(flooded, uarpdOk, RESOLUTIONS, kernelOk, RESOLUTIONS, maxH.get(), maxK.get(), gcThresh3, rssBefore, rssAfter,
                            HostState.packetSocketDrops(lab, h));
            // Without the flood every other figure below would hold trivially.
            assertThat(flooded).as("the flood reached H's interface: " + figures).isGreaterThanOrEqualTo(FRAMES / 2);
            assertThat(kernelOk).as("the plain kernel resolved at least one peer, so the comparison means something: " + figures)
                    .isPositive();
            assertThat(outside).as("no binding for senders outside 192.0.2.0/24 (" + figures + ")").isEmpty();
            assertThat(uarpdOk).as("fresh resolutions at least the plain kernel's: " + figures).isGreaterThanOrEqualTo(kernelOk);
            assertThat(maxH.get()).as("kernel table on H within gc_thresh3: " + figures).isLessThanOrEqualTo((int) gcThresh3);
            assertThat(ownAnswered).as("arping of H's own address answered during the flood\n" + figures).isTrue();
            assertThat(publishedAnswered).as("arping of a published address answered during the flood\n" + figures).isTrue();
            assertThat(rssAfter - rssBefore).as("RSS growth bounded: " + figures).isLessThan(RSS_GROWTH_KIB);
            assertThat(u.process.isAlive()).isTrue();
        } finally {
            threads.shutdownNow();
        }
    }
}

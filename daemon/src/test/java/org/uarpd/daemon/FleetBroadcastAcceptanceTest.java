package org.uarpd.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.uarpd.daemon.FleetDaemonLab.read;
import static org.uarpd.daemon.FleetWire.decode;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.uarpd.linux.NamespaceLab;

/**
 * The directory's effect on broadcast ARP, measured on the wire in one run: N uarpd hosts of one fleet
 * on one bridge (192.0.2.0/24, etcd at .11) and N plain Linux hosts on another (198.51.100.0/24). In
 * each group every host pings every other host once, all hosts at the same time; tcpdump on each
 * bridge counts broadcast ARP requests from the moment the fleet's directory holds every host. Every
 * ping must succeed (a directory that blackholed would cut broadcasts too), and the fleet must send
 * at most 10 % of the plain hosts' broadcast requests. N is {@code -Duarpd.fleet.hosts} (default 5;
 * BENCHMARKS.md has the run with 20). Needs root, iproute2, tcpdump and etcd.
 */
@Tag("netns")
class FleetBroadcastAcceptanceTest {
    private static final int HOSTS = Integer.getInteger("uarpd.fleet.hosts", 5);

    @Test
    void theDirectoryCutsBroadcastRequests() throws Exception {
        assertThat(HOSTS).as("uarpd.fleet.hosts").isBetween(2, 99);
        try (FleetDaemonLab f = FleetDaemonLab.open("ufbc")) {
            String swFleet = f.sw;
            String swPlain = f.lab.namespace("swp");
            f.etcd();
            NamespaceLab lab = f.lab;
            List<UarpdProcess> daemons = new ArrayList<>();
            List<String> fleet = new ArrayList<>();
            List<String> plain = new ArrayList<>();
            for (int i = 1; i <= HOSTS; i++) {
                String member = lab.namespace("f" + i);
                lab.switchPort(swFleet, member, "f" + i, fleetIp(i) + "/24");
                fleet.add(member);
                String k = lab.namespace("k" + i);
                lab.switchPort(swPlain, k, "k" + i, plainIp(i) + "/24");
                plain.add(k);
            }
            long started = System.nanoTime();
            for (int i = 1; i <= HOSTS; i++) {
                daemons.add(UarpdProcess.withEnvironment(lab, fleet.get(i - 1), Map.of(), f.args("f" + i, "b")));
            }
            // Every host's own address and etcd's are in every host's copy.
            assertThat(Await.within(60 + 2 * HOSTS, () -> {
                for (int i = 1; i <= HOSTS; i++) if (f.directorySize("f" + i) < HOSTS + 1) return false;
                return true;
            })).as("directories complete: " + f.directorySize("f1") + "\n" + daemons.getFirst().logText()).isTrue();
            System.out.printf("fleet of %d up and its directory complete in %.1f s%n", HOSTS, (System.nanoTime() - started) / 1e9);

            Path fleetCapture = f.capture(swFleet, "br0", "fleet");
            Path plainCapture = f.capture(swPlain, "br0", "plain");
            List<Process> pingers = new ArrayList<>();
            List<Path> outputs = new ArrayList<>();
            for (int i = 1; i <= HOSTS; i++) {
                pingers.add(pingAll(f, fleet.get(i - 1), i, true, outputs));
                pingers.add(pingAll(f, plain.get(i - 1), i, false, outputs));
            }
            for (Process p : pingers) assertThat(p.waitFor(30L * HOSTS, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
            for (Path out : outputs) assertThat(read(out)).as("pings that failed (" + out.getFileName() + ")").doesNotContain("FAIL");

            // Each capture has seen every frame of the pings once tcpdump has flushed them; wait for the counts to settle.
            long[] counts = new long[2];
            Await.within(10, () -> {
                long c = broadcastRequests(fleetCapture);
                long k = broadcastRequests(plainCapture);
                boolean same = c == counts[0] && k == counts[1];
                counts[0] = c;
                counts[1] = k;
                return same && k > 0;
            });
            long fleetCount = counts[0];
            long plainCount = counts[1];
            double cut = 1 - (double) fleetCount / plainCount;
            System.out.printf("broadcast ARP requests with %d hosts each pinging every other: fleet %d, plain kernels %d, cut %.1f %%%n",
                    HOSTS, fleetCount, plainCount, 100 * cut);
            // Fewer than one per pair: a kernel asked by a host learns it (RFC 826) and need not ask back.
            assertThat(plainCount).as("broadcast requests of the plain kernels, seen on their bridge").isGreaterThanOrEqualTo(HOSTS - 1);
            assertThat(cut).as("cut in broadcast requests\n" + String.join("\n", decode(fleetCapture))).isGreaterThanOrEqualTo(0.9);
            for (UarpdProcess u : daemons) u.close();
        }
    }

    private static String fleetIp(int i) {
        return "192.0.2." + (100 + i);
    }

    private static String plainIp(int i) {
        return "198.51.100." + (100 + i);
    }

    /** Host {@code i} of a group pings every other host of it once, one after the other; failures are written as FAIL. */
    private static Process pingAll(FleetDaemonLab f, String ns, int i, boolean fleet, List<Path> outputs) {
        StringBuilder targets = new StringBuilder();
        for (int j = 1; j <= HOSTS; j++) if (j != i) targets.append(fleet ? fleetIp(j) : plainIp(j)).append(' ');
        Path out = f.dir.resolve((fleet ? "f" : "k") + i + ".ping");
        outputs.add(out);
        return f.lab.start(ns, ProcessBuilder.Redirect.to(out.toFile()), ProcessBuilder.Redirect.appendTo(out.toFile()), "sh", "-c",
                "for t in " + targets + "; do ping -c 1 -W 3 -q $t > /dev/null || echo FAIL $t; done");
    }

    private static long broadcastRequests(Path pcap) {
        return decode(pcap).stream().filter(l -> l.contains("> ff:ff:ff:ff:ff:ff") && l.contains("Request who-has")).count();
    }
}

package org.uarpd.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.uarpd.daemon.FleetAcceptanceTest.ctl;
import static org.uarpd.daemon.FleetAcceptanceTest.decode;
import static org.uarpd.daemon.FleetAcceptanceTest.read;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
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
    private static final Pattern DIRECTORY = Pattern.compile("directory (\\d+) entries");

    static FleetDaemonLab fleetLab;
    static NamespaceLab lab;
    static Path dir;

    @BeforeAll
    static void build() throws Exception {
        fleetLab = FleetDaemonLab.open("ufbc");
        lab = fleetLab.lab;
        dir = fleetLab.dir;
        assertThat(HOSTS).as("uarpd.fleet.hosts").isBetween(2, 99);
    }

    @AfterAll
    static void tearDown() throws Exception {
        if (fleetLab != null) fleetLab.close();
    }

    @Test
    void theDirectoryCutsBroadcastRequests() throws Exception {
        String swFleet = lab.namespace("swf");
        String swPlain = lab.namespace("swp");
        Process etcd = fleetLab.etcd(swFleet);
        List<UarpdProcess> daemons = new ArrayList<>();
        List<Process> tools = new ArrayList<>();
        try {
            List<String> fleet = new ArrayList<>();
            List<String> plain = new ArrayList<>();
            for (int i = 1; i <= HOSTS; i++) {
                String f = lab.namespace("f" + i);
                lab.switchPort(swFleet, f, "f" + i, fleetIp(i) + "/24");
                fleet.add(f);
                String k = lab.namespace("k" + i);
                lab.switchPort(swPlain, k, "k" + i, plainIp(i) + "/24");
                plain.add(k);
            }
            long started = System.nanoTime();
            for (int i = 1; i <= HOSTS; i++) {
                daemons.add(UarpdProcess.withEnvironment(lab, fleet.get(i - 1), Map.of(), fleetLab.args("f" + i, "b")));
            }
            // Every host's own address and etcd's are in every host's copy.
            assertThat(Await.within(60 + 2 * HOSTS, () -> {
                for (int i = 1; i <= HOSTS; i++) if (directorySize(i) < HOSTS + 1) return false;
                return true;
            })).as("directories complete: " + directorySize(1) + "\n" + daemons.getFirst().logText()).isTrue();
            System.out.printf("fleet of %d up and its directory complete in %.1f s%n", HOSTS, (System.nanoTime() - started) / 1e9);

            Path fleetCapture = capture(swFleet, "fleet", tools);
            Path plainCapture = capture(swPlain, "plain", tools);
            List<Process> pingers = new ArrayList<>();
            List<Path> outputs = new ArrayList<>();
            for (int i = 1; i <= HOSTS; i++) {
                pingers.add(pingAll(fleet.get(i - 1), i, true, outputs));
                pingers.add(pingAll(plain.get(i - 1), i, false, outputs));
            }
            tools.addAll(pingers);
            for (Process p : pingers) assertThat(p.waitFor(30L * HOSTS, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
            for (Path out : outputs) assertThat(read(out)).as("pings that failed (" + out.getFileName() + ")").doesNotContain("FAIL");

            // Each capture has seen every frame of the pings once tcpdump has flushed them; wait for the counts to settle.
            long[] counts = new long[2];
            Await.within(10, () -> {
                long f = broadcastRequests(fleetCapture);
                long k = broadcastRequests(plainCapture);
                boolean same = f == counts[0] && k == counts[1];
                counts[0] = f;
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
        } finally {
            for (Process p : tools) p.destroyForcibly();
            for (UarpdProcess u : daemons) u.close();
            etcd.destroyForcibly();
            etcd.waitFor();
        }
    }

    private static String fleetIp(int i) {
        return "192.0.2." + (100 + i);
    }

    private static String plainIp(int i) {
        return "198.51.100." + (100 + i);
    }

    /** tcpdump on the bridge of switch {@code ns}: every broadcast reaches the bridge's own port. */
    private static Path capture(String ns, String name, List<Process> tools) throws InterruptedException {
        Path pcap = dir.resolve(name + ".pcap");
        Path err = dir.resolve(name + ".err");
        tools.add(lab.start(ns, ProcessBuilder.Redirect.DISCARD, ProcessBuilder.Redirect.to(err.toFile()),
                "tcpdump", "-Z", "root", "-i", "br0", "-n", "-U", "-w", pcap.toString(), "arp"));
        assertThat(Await.within(10, () -> read(err).contains("listening on"))).as(read(err)).isTrue();
        return pcap;
    }

    /** Host {@code i} of a group pings every other host of it once, one after the other; failures are written as FAIL. */
    private static Process pingAll(String ns, int i, boolean fleet, List<Path> outputs) {
        StringBuilder targets = new StringBuilder();
        for (int j = 1; j <= HOSTS; j++) if (j != i) targets.append(fleet ? fleetIp(j) : plainIp(j)).append(' ');
        Path out = dir.resolve((fleet ? "f" : "k") + i + ".ping");
        outputs.add(out);
        return lab.start(ns, ProcessBuilder.Redirect.to(out.toFile()), ProcessBuilder.Redirect.appendTo(out.toFile()), "sh", "-c",
                "for t in " + targets + "; do ping -c 1 -W 3 -q $t > /dev/null || echo FAIL $t; done");
    }

    private static long broadcastRequests(Path pcap) {
        return decode(pcap).stream().filter(l -> l.contains("> ff:ff:ff:ff:ff:ff") && l.contains("Request who-has")).count();
    }

    private static int directorySize(int i) {
        Matcher m = DIRECTORY.matcher(ctl(socket(i), "show", "fleet"));
        return m.find() ? Integer.parseInt(m.group(1)) : -1;
    }

    private static Path socket(int i) {
        return fleetLab.socket("f" + i);
    }
}

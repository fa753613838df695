package org.uarpd.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.uarpd.daemon.FleetDaemonLab.VIP;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Failover through the daemon, trial after trial: one etcd member, two uarpd hosts publishing
 * 198.51.100.7 as one group, a plain peer sending a broadcast request for it every 10 ms (each from a
 * hardware address of its own) under tcpdump. Each trial stops the owner — SIGKILL (the lease has to
 * expire) or SIGTERM (it hands the group over) — and times, on the wire, the new owner's first answer
 * after the signal and the gap since the old owner's last answer; then it starts the stopped host
 * again as the standby. Every trial also checks that no request got two answers, through the
 * failovers and the restarts.
 *
 * <p>By default two trials of each (a check that the measurement works); {@code bench/fleet-failover}
 * runs the distribution for BENCHMARKS.md with {@code -Duarpd.fleet.trials=50}, and
 * {@code -Duarpd.fleet.ttl}, {@code .heartbeat}, {@code .election} (etcd's flags, in ms) for the
 * smallest TTL. Timings are printed, never asserted. Needs root, iproute2, scapy, tcpdump and etcd.
 */
@Tag("netns")
class FleetFailoverTrialsTest {
    private static final int TRIALS = Integer.getInteger("uarpd.fleet.trials", 2);
    private static final int TTL_SECONDS = Integer.getInteger("uarpd.fleet.ttl", 2);
    private static final int HEARTBEAT_MS = Integer.getInteger("uarpd.fleet.heartbeat", 100);
    private static final int ELECTION_MS = Integer.getInteger("uarpd.fleet.election", 1000);
    private static final int PROBE_MS = 10;
    private static final Pattern TTL = Pattern.compile(" ttl (\\d+)s ");

    @Test
    void sigkill() throws Exception {
        trials(true);
    }

    @Test
    void cleanStop() throws Exception {
        trials(false);
    }

    private static void trials(boolean kill) throws Exception {
        String what = kill ? "SIGKILL" : "SIGTERM";
        try (FleetDaemonLab f = FleetDaemonLab.open(kill ? "uffk" : "uffs")) {
            f.fleetKeys = "lease-ttl = \"" + TTL_SECONDS + "s\"\n";
            f.etcd(1, HEARTBEAT_MS, ELECTION_MS);
            FleetDaemonLab.Segment s = f.segment();
            List<String> ns = List.of(s.h1(), s.h2());
            List<String> names = List.of("h1", "h2");
            List<String> macs = List.of(s.mac1(), s.mac2());
            UarpdProcess[] u = f.ownerAndStandby(s, "t").toArray(UarpdProcess[]::new);
            Matcher granted = TTL.matcher(f.ctl("h1", "show", "fleet"));
            assertThat(granted.find()).isTrue();
            String load = Files.readString(Path.of("/proc/loadavg")).strip();
            Process prober = f.prober(s.p(), "pp", VIP, PROBE_MS, "prober");
            List<Double> takeovers = new ArrayList<>();
            List<Double> gaps = new ArrayList<>();
            int owner = 0;
            for (int t = 1; t <= TRIALS; t++) {
                int old = owner;
                int next = 1 - owner;
                assertThat(Await.within(60, () -> {
                    String shown = f.ctl(names.get(next), "show", "fleet");
                    return shown.contains(" connected") && shown.contains(VIP + " owner " + names.get(old));
                })).as("trial " + t + ": " + names.get(next) + " stands by\n" + f.ctl(names.get(next), "show", "fleet")).isTrue();
                Path capture = f.capture(s.p(), "pp", "trial" + t);
                assertThat(Await.within(30, () -> FleetWire.answersFrom(capture, VIP, macs.get(old)) >= 5)).as("trial " + t + ": the owner answers").isTrue();
                long signalled = System.currentTimeMillis() * 1000;
                if (kill) {
                    u[old].kill();
                    Files.deleteIfExists(f.socket(names.get(old))); // a killed uarpd cannot remove it
                } else {
                    u[old].terminate();
                }
                assertThat(Await.within(15, () -> FleetWire.answersFrom(capture, VIP, macs.get(next)) >= 5))
                        .as("trial " + t + ": " + names.get(next) + " takes over\n" + u[next].logText()).isTrue();
                assertThat(FleetWire.oneAnswerPerRequest(capture, VIP)).as("trial " + t + ": answering stations").containsExactly(macs.get(old), macs.get(next));
                List<FleetWire.Probe> probes = FleetWire.probes(capture, VIP);
                long first = FleetWire.firstAnswerFrom(probes, macs.get(next), 0);
                long last = probes.stream().flatMap(p -> p.answers().stream()).filter(a -> a.from().equals(macs.get(old)))
                        .mapToLong(FleetWire.Answer::micros).max().orElseThrow();
                takeovers.add((first - signalled) / 1000.0);
                gaps.add((first - last) / 1000.0);
                System.out.printf("fleet failover trial %d (%s): %s answers %.1f ms after the signal, %.1f ms after %s's last answer%n",
                        t, what, names.get(next), takeovers.getLast(), gaps.getLast(), names.get(old));
                f.dropCapture(capture);
                u[old] = f.publisher(ns.get(old), names.get(old), "t");
                owner = next;
            }
            FleetDaemonLab.stop(prober);
            System.out.printf("fleet failover %s: %d trials, lease TTL %d s (granted %s s), etcd heartbeat %d ms election %d ms, requests every %d ms;"
                    + " load average at start %s, at end %s%n", what, TRIALS, TTL_SECONDS, granted.group(1), HEARTBEAT_MS, ELECTION_MS, PROBE_MS,
                    load, Files.readString(Path.of("/proc/loadavg")).strip());
            System.out.println("fleet failover " + what + " after the signal: " + summary(takeovers));
            System.out.println("fleet failover " + what + " unanswered gap: " + summary(gaps));
            for (UarpdProcess d : u) d.close();
        }
    }

    /** min, median, p99 (nearest rank) and max of {@code ms}. */
    private static String summary(List<Double> ms) {
        List<Double> sorted = ms.stream().sorted().toList();
        int n = sorted.size();
        return String.format("min %.0f ms, median %.0f ms, p99 %.0f ms, max %.0f ms (n %d)", sorted.getFirst(),
                sorted.get((int) Math.ceil(0.5 * n) - 1), sorted.get((int) Math.ceil(0.99 * n) - 1), sorted.getLast(), n);
    }
}

package org.uarpd.bench;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.uarpd.daemon.SelfLauncher;
import org.uarpd.linux.NamespaceLab;

/**
 * End-to-end benchmark of issue 4 (results go to BENCHMARKS.md): first-packet ping RTT after flushing
 * both neighbour caches, with uarpd authoritative resolving for the pinging host against the kernel
 * resolving natively, alternated in one run; then {@code arp-scan -B 100M -r 1} of a published /24,
 * uarpd against the kernel's proxy ARP ({@code proxy_delay} 0), in the same run.
 *
 * <p>Two separate namespace pairs, same addresses: U (uarpd host "uh" u0 192.0.2.1 — peer "up" p0
 * 192.0.2.2) and K (plain host "kh" k0 192.0.2.1 — peer "kp" q0 192.0.2.2). Needs root.
 *
 * <pre>java --enable-native-access=ALL-UNNAMED -cp "bench/target/classes:$(cat cp.txt)" org.uarpd.bench.FirstPacketLatency [pairs [warm-up pairs]] [--busy-poll] [--realtime] [--spin-us=N] [--gap-ms=N] [--uarpd-cpus=LIST]</pre>
 *
 * <p>{@code --spin-us=N} is passed to {@code uarpd run} (its spin window after each event).
 * {@code --gap-ms=N} waits N ms between flushing the caches and the ping, on both sides: the flush of
 * the uarpd host's cache is itself an event uarpd sees (RTM_DELNEIGH), and without a gap longer than
 * the spin window the miss would arrive while uarpd still spins after it — a warm first packet that
 * a real first packet after idle would not get. {@code --uarpd-cpus=LIST} starts uarpd under
 * {@code taskset -c LIST} (an affinity experiment).
 */
public final class FirstPacketLatency {
    private static final Pattern TIME = Pattern.compile("time=([0-9.]+) ms");
    private static final String PUBLISHED = "198.51.100.0/24";
    private static final String PUBLISH_MAC = "02:00:5e:00:53:01";

    private FirstPacketLatency() {}

    public static void main(String[] args) throws Exception {
        List<String> flags = new ArrayList<>();
        List<String> numbers = new ArrayList<>();
        for (String a : args) (a.startsWith("--") ? flags : numbers).add(a);
        int pairs = numbers.size() > 0 ? Integer.parseInt(numbers.get(0)) : 60;
        int warmup = numbers.size() > 1 ? Integer.parseInt(numbers.get(1)) : 50;
        boolean busyPoll = flags.contains("--busy-poll");
        boolean realtime = flags.contains("--realtime");
        String spin = valueOf(flags, "--spin-us=");
        String gap = valueOf(flags, "--gap-ms=");
        gapMillis = gap == null ? 0 : Integer.parseInt(gap);
        String cpus = valueOf(flags, "--uarpd-cpus="); // experiment: uarpd under `taskset -c CPUS`
        String missing = NamespaceLab.missingPrivileges("to build its namespaces");
        if (missing != null) {
            System.err.println("FirstPacketLatency: " + missing);
            System.exit(1);
        }
        try (NamespaceLab lab = new NamespaceLab()) {
            String uh = lab.namespace("uh");
            String up = lab.namespace("up");
            String kh = lab.namespace("kh");
            String kp = lab.namespace("kp");
            lab.veth(uh, "u0", "192.0.2.1/24", up, "p0", "192.0.2.2/24");
            lab.veth(kh, "k0", "192.0.2.1/24", kp, "q0", "192.0.2.2/24");
            // Kernel proxy ARP for the /24 on K: a route out of another interface, forwarding, no delay.
            // (a veth pair inside kh stands in for "another interface": no dummy module needed)
            lab.ok(kh, "ip", "link", "add", "kx0", "type", "veth", "peer", "name", "kx1");
            lab.ok(kh, "ip", "link", "set", "kx0", "up");
            lab.ok(kh, "ip", "link", "set", "kx1", "up");
            lab.ok(kh, "ip", "route", "add", PUBLISHED, "dev", "kx0");
            lab.ok(kh, "sysctl", "-qw", "net.ipv4.ip_forward=1");
            lab.ok(kh, "sysctl", "-qw", "net.ipv4.conf.k0.proxy_arp=1");
            lab.ok(kh, "sysctl", "-qw", "net.ipv4.neigh.k0.proxy_delay=0");

            List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", uh));
            if (cpus != null) cmd.addAll(List.of("taskset", "-c", cpus));
            List<String> run = new ArrayList<>(List.of("run", "--quiet", "--interface", "u0", "--mode", "authoritative",
                    "--publish", PUBLISHED, "--publish-mac", PUBLISH_MAC));
            if (busyPoll) run.add("--busy-poll");
            if (spin != null) run.addAll(List.of("--spin-us", spin));
            if (realtime) run.addAll(List.of("--realtime", "10")); // SCHED_FIFO 10: wakes ahead of ordinary work
            cmd.addAll(SelfLauncher.command(run.toArray(String[]::new)));
            Process uarpd = lab.start(null, ProcessBuilder.Redirect.DISCARD, ProcessBuilder.Redirect.INHERIT, cmd.toArray(String[]::new));
            awaitAuthoritative(lab, uh);

            // Warm-up: both paths, not measured (JIT, first-use page faults).
            for (int i = 0; i < warmup; i++) {
                firstPing(lab, uh, up);
                firstPing(lab, kh, kp);
            }
            double[] u = new double[pairs];
            double[] k = new double[pairs];
            long wireRequests = 0;
            for (int i = 0; i < pairs; i++) {
                long before = framesReceived(lab, up);
                if (i % 2 == 0) {
                    u[i] = firstPing(lab, uh, up);
                    k[i] = firstPing(lab, kh, kp);
                } else {
                    k[i] = firstPing(lab, kh, kp);
                    u[i] = firstPing(lab, uh, up);
                }
                wireRequests += framesReceived(lab, up) - before - 1; // minus the echo request itself
            }
            System.out.println("# First-packet ping RTT after flushing both neighbour caches (" + pairs + " alternated pairs, "
                    + warmup + " warm-up pairs first; uarpd " + (busyPoll ? "--busy-poll" : "sleeping in poll")
                    + (spin != null ? ", --spin-us " + spin : ", default spin window")
                    + (realtime ? ", SCHED_FIFO 10" : ", normal priority") + (cpus != null ? ", taskset -c " + cpus : "") + ", " + gapMillis + " ms from flush to ping)");
            System.out.printf(Locale.ROOT, "uarpd authoritative: median %.3f ms, p99 %.3f ms, min %.3f, max %.3f%n",
                    percentile(u, 50), percentile(u, 99), percentile(u, 0), percentile(u, 100));
            System.out.printf(Locale.ROOT, "kernel native:       median %.3f ms, p99 %.3f ms, min %.3f, max %.3f%n",
                    percentile(k, 50), percentile(k, 99), percentile(k, 0), percentile(k, 100));
            System.out.printf(Locale.ROOT, "median ratio uarpd/kernel: %.2f (target <= 2.0); p99 ratio %.2f%n",
                    percentile(u, 50) / percentile(k, 50), percentile(u, 99) / percentile(k, 99));
            System.out.println("ARP requests uarpd put on the wire during the measured uarpd pings: " + wireRequests
                    + " (" + pairs + " expected: each first packet was resolved on the wire, not from a cache)");

            System.out.println("# arp-scan -B 100M -r 1 of " + PUBLISHED);
            scan(lab, up, "p0", "uarpd published");
            scan(lab, kp, "q0", "kernel proxy_arp, proxy_delay 0");

            uarpd.toHandle().destroy(); // SIGTERM, keeping its stderr open for the last lines
            uarpd.waitFor(15, TimeUnit.SECONDS);
        }
    }

    private static int gapMillis;

    private static String valueOf(List<String> flags, String prefix) {
        for (String f : flags) if (f.startsWith(prefix)) return f.substring(prefix.length());
        return null;
    }

    /** Waits until uarpd's nftables table exists in {@code ns}: then its loop is running. */
    private static void awaitAuthoritative(NamespaceLab lab, String ns) throws InterruptedException {
        for (int i = 0; i < 300; i++) {
            if (lab.run(ns, "nft", "list", "tables").out().contains("uarpd")) {
                Thread.sleep(200);
                return;
            }
            Thread.sleep(50);
        }
        throw new IllegalStateException("uarpd did not start in " + ns + " within 15 s");
    }

    /** Flushes both kernels' neighbour caches, then returns the RTT of one ping from host to peer, in ms. */
    private static double firstPing(NamespaceLab lab, String host, String peer) {
        lab.ok(host, "ip", "neigh", "flush", "all");
        lab.ok(peer, "ip", "neigh", "flush", "all");
        if (gapMillis > 0) {
            try {
                Thread.sleep(gapMillis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        NamespaceLab.Result r = lab.run(host, "ping", "-n", "-c", "1", "-W", "3", "192.0.2.2");
        Matcher m = TIME.matcher(r.out());
        if (!r.ok() || !m.find()) throw new IllegalStateException("ping from " + host + " failed: " + r.out() + r.err());
        return Double.parseDouble(m.group(1));
    }

    /** Frames the peer's p0 has received (ARP requests and echo requests alike). */
    private static long framesReceived(NamespaceLab lab, String peer) {
        return Long.parseLong(lab.ok(peer, "cat", "/sys/class/net/p0/statistics/rx_packets").strip());
    }

    private static void scan(NamespaceLab lab, String ns, String iface, String label) {
        NamespaceLab.Result r = lab.run(ns, "arp-scan", "-I", iface, "-B", "100M", "-r", "1", "-x", "-D",
                "-F", "${ip} ${mac} ${rtt}", PUBLISHED);
        List<String> lines = r.out().lines().filter(l -> !l.isBlank()).toList();
        double[] rtt = lines.stream().mapToDouble(l -> Double.parseDouble(l.split(" ")[2])).toArray();
        System.out.printf(Locale.ROOT, "%-34s answered %d of 256, reply latency median %.3f ms, p99 %.3f ms%n",
                label + ":", lines.size(), rtt.length == 0 ? Double.NaN : percentile(rtt, 50), rtt.length == 0 ? Double.NaN : percentile(rtt, 99));
    }

    static double percentile(double[] values, double p) {
        double[] s = values.clone();
        Arrays.sort(s);
        int i = (int) Math.ceil(p / 100.0 * s.length) - 1;
        return s[Math.max(0, Math.min(s.length - 1, i))];
    }
}

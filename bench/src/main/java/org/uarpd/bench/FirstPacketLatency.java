package org.uarpd.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
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
 * First-packet ping RTT after flushing both neighbour caches, three resolvers in one alternated run
 * (results go to BENCHMARKS.md): uarpd, the floor (our minimal C resolver of the same architecture,
 * {@code bench/src/main/c/floor.c}, built with gcc here) and the kernel resolving natively. Then
 * {@code arp-scan -B 100M -r 1} of a published /24, uarpd against the kernel's proxy ARP
 * ({@code proxy_delay} 0).
 *
 * <p>Three separate namespace pairs, same addresses: U (uarpd host "uh" u0 192.0.2.1 — peer "up" p0
 * 192.0.2.2), F (floor host "fh" f0 — peer "fp" g0) and K (plain host "kh" k0 — peer "kp" q0). Each
 * round flushes both caches of one pair and pings once, for the three pairs in an order that cycles
 * through all six permutations. The peers are plain kernels. Needs root.
 *
 * <p>{@code --family=6} adds IPv6 to the uarpd and kernel pairs (host 2001:db8:1::1/64, peer
 * 2001:db8:1::2/64, no DAD) and two more series to every round, {@code ping -6} to the peer after the
 * same flush of both caches: uarpd resolving by neighbour discovery, and the kernel natively. The five
 * series go in an order that rotates each round; the report adds uarpd's IPv6 figure against the
 * kernel's (target ≤ 2.5×) and against its own IPv4 one from the same rounds. The floor speaks ARP only.
 *
 * <pre>java --enable-native-access=ALL-UNNAMED -cp "bench/target/classes:daemon/target/uarpd.jar:daemon/target/lib/*" \
 *      org.uarpd.bench.FirstPacketLatency [rounds [warm-up rounds]] [--busy-poll] [--mode=assist] [--no-misses] [--stages]
 *      [--family=6] [--count-syscalls] [--no-scan] [--scans=N] [--floor-mode=M] [--realtime] [--spin-us=N] [--gap-ms=N] [--uarpd-cpus=LIST] [--uarpd-jvm=OPTION]... [--uarpd-out=FILE] [--warm-up=N]</pre>
 *
 * <ul>
 * <li>{@code --mode=assist}: uarpd {@code --mode assist} and the floor in assist (app_solicit 1 only;
 *   the kernel keeps its ARP). {@code --no-misses}: uarpd {@code --mode answer} (answers, learns from its
 *   packet socket, takes no miss: the kernel resolves alone) and the floor in observe-bare. {@code --floor-mode=M}
 *   runs the floor in mode M instead (see floor.c: observe, observe-requests).
 * <li>{@code --stages}: uarpd is {@link StagedUarpd} (the same loop, policy and warm-up, with a stamp at
 *   each stage of a resolution), and the floor stamps its own; both tables are printed at the end.
 * <li>{@code --scans=N}: N arp-scans of each, alternated (the first may meet code not compiled yet).
 * <li>{@code --count-syscalls}: after the measured rounds, 20 more rounds of uarpd and the floor with
 *   strace attached (counts only; strace slows every call).
 * <li>uarpd runs with the JVM options of {@code bin/uarpd} (no speculative traps) plus each
 *   {@code --uarpd-jvm=OPTION}; {@code --uarpd-out=FILE} keeps its stdout (e.g. -XX:+PrintCompilation).
 * <li>{@code --spin-us}, {@code --realtime}, {@code --uarpd-cpus} (taskset) are passed to uarpd;
 *   {@code --gap-ms=N} waits N ms between the flushes and the ping (past a spin window).
 * </ul>
 */
public final class FirstPacketLatency {
    private static final Pattern TIME = Pattern.compile("time=([0-9.]+) ms");
    private static final String PUBLISHED = "198.51.100.0/24";
    private static final String PUBLISH_MAC = "02:00:5e:00:53:01";
    private static final String UARPD_READY = "uarpd ready";
    private static final int TRACED_ROUNDS = 20;

    /** One namespace pair: a host that resolves and the peer it pings. */
    private record Pair(String label, String host, String hostIf, String peer, String peerIf) {}

    /** One measured series: a pair, and the peer address its ping goes to (IPv4 or IPv6). */
    private record Series(Pair pair, String target) {
        boolean ipv6() {
            return target.indexOf(':') >= 0;
        }
    }

    private static final String HOST6 = "2001:db8:1::1";
    private static final String PEER6 = "2001:db8:1::2";

    private static int gapMillis;

    private FirstPacketLatency() {}

    public static void main(String[] args) throws Exception {
        List<String> flags = new ArrayList<>();
        List<String> numbers = new ArrayList<>();
        for (String a : args) (a.startsWith("--") ? flags : numbers).add(a);
        int rounds = numbers.size() > 0 ? Integer.parseInt(numbers.get(0)) : 60;
        int warmup = numbers.size() > 1 ? Integer.parseInt(numbers.get(1)) : 50;
        boolean busyPoll = flags.contains("--busy-poll");
        boolean noMisses = flags.contains("--no-misses");
        boolean assist = "assist".equals(valueOf(flags, "--mode="));
        boolean stages = flags.contains("--stages");
        boolean realtime = flags.contains("--realtime");
        String spin = valueOf(flags, "--spin-us=");
        String warmUp = valueOf(flags, "--warm-up="); // uarpd's own rehearsal rounds (its default when absent)
        String gap = valueOf(flags, "--gap-ms=");
        gapMillis = gap == null ? 0 : Integer.parseInt(gap);
        String cpus = valueOf(flags, "--uarpd-cpus=");
        String uarpdOut = valueOf(flags, "--uarpd-out=");
        String missing = NamespaceLab.missingPrivileges("to build its namespaces");
        if (missing != null) {
            System.err.println("FirstPacketLatency: " + missing);
            System.exit(1);
        }
        if (stages && flags.contains("--count-syscalls")) {
            System.err.println("FirstPacketLatency: --stages and --count-syscalls go in separate runs (strace would slow the stamped resolutions)");
            System.exit(2);
        }
        Path floorBinary = FloorResolver.build();
        String mode = noMisses ? "answer" : assist ? "assist" : "authoritative";
        try (NamespaceLab lab = new NamespaceLab()) {
            Pair u = new Pair("uarpd", lab.namespace("uh"), "u0", lab.namespace("up"), "p0");
            Pair f = new Pair("floor", lab.namespace("fh"), "f0", lab.namespace("fp"), "g0");
            Pair k = new Pair("kernel", lab.namespace("kh"), "k0", lab.namespace("kp"), "q0");
            for (Pair p : List.of(u, f, k)) lab.veth(p.host, p.hostIf, "192.0.2.1/24", p.peer, p.peerIf, "192.0.2.2/24");
            boolean six = "6".equals(valueOf(flags, "--family="));
            if (six) {
                for (Pair p : List.of(u, k)) {
                    lab.ok(p.host, "ip", "-6", "addr", "add", HOST6 + "/64", "dev", p.hostIf, "nodad");
                    lab.ok(p.peer, "ip", "-6", "addr", "add", PEER6 + "/64", "dev", p.peerIf, "nodad");
                }
            }
            kernelProxy(lab, k.host);

            List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", u.host));
            if (cpus != null) cmd.addAll(List.of("taskset", "-c", cpus));
            // A control socket of its own: never the host's default path, which an installed uarpd may hold.
            Path control = Files.createTempDirectory("uarpd-bench");
            control.toFile().deleteOnExit();
            List<String> run = new ArrayList<>(List.of("run", "--quiet", "--interface", "u0", "--mode", mode,
                    "--publish", PUBLISHED, "--publish-mac", PUBLISH_MAC, "--control-socket", control.resolve("control.sock").toString()));
            if (busyPoll) run.add("--busy-poll");
            if (spin != null) run.addAll(List.of("--spin-us", spin));
            if (warmUp != null) run.addAll(List.of("--warm-up", warmUp));
            if (realtime) run.addAll(List.of("--realtime", "10"));
            List<String> java = new ArrayList<>(SelfLauncher.command(run.toArray(String[]::new)));
            // SelfLauncher already gives the JVM options of bin/uarpd (measured as installed); these come after them.
            List<String> jvm = new ArrayList<>();
            for (String o : flags) if (o.startsWith("--uarpd-jvm=")) jvm.add(o.substring("--uarpd-jvm=".length()));
            if (stages) jvm.add("-Dstages.keep=" + rounds);
            java.addAll(1 + SelfLauncher.JVM_OPTIONS.size(), jvm);
            if (stages) java.set(java.indexOf(org.uarpd.daemon.Main.class.getName()), StagedUarpd.class.getName());
            cmd.addAll(java);
            Path uarpdErr = Files.createTempFile("uarpd-bench", ".err");
            Path uarpdStdout = uarpdOut != null ? Path.of(uarpdOut) : Files.createTempFile("uarpd-bench", ".out");
            Process uarpd = lab.start(null, ProcessBuilder.Redirect.to(uarpdStdout.toFile()), ProcessBuilder.Redirect.to(uarpdErr.toFile()),
                    cmd.toArray(String[]::new));
            Path floorOut = Files.createTempFile("uarpd-floor", ".out");
            List<String> floorCmd = new ArrayList<>(List.of("ip", "netns", "exec", f.host));
            if (stages) floorCmd.addAll(List.of("env", "FLOOR_STAMPS=" + rounds));
            // Without misses the floor neither joins RTNLGRP_NEIGH nor resolves: as uarpd --mode answer.
            String floorMode = valueOf(flags, "--floor-mode=") != null ? valueOf(flags, "--floor-mode=") : noMisses ? "observe-bare" : null;
            floorCmd.addAll(List.of(floorBinary.toString(), "f0", floorMode != null ? floorMode : mode));
            Process floor = lab.start(null, ProcessBuilder.Redirect.to(floorOut.toFile()), ProcessBuilder.Redirect.INHERIT,
                    floorCmd.toArray(String[]::new));
            awaitLine(uarpd, uarpdErr, UARPD_READY, "uarpd");
            awaitLine(floor, floorOut, FloorResolver.READY, "the floor resolver");

            List<Series> all = new ArrayList<>(List.of(new Series(u, "192.0.2.2"), new Series(f, "192.0.2.2"), new Series(k, "192.0.2.2")));
            if (six) all.addAll(List.of(new Series(u, PEER6), new Series(k, PEER6)));
            for (int i = 0; i < warmup; i++) for (Series p : order(all, i)) firstPing(lab, p);
            double[][] rtt = new double[all.size()][rounds];
            long[] wire = new long[all.size()];
            double load = loadAverage();
            for (int i = 0; i < rounds; i++) {
                for (Series p : order(all, i)) {
                    int s = all.indexOf(p);
                    long before = framesReceived(lab, p.pair());
                    rtt[s][i] = firstPing(lab, p);
                    wire[s] += framesReceived(lab, p.pair()) - before - 1; // minus the echo request itself
                }
            }
            if (rounds > 0) report(rounds, warmup, mode, floorMode, busyPoll, spin, realtime, cpus, jvm, load, rtt, wire);

            if (flags.contains("--count-syscalls")) {
                System.out.println("# System calls per round (" + TRACED_ROUNDS + " more rounds with strace attached; round = flush both caches + one first ping)");
                try (SyscallCount su = SyscallCount.attach(lab, "uarpd", uarpd.pid()); SyscallCount sf = SyscallCount.attach(lab, "floor", floor.pid())) {
                    for (int i = 0; i < TRACED_ROUNDS; i++) {
                        firstPing(lab, all.get(0));
                        firstPing(lab, all.get(1));
                    }
                    su.report(TRACED_ROUNDS);
                    sf.report(TRACED_ROUNDS);
                }
            }
            if (!flags.contains("--no-scan")) {
                System.out.println("# arp-scan -B 100M -r 1 of " + PUBLISHED);
                String scans = valueOf(flags, "--scans=");
                int n = scans == null ? 1 : Integer.parseInt(scans);
                double[] ratios = new double[n];
                for (int i = 0; i < n; i++) {
                    double[] ours = scan(lab, u.peer, "p0", "uarpd published");
                    double[] kernels = scan(lab, k.peer, "q0", "kernel proxy_arp, proxy_delay 0");
                    ratios[i] = percentileOrNaN(ours, 50) / percentileOrNaN(kernels, 50);
                }
                StringBuilder each = new StringBuilder();
                for (double x : ratios) each.append(String.format(Locale.ROOT, " %.1f", x));
                System.out.printf(Locale.ROOT, "scan median ratios uarpd/kernel, scan by scan (target <= 5):%s; load average now %.2f%n", each, loadAverage());
            }
            // SIGTERM, then the stage tables (printed on the way out) and anything either said.
            uarpd.toHandle().destroy();
            floor.toHandle().destroy();
            uarpd.waitFor(15, TimeUnit.SECONDS);
            floor.waitFor(15, TimeUnit.SECONDS);
            if (stages) {
                System.out.print(Files.readString(uarpdStdout));
                System.out.print(Files.readString(floorOut).lines().filter(l -> !l.startsWith(FloorResolver.READY))
                        .map(l -> l + "\n").reduce("", String::concat));
            }
            String err = Files.readString(uarpdErr).lines().filter(l -> !l.startsWith(UARPD_READY) && !l.startsWith("WARNING") && !l.contains(" INFO "))
                    .reduce("", (a, b) -> a + b + "\n");
            if (!err.isBlank()) System.err.print("uarpd said:\n" + err);
            Files.deleteIfExists(uarpdErr);
            Files.deleteIfExists(floorOut);
            if (uarpdOut == null) Files.deleteIfExists(uarpdStdout);
        }
    }

    private static void report(int rounds, int warmup, String mode, String floorMode, boolean busyPoll, String spin, boolean realtime,
                               String cpus, List<String> jvm, double load, double[][] rtt, long[] wire) {
        System.out.println("# First-packet ping RTT after flushing both neighbour caches (" + rounds + " rounds of " + rtt.length + ", order cycling, "
                + warmup + " warm-up rounds first; uarpd --mode " + mode
                + (busyPoll ? ", --busy-poll" : ", sleeping in poll") + (spin != null ? ", --spin-us " + spin : ", default spin window")
                + (realtime ? ", SCHED_FIFO 10" : "") + (cpus != null ? ", taskset -c " + cpus : "") + ", " + gapMillis
                + " ms from flush to ping; uarpd JVM options " + String.join(" ", SelfLauncher.JVM_OPTIONS) + (jvm.isEmpty() ? "" : " " + String.join(" ", jvm)) + ")");
        System.out.printf(Locale.ROOT, "load average (1 min) at start %.2f, at end %.2f, %d CPUs%n", load, loadAverage(),
                Runtime.getRuntime().availableProcessors());
        String[] names = {"uarpd " + mode, "floor (C) " + (floorMode != null ? floorMode : mode), "kernel native"};
        for (int s = 0; s < 3; s++) {
            System.out.printf(Locale.ROOT, "%-24s median %.3f ms, p90 %.3f ms, p99 %.3f ms, min %.3f, max %.3f; ARP requests on the wire %d%n",
                    names[s] + ":", percentile(rtt[s], 50), percentile(rtt[s], 90), percentile(rtt[s], 99), percentile(rtt[s], 0),
                    percentile(rtt[s], 100), wire[s]);
        }
        System.out.printf(Locale.ROOT, "median ratios: uarpd/floor %.2f (target <= 1.25), uarpd/kernel %.2f, floor/kernel %.2f%n",
                ratio(rtt[0], rtt[1], 50), ratio(rtt[0], rtt[2], 50), ratio(rtt[1], rtt[2], 50));
        System.out.printf(Locale.ROOT, "p90 ratios:    uarpd/floor %.2f, uarpd/kernel %.2f, floor/kernel %.2f%n",
                ratio(rtt[0], rtt[1], 90), ratio(rtt[0], rtt[2], 90), ratio(rtt[1], rtt[2], 90));
        if (rtt.length == 3) return;
        String[] names6 = {"uarpd " + mode + " IPv6", "kernel native IPv6"};
        for (int s = 3; s < 5; s++) {
            System.out.printf(Locale.ROOT, "%-24s median %.3f ms, p90 %.3f ms, p99 %.3f ms, min %.3f, max %.3f; frames on the wire %d%n",
                    names6[s - 3] + ":", percentile(rtt[s], 50), percentile(rtt[s], 90), percentile(rtt[s], 99), percentile(rtt[s], 0),
                    percentile(rtt[s], 100), wire[s]);
        }
        System.out.printf(Locale.ROOT, "IPv6 median ratios: uarpd6/kernel6 %.2f (target <= 2.5), uarpd6/uarpd4 %.2f, kernel6/kernel4 %.2f%n",
                ratio(rtt[3], rtt[4], 50), ratio(rtt[3], rtt[0], 50), ratio(rtt[4], rtt[2], 50));
        System.out.printf(Locale.ROOT, "IPv6 p90 ratios:    uarpd6/kernel6 %.2f, uarpd6/uarpd4 %.2f, kernel6/kernel4 %.2f%n",
                ratio(rtt[3], rtt[4], 90), ratio(rtt[3], rtt[0], 90), ratio(rtt[4], rtt[2], 90));
    }

    private static double ratio(double[] a, double[] b, double p) {
        return percentile(a, p) / percentile(b, p);
    }

    /**
     * Round {@code i}'s order: for three series the six permutations in turn, for more a rotation by
     * {@code i}, so no series always goes first.
     */
    private static List<Series> order(List<Series> all, int i) {
        if (all.size() != 3) {
            List<Series> rotated = new ArrayList<>(all);
            java.util.Collections.rotate(rotated, i % all.size());
            return rotated;
        }
        int[][] perms = {{0, 1, 2}, {1, 2, 0}, {2, 0, 1}, {0, 2, 1}, {2, 1, 0}, {1, 0, 2}};
        int[] p = perms[i % 6];
        return List.of(all.get(p[0]), all.get(p[1]), all.get(p[2]));
    }

    /** Kernel proxy ARP for the published /24 on the kernel host: a route out of another interface, forwarding, no delay. */
    private static void kernelProxy(NamespaceLab lab, String kh) {
        // (a veth pair inside kh stands in for "another interface": no dummy module needed)
        lab.ok(kh, "ip", "link", "add", "kx0", "type", "veth", "peer", "name", "kx1");
        lab.ok(kh, "ip", "link", "set", "kx0", "up");
        lab.ok(kh, "ip", "link", "set", "kx1", "up");
        lab.ok(kh, "ip", "route", "add", PUBLISHED, "dev", "kx0");
        lab.ok(kh, "sysctl", "-qw", "net.ipv4.ip_forward=1");
        lab.ok(kh, "sysctl", "-qw", "net.ipv4.conf.k0.proxy_arp=1");
        lab.ok(kh, "sysctl", "-qw", "net.ipv4.neigh.k0.proxy_delay=0");
    }

    private static String valueOf(List<String> flags, String prefix) {
        for (String f : flags) if (f.startsWith(prefix)) return f.substring(prefix.length());
        return null;
    }

    /** Waits (up to 180 s: the warm-up takes long on a loaded machine) until {@code file}, where {@code process} writes, has a line starting with {@code ready}. */
    private static void awaitLine(Process process, Path file, String ready, String what) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(180);
        while (Files.readString(file).lines().noneMatch(l -> l.startsWith(ready))) {
            if (!process.isAlive()) throw new IllegalStateException(what + " exited " + process.exitValue() + ": " + Files.readString(file));
            if (System.nanoTime() - deadline > 0) throw new IllegalStateException(what + " was not ready within 180 s: " + Files.readString(file));
            Thread.sleep(50); // polling a condition with a deadline, not a fixed wait
        }
    }

    /** Flushes both kernels' neighbour caches (both families), then returns the RTT of one ping from host to peer, in ms. */
    private static double firstPing(NamespaceLab lab, Series series) {
        Pair p = series.pair();
        lab.ok(p.host, "ip", "neigh", "flush", "all");
        lab.ok(p.peer, "ip", "neigh", "flush", "all");
        if (gapMillis > 0) {
            try {
                Thread.sleep(gapMillis); // the experiment's gap, not synchronisation
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        NamespaceLab.Result r = lab.run(p.host, "ping", series.ipv6() ? "-6" : "-4", "-n", "-c", "1", "-W", "3", series.target());
        Matcher m = TIME.matcher(r.out());
        if (!r.ok() || !m.find()) throw new IllegalStateException("ping from " + p.label + " failed: " + r.out() + r.err());
        return Double.parseDouble(m.group(1));
    }

    /** Frames the peer has received (ARP requests and echo requests alike). */
    private static long framesReceived(NamespaceLab lab, Pair p) {
        return Long.parseLong(lab.ok(p.peer, "cat", "/sys/class/net/" + p.peerIf + "/statistics/rx_packets").strip());
    }

    static double loadAverage() {
        try {
            return Double.parseDouble(Files.readString(Path.of("/proc/loadavg")).split(" ")[0]);
        } catch (IOException | RuntimeException e) {
            return Double.NaN;
        }
    }

    /**
     * One arp-scan; prints how many answered, the reply latency's percentiles, and the latencies in
     * the order the requests were sent (arp-scan goes through the /24 in address order): a stall
     * before the first answer shows as a high start that falls, a per-frame cost as a flat line.
     */
    private static double[] scan(NamespaceLab lab, String ns, String iface, String label) {
        NamespaceLab.Result r = lab.run(ns, "arp-scan", "-I", iface, "-B", "100M", "-r", "1", "-x", "-D",
                "-F", "${ip} ${mac} ${rtt}", PUBLISHED);
        List<String> lines = r.out().lines().filter(l -> !l.isBlank()).toList();
        double[] bySent = new double[256];
        Arrays.fill(bySent, Double.NaN);
        for (String l : lines) {
            String[] f = l.split(" ");
            bySent[Integer.parseInt(f[0].substring(f[0].lastIndexOf('.') + 1))] = Double.parseDouble(f[2]);
        }
        double[] rtt = lines.stream().mapToDouble(l -> Double.parseDouble(l.split(" ")[2])).toArray();
        StringBuilder inOrder = new StringBuilder();
        for (int i : new int[] {0, 1, 2, 4, 8, 16, 32, 64, 128, 255}) inOrder.append(String.format(Locale.ROOT, " #%d %.3f", i, bySent[i]));
        System.out.printf(Locale.ROOT, "%-34s answered %d of 256, reply latency median %.3f ms, p10 %.3f, p90 %.3f, p99 %.3f; in sending order:%s%n",
                label + ":", lines.size(), percentileOrNaN(rtt, 50), percentileOrNaN(rtt, 10), percentileOrNaN(rtt, 90), percentileOrNaN(rtt, 99), inOrder);
        return rtt;
    }

    private static double percentileOrNaN(double[] values, double p) {
        return values.length == 0 ? Double.NaN : percentile(values, p);
    }

    static double percentile(double[] values, double p) {
        double[] s = values.clone();
        Arrays.sort(s);
        int i = (int) Math.ceil(p / 100.0 * s.length) - 1;
        return s[Math.max(0, Math.min(s.length - 1, i))];
    }
}

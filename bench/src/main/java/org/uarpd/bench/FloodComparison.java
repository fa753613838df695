package org.uarpd.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.uarpd.linux.NamespaceLab;

/**
 * The ARP flood side by side with the plain kernel (results in BENCHMARKS.md, "Flood and live
 * fuzzing", "Answering bursts"): on one switch, uarpd's host H (192.0.2.1, authoritative, publishing
 * 198.51.100.16/28) and a plain-kernel host K (192.0.2.3) get the same flood of broadcast requests
 * for their own addresses, each frame with a random sender MAC and a random sender outside
 * (198.51.100.0/24) or inside (192.0.2.0/24) the link's subnet, at the rate asked for, until the time
 * is up. Meanwhile, spread evenly over the flood, both hosts resolve the same fresh address of a real
 * peer R at the same moment (ping -c 1 -W 1). Reports, for each host: fresh resolutions that
 * succeeded, ARP frames received and sent per second over the flood (its interface counters: nearly
 * all it sends are replies), the largest neighbour table seen on its link, and uarpd's RSS before and
 * after (the plain kernel's state is kernel memory); the rate the generators reached, uarpd's CPU
 * time per frame, and the load average. Needs root, iproute2, iputils-ping, and gcc (or trafgen).
 *
 * <p>The generator is {@code bench/src/main/c/flood.c} (built here with gcc; 64 frames to a sendmmsg
 * call), or trafgen (netsniff-ng) with {@code --generator=trafgen}; {@code --generators=N} runs N of
 * them at once (trafgen: {@code --cpus N}). Both hosts' answers are made by the kernel in the context
 * of whoever sends to them: K answers inside the generator's own send, while uarpd's loop runs on a
 * CPU of its own, so the flood is at "the kernel's maximum rate" when the generators are CPU-bound.
 * The switch is a plain bridge: its namespace turns bridge netfilter off (bridge-nf-call-*), which
 * the host may have loaded for everyone and which would charge every forwarded frame to both sides.
 *
 * <pre>java --enable-native-access=ALL-UNNAMED -cp "bench/target/classes:$(cat cp.txt)" org.uarpd.bench.FloodComparison [seconds [rate [resolutions]]]
 *      [--generator=flood|trafgen] [--generators=N] [--uarpd-jvm=OPTION]...</pre>
 * (defaults: 15 s at 300000pps, 20 resolutions, one flood.c generator; rate {@code max}: as fast as
 * the generators can; each {@code --uarpd-jvm=OPTION} comes after the JVM options of bin/uarpd, e.g.
 * {@code -XX:TieredStopAtLevel=4} for C2)
 */
public final class FloodComparison {
    private FloodComparison() {}

    /** One host's figures over the flood. */
    record Side(String name, int resolved, int tried, double rxPerSecond, double txPerSecond, int tableMax, String rss) {}

    public static void main(String[] args) throws Exception {
        List<String> jvm = new ArrayList<>();
        List<String> positional = new ArrayList<>();
        boolean trafgenGenerator = false;
        int generators = 1;
        for (String a : args) {
            if (a.startsWith("--uarpd-jvm=")) jvm.add(a.substring("--uarpd-jvm=".length()));
            else if (a.equals("--generator=trafgen")) trafgenGenerator = true;
            else if (a.equals("--generator=flood")) trafgenGenerator = false;
            else if (a.startsWith("--generators=")) generators = Integer.parseInt(a.substring("--generators=".length()));
            else if (a.startsWith("--")) fail("unknown option " + a);
            else positional.add(a);
        }
        double seconds = positional.size() > 0 ? Double.parseDouble(positional.get(0)) : 15;
        String rate = positional.size() > 1 ? positional.get(1) : "300000pps";
        int resolutions = positional.size() > 2 ? Integer.parseInt(positional.get(2)) : 20;
        String missing = NamespaceLab.missingPrivileges("to build its namespaces");
        if (missing != null) fail(missing);
        if (trafgenGenerator && !Files.isExecutable(Path.of("/usr/sbin/trafgen"))) fail("/usr/sbin/trafgen is missing (apt-get install netsniff-ng)");
        Path floodBinary = trafgenGenerator ? null : FloorResolver.build("flood");
        ExecutorService threads = Executors.newFixedThreadPool(3);
        Path conf = Files.createTempFile("uarpd-flood", ".trafgen");
        try (NamespaceLab lab = new NamespaceLab("ufc")) {
            String sw = lab.namespace("sw");
            String h = lab.namespace("h");
            String k = lab.namespace("k");
            String r = lab.namespace("r");
            String f = lab.namespace("f");
            lab.switchPort(sw, h, "u0", "192.0.2.1/24");
            lab.switchPort(sw, k, "k0", "192.0.2.3/24");
            lab.switchPort(sw, r, "r0", "192.0.2.2/24");
            lab.switchPort(sw, f, "f0", "192.0.2.9/24");
            for (String family : List.of("arptables", "iptables", "ip6tables")) {
                // absent when br_netfilter is not loaded: then there is nothing to turn off
                lab.run(sw, "sysctl", "-qw", "net.bridge.bridge-nf-call-" + family + "=0");
            }
            for (int i = 0; i < resolutions; i++) lab.ok(r, "ip", "addr", "add", "192.0.2." + (10 + i) + "/24", "dev", "r0");
            Files.writeString(conf, trafgenConfig());
            try (LabDaemon uarpd = LabDaemon.start(lab, h, jvm, "--quiet", "--interface", "u0", "--mode", "authoritative",
                    "--publish", "198.51.100.16/28", "--warm-up", "20000")) {
                double loadBefore = FirstPacketLatency.loadAverage();
                long rssBefore = uarpd.rssKib();
                long cpuBefore = uarpd.cpuNanos();
                long[] hBefore = counters(lab, h, "u0");
                long[] kBefore = counters(lab, k, "k0");
                long[] fBefore = counters(lab, f, "f0");
                long t0 = System.nanoTime();
                long end = t0 + (long) (seconds * 1e9);
                List<Process> floods = new ArrayList<>();
                if (trafgenGenerator) {
                    List<String> trafgen = new ArrayList<>(List.of("trafgen", "--dev", "f0", "--conf", conf.toString(), "--cpus",
                            Integer.toString(generators), "--no-sock-mem"));
                    if (!rate.equals("max")) trafgen.addAll(List.of("--rate", rate));
                    floods.add(lab.start(f, ProcessBuilder.Redirect.DISCARD, ProcessBuilder.Redirect.DISCARD, trafgen.toArray(String[]::new)));
                } else {
                    for (int g = 0; g < generators; g++) {
                        List<String> flood = new ArrayList<>(List.of(floodBinary.toString(), "f0", "192.0.2.1", "192.0.2.3"));
                        if (!rate.equals("max")) flood.addAll(List.of("--rate", Long.toString(ratePerSecond(rate) / generators)));
                        floods.add(lab.start(f, ProcessBuilder.Redirect.DISCARD, ProcessBuilder.Redirect.INHERIT, flood.toArray(String[]::new)));
                    }
                }
                // The i-th resolution of both hosts at t0 + (i + 0.5) × period: the same moments of the flood for both.
                long period = (end - t0) / resolutions;
                CompletableFuture<Integer> onH = CompletableFuture.supplyAsync(() -> resolve(lab, h, resolutions, t0, period), threads);
                CompletableFuture<Integer> onK = CompletableFuture.supplyAsync(() -> resolve(lab, k, resolutions, t0, period), threads);
                int maxH = 0;
                int maxK = 0;
                while (System.nanoTime() < end && floods.stream().allMatch(Process::isAlive)) {
                    maxH = Math.max(maxH, table(lab, h, "u0"));
                    maxK = Math.max(maxK, table(lab, k, "k0"));
                    Thread.sleep(250); // sampling period of the tables
                }
                boolean floodRan = floods.stream().allMatch(Process::isAlive);
                for (Process flood : floods) {
                    // trafgen stops on SIGINT (its Ctrl-C); it does not stop at once on SIGTERM. flood.c stops on either.
                    new ProcessBuilder("kill", "-INT", Long.toString(flood.pid())).start().waitFor();
                    if (!flood.waitFor(5, TimeUnit.SECONDS)) flood.destroyForcibly().waitFor();
                }
                double elapsed = (System.nanoTime() - t0) / 1e9;
                long[] hAfter = counters(lab, h, "u0");
                long[] kAfter = counters(lab, k, "k0");
                long[] fAfter = counters(lab, f, "f0");
                long rssAfter = uarpd.rssKib();
                long cpu = uarpd.cpuNanos() - cpuBefore;
                // Frames the kernel dropped because uarpd's packet sockets were full (skmem d: drops).
                String socketDrops = String.join(" ", lab.ok(h, "ss", "-0", "-a", "-m", "-n").lines()
                        .filter(l -> l.contains("skmem")).map(l -> l.replaceAll(".*skmem:\\(.*,d(\\d+)\\).*", "$1")).toList());
                int resolvedH = onH.get(120, TimeUnit.SECONDS);
                int resolvedK = onK.get(120, TimeUnit.SECONDS);
                long outside = lab.ok(h, "ip", "neigh", "show", "dev", "u0").lines().filter(l -> l.startsWith("198.51.100.")).count();
                List<Side> sides = new ArrayList<>();
                sides.add(new Side("uarpd", resolvedH, resolutions, (hAfter[0] - hBefore[0]) / elapsed, (hAfter[1] - hBefore[1]) / elapsed, maxH,
                        rssBefore / 1024 + " → " + rssAfter / 1024 + " MB"));
                sides.add(new Side("kernel", resolvedK, resolutions, (kAfter[0] - kBefore[0]) / elapsed, (kAfter[1] - kBefore[1]) / elapsed, maxK,
                        "— (kernel memory)"));
                System.out.printf(Locale.ROOT, "# %s; %d × %s asked for %s, sent %d frames in %.1f s (%.0f/s)%s; gc_thresh3 %s%n",
                        java.time.Instant.now(), generators, trafgenGenerator ? "trafgen" : "flood.c", rate, fAfter[1] - fBefore[1], elapsed,
                        (fAfter[1] - fBefore[1]) / elapsed, floodRan ? "" : " (a generator stopped early)", lab.ok(null, "cat", "/proc/sys/net/ipv4/neigh/default/gc_thresh3").strip());
                System.out.printf(Locale.ROOT, "# load average (1 min) %.2f before, %.2f after, %d CPUs%n", loadBefore, FirstPacketLatency.loadAverage(),
                        Runtime.getRuntime().availableProcessors());
                System.out.println("| host | fresh resolutions | frames received/s | frames sent/s (replies) | largest neighbour table | RSS |");
                System.out.println("| --- | --- | --- | --- | --- | --- |");
                for (Side s : sides) {
                    System.out.printf(Locale.ROOT, "| %s | %d/%d | %.0f | %.0f | %d | %s |%n", s.name(), s.resolved(), s.tried(),
                            s.rxPerSecond(), s.txPerSecond(), s.tableMax(), s.rss());
                }
                System.out.printf(Locale.ROOT, "replies uarpd/kernel: %.2f (frames sent: uarpd %d, kernel %d); uarpd extra JVM options: %s%n",
                        (double) (hAfter[1] - hBefore[1]) / Math.max(1, kAfter[1] - kBefore[1]), hAfter[1] - hBefore[1], kAfter[1] - kBefore[1],
                        jvm.isEmpty() ? "none (bin/uarpd's)" : String.join(" ", jvm));
                // The flood's cost to uarpd whatever rate trafgen reached: what one CPU would sustain at that cost.
                System.out.printf(Locale.ROOT, "uarpd CPU over the flood: %.2f s, %.2f µs per frame received (≈ %.0f frames/s per CPU)%n",
                        cpu / 1e9, cpu / 1e3 / Math.max(1, hAfter[0] - hBefore[0]), (hAfter[0] - hBefore[0]) / (cpu / 1e9));
                System.out.printf(Locale.ROOT, "entries for senders outside 192.0.2.0/24 on H after the flood: %d; uarpd alive: %s%n",
                        outside, uarpd.process.isAlive());
                System.out.println("frames dropped at uarpd's packet sockets on H (ss -0 -m, per socket): " + socketDrops);
                java.io.StringWriter stats = new java.io.StringWriter();
                org.uarpd.daemon.control.Uarpctl.execute(new java.io.PrintWriter(stats), new java.io.PrintWriter(stats), "-s", uarpd.control.toString(), "stats");
                System.out.println("uarpctl stats: " + String.join(", ", stats.toString().strip().lines().toList()));
            }
        } finally {
            threads.shutdownNow();
            Files.deleteIfExists(conf);
        }
    }

    /**
     * Four frames, cycled: a request for 192.0.2.1 and one for 192.0.2.3, each from a random sender
     * outside and one inside the subnet; source and sender MACs random, locally administered.
     */
    static String trafgenConfig() {
        StringBuilder b = new StringBuilder();
        for (String target : List.of("192, 0, 2, 1", "192, 0, 2, 3")) {
            for (String senderNet : List.of("198, 51, 100", "192, 0, 2")) {
                b.append("{ fill(0xff, 6), 0x02, drnd(5), c16(0x0806),\n")
                        .append("  c16(1), c16(0x0800), c8(6), c8(4), c16(1), 0x02, drnd(5), ").append(senderNet).append(", dinc(128, 254),\n")
                        .append("  fill(0x00, 6), ").append(target).append(" }\n");
            }
        }
        return b.toString();
    }

    /** "300000pps" or "300000": frames a second. */
    private static long ratePerSecond(String rate) {
        return Long.parseLong(rate.endsWith("pps") ? rate.substring(0, rate.length() - 3) : rate);
    }

    /** Resolves R's addresses 192.0.2.10.. once each from {@code ns}, the i-th at {@code t0 + (i + 0.5) × period}; how many answered. */
    static int resolve(NamespaceLab lab, String ns, int count, long t0, long period) {
        int ok = 0;
        for (int i = 0; i < count; i++) {
            long wait = t0 + (i * period + period / 2) - System.nanoTime();
            if (wait > 0) {
                try {
                    TimeUnit.NANOSECONDS.sleep(wait); // pacing the resolutions over the flood
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return ok;
                }
            }
            if (lab.run(ns, "ping", "-c", "1", "-W", "1", "192.0.2." + (10 + i)).ok()) ok++;
        }
        return ok;
    }

    static int table(NamespaceLab lab, String ns, String dev) {
        return (int) lab.ok(ns, "ip", "neigh", "show", "dev", dev).lines().filter(l -> !l.isBlank()).count();
    }

    /** rx_packets, tx_packets of {@code dev}. */
    static long[] counters(NamespaceLab lab, String ns, String dev) {
        String base = "/sys/class/net/" + dev + "/statistics/";
        return new long[] {Long.parseLong(lab.ok(ns, "cat", base + "rx_packets").strip()), Long.parseLong(lab.ok(ns, "cat", base + "tx_packets").strip())};
    }

    private static void fail(String why) {
        System.err.println("FloodComparison: " + why);
        System.exit(1);
    }
}

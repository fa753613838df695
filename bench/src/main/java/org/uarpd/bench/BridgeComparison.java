package org.uarpd.bench;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.uarpd.daemon.BridgeTopology;
import org.uarpd.daemon.SelfLauncher;
import org.uarpd.linux.NamespaceLab;

/**
 * The bridge benchmark (results in BENCHMARKS.md, "Guard and bridge"): the same three-namespace
 * proxy-ARP topology twice in one run, uarpd bridging one and parprouted (Debian's, /usr/sbin/parprouted)
 * the other. Measures, alternating the two:
 * <ul>
 * <li>a cold {@code arp-scan -r 1} of 192.0.2.0/24 from each side right after the daemon started on
 *     flushed caches: which of the addresses across the bridge (and the middle's own) were answered;
 * <li>first-ping latency to a host address never seen before on the far side (a fresh address added
 *     to the right host for each sample), after the near host's cache is flushed.
 * </ul>
 * Needs root, iproute2, iputils, arp-scan, parprouted.
 *
 * <pre>java --enable-native-access=ALL-UNNAMED -cp "bench/target/classes:$(cat cp.txt)" org.uarpd.bench.BridgeComparison [samples [scan rounds]]</pre>
 */
public final class BridgeComparison {
    private static final String PARPROUTED = "/usr/sbin/parprouted";
    /** What a host on each side should find across the bridge (the middle's two addresses and the far host's). */
    private static final List<String> FROM_LEFT = List.of("192.0.2.1", "192.0.2.2", "192.0.2.12", "192.0.2.22");
    private static final List<String> FROM_RIGHT = List.of("192.0.2.1", "192.0.2.2", "192.0.2.11", "192.0.2.21");

    private BridgeComparison() {}

    interface Daemon extends AutoCloseable {
        @Override
        void close() throws InterruptedException;
    }

    public static void main(String[] args) throws Exception {
        int samples = args.length > 0 ? Integer.parseInt(args[0]) : 30;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        String missing = NamespaceLab.missingPrivileges("to build its namespaces");
        if (missing != null) {
            System.err.println("BridgeComparison: " + missing);
            System.exit(1);
        }
        if (!new java.io.File(PARPROUTED).canExecute()) {
            System.err.println("BridgeComparison: " + PARPROUTED + " is missing (apt-get install parprouted)");
            System.exit(1);
        }
        try (NamespaceLab lab = new NamespaceLab("ug")) {
            BridgeTopology u = BridgeTopology.build(lab, "u");
            BridgeTopology p = BridgeTopology.build(lab, "p");

            System.out.println("# Cold arp-scan -r 1 of 192.0.2.0/24 from each side, right after the daemon started (" + rounds + " rounds)");
            int[] uScan = new int[2];
            int[] pScan = new int[2];
            for (int round = 0; round < rounds; round++) {
                // Alternate who goes first, so neither always scans on the quieter machine.
                boolean uarpdFirst = round % 2 == 0;
                for (boolean isUarpd : new boolean[] {uarpdFirst, !uarpdFirst}) {
                    BridgeTopology t = isUarpd ? u : p;
                    int[] into = isUarpd ? uScan : pScan;
                    t.flushNeighbours();
                    try (Daemon d = isUarpd ? uarpd(lab, t) : parprouted(lab, t)) {
                        int left = scan(lab, t.left(), "l0", FROM_LEFT);
                        int right = scan(lab, t.right(), "r0", FROM_RIGHT);
                        into[0] += left;
                        into[1] += right;
                        System.out.printf(Locale.ROOT, "round %d %-10s left side found %d of %d, right side %d of %d%n", round,
                                isUarpd ? "uarpd" : "parprouted", left, FROM_LEFT.size(), right, FROM_RIGHT.size());
                    }
                }
            }
            int total = rounds * (FROM_LEFT.size() + FROM_RIGHT.size());
            System.out.printf(Locale.ROOT, "uarpd:      %d of %d addresses answered on cold scans%n", uScan[0] + uScan[1], total);
            System.out.printf(Locale.ROOT, "parprouted: %d of %d addresses answered on cold scans%n", pScan[0] + pScan[1], total);

            System.out.println("# First ping to a never-seen far-side address (" + samples + " alternated samples, ping -W 3)");
            try (Daemon du = uarpd(lab, u); Daemon dp = parprouted(lab, p)) {
                // Both learn the left host first (one warm ping each way), as a running bridge would have.
                u.ping(u.left(), "192.0.2.11", "192.0.2.12", 3);
                p.ping(p.left(), "192.0.2.11", "192.0.2.12", 3);
                double[] ut = new double[samples];
                double[] pt = new double[samples];
                for (int i = 0; i < samples; i++) {
                    String fresh = "192.0.2." + (100 + i);
                    for (BridgeTopology t : List.of(u, p)) lab.ok(t.right(), "ip", "addr", "add", fresh + "/24", "dev", "r0");
                    if (i % 2 == 0) {
                        ut[i] = firstPing(u, fresh);
                        pt[i] = firstPing(p, fresh);
                    } else {
                        pt[i] = firstPing(p, fresh);
                        ut[i] = firstPing(u, fresh);
                    }
                }
                report("uarpd", ut);
                report("parprouted", pt);
            }
        }
    }

    private static double firstPing(BridgeTopology t, String to) {
        t.lab().run(t.left(), "ip", "neigh", "flush", "all");
        return t.ping(t.left(), "192.0.2.11", to, 3);
    }

    private static void report(String who, double[] ms) {
        double[] ok = Arrays.stream(ms).filter(x -> x >= 0).sorted().toArray();
        int lost = ms.length - ok.length;
        if (ok.length == 0) {
            System.out.printf(Locale.ROOT, "%-10s: no first ping answered (%d lost)%n", who, lost);
            return;
        }
        System.out.printf(Locale.ROOT, "%-10s: median %.3f ms, p90 %.3f ms, min %.3f, max %.3f, unanswered within 3 s: %d of %d%n", who,
                ok[ok.length / 2], ok[Math.min(ok.length - 1, (int) Math.ceil(ok.length * 0.9) - 1)], ok[0], ok[ok.length - 1], lost, ms.length);
    }

    /** arp-scan -r 1 of the /24 from {@code ns}: how many of {@code expected} answered. */
    private static int scan(NamespaceLab lab, String ns, String ifName, List<String> expected) {
        String out = lab.run(ns, "arp-scan", "-I", ifName, "-r", "1", "-q", "-x", "192.0.2.0/24").out();
        int found = 0;
        List<String> missed = new ArrayList<>();
        for (String a : expected) {
            if (out.lines().anyMatch(l -> l.startsWith(a + "\t"))) found++;
            else missed.add(a);
        }
        if (!missed.isEmpty()) System.out.println("  from " + ifName + " unanswered: " + String.join(", ", missed));
        return found;
    }

    private static Daemon uarpd(NamespaceLab lab, BridgeTopology t) throws InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", t.middle()));
        cmd.addAll(SelfLauncher.command("run", "--quiet", "--interface", "m1", "--interface", "m2", "--bridge", "m1,m2", "--warm-up", "0"));
        Process p = lab.start(null, ProcessBuilder.Redirect.DISCARD, ProcessBuilder.Redirect.DISCARD, cmd.toArray(String[]::new));
        for (int i = 0; i < 300 && !lab.run(t.middle(), "nft", "list", "tables").out().contains("uarpd"); i++) Thread.sleep(50);
        Thread.sleep(300); // the loop is running once its table exists; a moment for the first poll
        return () -> {
            p.toHandle().destroy();
            p.waitFor(15, TimeUnit.SECONDS);
        };
    }

    private static Daemon parprouted(NamespaceLab lab, BridgeTopology t) throws InterruptedException {
        // -d keeps it in the foreground (it would fork away otherwise), so the lab can stop it.
        Process p = lab.start(t.middle(), ProcessBuilder.Redirect.DISCARD, ProcessBuilder.Redirect.DISCARD, PARPROUTED, "-d", "m1", "m2");
        Thread.sleep(300);
        return () -> {
            p.toHandle().destroy();
            p.waitFor(10, TimeUnit.SECONDS);
            // parprouted leaves its /32 routes (metric 50) behind: clear them so the next round starts cold.
            for (String a : List.of(FROM_LEFT, FROM_RIGHT).stream().flatMap(List::stream).toList()) {
                t.lab().run(t.middle(), "ip", "route", "del", a + "/32");
            }
        };
    }
}

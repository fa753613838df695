package org.uarpd.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.uarpd.daemon.SelfLauncher;
import org.uarpd.linux.NamespaceLab;
import org.uarpd.wire.Ip6Address;
import org.uarpd.wire.MalformedFrameException;
import org.uarpd.wire.nd.NdView;
import org.uarpd.wire.pcap.CaptureReader;
import org.uarpd.wire.pcap.CaptureRecord;

/**
 * uarpd against ndppd (Debian's {@code /usr/sbin/ndppd}) proxying one /64 (results in BENCHMARKS.md,
 * "Proxy neighbour discovery against ndppd"). Two identical topologies in one run, one per daemon:
 * a client C (c0, 2001:db8:1::2) and a router R (u0 towards C, u1 towards a host namespace B that
 * holds the addresses in {@code iface} mode). Each round starts the daemon afresh on R, then C runs a
 * cold sweep of {@code 256} never-asked addresses of 2001:db8:2::/64, one {@code ndisc6 -1 -r 1 -w 200}
 * each. Measured per daemon: addresses answered, answer latency (solicitation to advertisement on
 * C's wire, from a tcpdump capture on c0: kernel timestamps, no process start-up in them) median and
 * p99, and the daemon's CPU time (utime + stime of /proc/PID/stat) over the sweep. Rounds alternate
 * which daemon goes first.
 * <ul>
 * <li>{@code static}: ndppd {@code rule … { static }} against uarpd {@code --publish PREFIX};
 * <li>{@code iface}: ndppd {@code rule … { iface u1 }} against uarpd
 *     {@code --publish PREFIX,when=target-answers,via=u1}: each address is asked on u1 first.
 * </ul>
 * Needs root, iproute2, ndisc6, tcpdump and ndppd (installed with apt-get when missing and root).
 *
 * <pre>java --enable-native-access=ALL-UNNAMED -cp "bench/target/classes:$(cat cp.txt)" org.uarpd.bench.NdppdComparison [rounds [addresses]]</pre>
 */
public final class NdppdComparison {
    private static final String NDPPD = "/usr/sbin/ndppd";
    private static final String CLIENT = "2001:db8:1::2";
    private static final long CLOCK_TICK_NANOS = 10_000_000L; // USER_HZ = 100 on Linux

    private NdppdComparison() {}

    private record Topology(String name, String client, String router, String hosts) {}

    /**
     * One sweep's figures: targets answered on the wire, of those asked; latencies of the answered; the
     * daemon's CPU; and how many answers ndisc6 itself accepted (it takes only an advertisement whose
     * IPv6 source is the target, which ndppd's, sent from the router's link-local address, is not).
     */
    private record Sweep(int answered, int asked, double[] latencyMs, double cpuSeconds, int accepted) {}

    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 3;
        int addresses = args.length > 1 ? Integer.parseInt(args[1]) : 256;
        String missing = NamespaceLab.missingPrivileges("to build its namespaces");
        if (missing != null) fail(missing);
        ensureNdppd();
        for (String tool : List.of("ndisc6", "tcpdump")) {
            if (NamespaceLab.run(List.of("sh", "-c", "command -v " + tool)).exitCode() != 0) fail(tool + " is missing (apt-get install " + tool + ")");
        }
        Path dir = Files.createTempDirectory("uarpd-ndppd-");
        try (NamespaceLab lab = new NamespaceLab("un")) {
            Topology u = build(lab, "u");
            Topology n = build(lab, "n");
            for (String mode : List.of("static", "iface")) {
                List<Sweep> us = new ArrayList<>();
                List<Sweep> ns = new ArrayList<>();
                System.out.println("# " + mode + ": " + rounds + " rounds of a cold sweep of " + addresses + " addresses, load average "
                        + Files.readString(Path.of("/proc/loadavg")).strip());
                for (int round = 0; round < rounds; round++) {
                    int block = (mode.equals("static") ? 0x100 : 0x200) + round;
                    List<String> targets = new ArrayList<>();
                    for (int i = 0; i < addresses; i++) targets.add("2001:db8:2:0:" + Integer.toHexString(block) + "::" + Integer.toHexString(i + 1));
                    if (mode.equals("iface")) {
                        for (Topology t : List.of(u, n)) addHosts(lab, t, targets);
                    }
                    boolean uarpdFirst = round % 2 == 0;
                    for (boolean isUarpd : new boolean[] {uarpdFirst, !uarpdFirst}) {
                        Topology t = isUarpd ? u : n;
                        Sweep s = sweep(lab, t, dir, isUarpd, mode, targets);
                        (isUarpd ? us : ns).add(s);
                        System.out.printf(Locale.ROOT, "round %d %-6s %s%n", round, isUarpd ? "uarpd" : "ndppd", describe(s));
                    }
                }
                Sweep ut = total(us);
                Sweep nt = total(ns);
                System.out.printf(Locale.ROOT, "%s uarpd: %s%n", mode, describe(ut));
                System.out.printf(Locale.ROOT, "%s ndppd: %s%n", mode, describe(nt));
                System.out.printf(Locale.ROOT, "%s ratios uarpd/ndppd: answered %.2f, median latency %.2f, p99 latency %.2f, CPU %.2f%n", mode,
                        (double) ut.answered / Math.max(1, nt.answered), percentile(ut.latencyMs, 0.5) / percentile(nt.latencyMs, 0.5),
                        percentile(ut.latencyMs, 0.99) / percentile(nt.latencyMs, 0.99), ut.cpuSeconds / Math.max(0.01, nt.cpuSeconds));
            }
        } finally {
            try (var files = Files.list(dir)) {
                for (Path f : files.toList()) Files.deleteIfExists(f);
            }
            Files.deleteIfExists(dir);
        }
    }

    private static void ensureNdppd() throws IOException, InterruptedException {
        if (Files.isExecutable(Path.of(NDPPD))) return;
        if (!"0".equals(NamespaceLab.run(List.of("id", "-u")).out().strip())) fail(NDPPD + " is missing (apt-get install ndppd)");
        System.err.println("NdppdComparison: installing ndppd");
        NamespaceLab.Result r = NamespaceLab.run(List.of("sh", "-c",
                "DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends ndppd"));
        if (!r.ok() || !Files.isExecutable(Path.of(NDPPD))) fail("cannot install ndppd: " + r.err());
    }

    private static Topology build(NamespaceLab lab, String name) {
        String c = lab.namespace(name + "c");
        String r = lab.namespace(name + "r");
        String b = lab.namespace(name + "b");
        lab.veth(c, "c0", "192.0.2.2/24", r, "u0", "192.0.2.1/24");
        lab.veth(r, "u1", "198.51.100.1/24", b, "b0", "198.51.100.5/24");
        lab.ok(c, "ip", "-6", "addr", "add", CLIENT + "/64", "dev", "c0", "nodad");
        lab.ok(c, "ip", "-6", "route", "add", "2001:db8:2::/64", "dev", "c0"); // on-link: C solicits the targets itself
        lab.ok(r, "ip", "-6", "addr", "add", "2001:db8:1::1/64", "dev", "u0", "nodad");
        lab.ok(r, "ip", "-6", "addr", "add", "2001:db8:2::1/64", "dev", "u1", "nodad");
        lab.ok(b, "ip", "-6", "addr", "add", "2001:db8:2::ffff/64", "dev", "b0", "nodad"); // the readiness probe's target
        return new Topology(name, c, r, b);
    }

    private static void addHosts(NamespaceLab lab, Topology t, List<String> targets) throws IOException {
        Path batch = Files.createTempFile("uarpd-ndppd-hosts-", ".ip");
        try {
            StringBuilder b = new StringBuilder();
            for (String a : targets) b.append("addr add ").append(a).append("/128 dev b0 nodad\n");
            Files.writeString(batch, b);
            lab.ok(t.hosts(), "ip", "-batch", batch.toString());
        } finally {
            Files.deleteIfExists(batch);
        }
    }

    private static Sweep sweep(NamespaceLab lab, Topology t, Path dir, boolean uarpd, String mode, List<String> targets) throws Exception {
        lab.run(t.client(), "ip", "-6", "neigh", "flush", "all");
        lab.run(t.router(), "ip", "-6", "neigh", "flush", "all");
        Process daemon = uarpd ? startUarpd(lab, t, mode) : startNdppd(lab, t, dir, mode);
        Path pcap = dir.resolve(t.name() + "-" + mode + ".pcap");
        Path capErr = dir.resolve(t.name() + "-tcpdump.err");
        Process capture = null;
        try {
            awaitAnswer(lab, t, daemon, "2001:db8:2::ffff");
            Files.deleteIfExists(capErr);
            capture = lab.start(t.client(), ProcessBuilder.Redirect.DISCARD, ProcessBuilder.Redirect.to(capErr.toFile()),
                    "tcpdump", "-i", "c0", "--immediate-mode", "-U", "-n", "-w", pcap.toString(), "icmp6");
            long listening = System.nanoTime() + 30_000_000_000L;
            while (!(Files.exists(capErr) && Files.readString(capErr).contains("listening on"))) {
                if (System.nanoTime() > listening || !capture.isAlive()) fail("tcpdump on " + t.client() + " did not start listening");
                Thread.sleep(25);
            }
            long before = cpuTicks(daemon.pid());
            int accepted = 0;
            for (String a : targets) if (lab.run(t.client(), "ndisc6", "-1", "-r", "1", "-w", "200", a, "c0").ok()) accepted++;
            long after = cpuTicks(daemon.pid());
            // Immediate mode hands each frame to tcpdump at once (libpcap would hold a block up to its
            // timeout otherwise); what is still queued when it stops is written on SIGTERM.
            capture.destroy();
            capture.waitFor(10, TimeUnit.SECONDS);
            capture = null;
            double[] latency = latencies(pcap, targets);
            int answered = (int) Arrays.stream(latency).filter(x -> x >= 0).count();
            return new Sweep(answered, targets.size(), Arrays.stream(latency).filter(x -> x >= 0).toArray(),
                    (after - before) * CLOCK_TICK_NANOS / 1e9, accepted);
        } finally {
            if (capture != null) capture.destroy();
            daemon.destroy();
            if (!daemon.waitFor(15, TimeUnit.SECONDS)) daemon.destroyForcibly();
        }
    }

    private static Process startUarpd(NamespaceLab lab, Topology t, String mode) {
        List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", t.router()));
        String publish = "2001:db8:2::/64" + (mode.equals("iface") ? ",when=target-answers,via=u1" : "");
        cmd.addAll(SelfLauncher.command("run", "--quiet", "--interface", "u0", "--interface", "u1", "--mode", "answer", "--publish", publish));
        return lab.start(null, ProcessBuilder.Redirect.DISCARD, ProcessBuilder.Redirect.DISCARD, cmd.toArray(String[]::new));
    }

    private static Process startNdppd(NamespaceLab lab, Topology t, Path dir, String mode) throws IOException {
        Path conf = dir.resolve(t.name() + "-ndppd.conf");
        Files.writeString(conf, """
                proxy u0 {
                    router no
                    timeout 500
                    ttl 30000
                    rule 2001:db8:2::/64 {
                        %s
                    }
                }
                """.formatted(mode.equals("iface") ? "iface u1" : "static"));
        return lab.start(t.router(), ProcessBuilder.Redirect.DISCARD, ProcessBuilder.Redirect.DISCARD, NDPPD, "-c", conf.toString());
    }

    /**
     * Waits until the daemon answers for {@code probe} (it is running and warm), failing after 60 s:
     * C's kernel, resolving it for a ping, holds the router's address for it then.
     */
    private static void awaitAnswer(NamespaceLab lab, Topology t, Process daemon, String probe) throws InterruptedException {
        long deadline = System.nanoTime() + 60_000_000_000L;
        String routerMac = lab.mac(t.router(), "u0");
        while (System.nanoTime() < deadline) {
            if (!daemon.isAlive()) fail("the daemon in " + t.router() + " exited with " + daemon.exitValue());
            lab.run(t.client(), "ip", "-6", "neigh", "flush", "all");
            lab.run(t.client(), "ping", "-6", "-c", "1", "-W", "1", probe);
            if (lab.run(t.client(), "ip", "-6", "neigh", "show", probe, "dev", "c0").out().contains(routerMac)) return;
        }
        fail("nothing answered " + probe + " in " + t.router() + " within 60 s");
    }

    private static long cpuTicks(long pid) throws IOException {
        String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(f[11]) + Long.parseLong(f[12]); // utime, stime (fields 14 and 15)
    }

    /** Per target: milliseconds from C's first solicitation to the first advertisement for it, or -1. */
    private static double[] latencies(Path pcap, List<String> targets) throws IOException, MalformedFrameException {
        Map<Ip6Address, Long> asked = new HashMap<>();
        Map<Ip6Address, Long> answered = new HashMap<>();
        NdView v = new NdView();
        try (CaptureReader r = CaptureReader.open(pcap)) {
            for (CaptureRecord rec = r.next(); rec != null; rec = r.next()) {
                byte[] d = rec.data();
                try {
                    if (!v.resetEthernet(d, 0, d.length)) continue;
                } catch (MalformedFrameException | RuntimeException notNd) {
                    continue;
                }
                Ip6Address target = new Ip6Address(v.targetHigh(), v.targetLow());
                if (v.isSolicitation()) {
                    if (!v.sourceIsUnspecified()) asked.putIfAbsent(target, rec.timestampNanos()); // only C asks for these targets
                } else if (asked.containsKey(target)) {
                    answered.putIfAbsent(target, rec.timestampNanos());
                }
            }
        }
        double[] out = new double[targets.size()];
        for (int i = 0; i < out.length; i++) {
            Ip6Address a = Ip6Address.parse(targets.get(i));
            Long q = asked.get(a);
            Long ans = answered.get(a);
            out[i] = q == null || ans == null ? -1 : (ans - q) / 1e6;
        }
        return out;
    }

    private static Sweep total(List<Sweep> all) {
        int answered = 0;
        int asked = 0;
        double cpu = 0;
        int accepted = 0;
        List<Double> lat = new ArrayList<>();
        for (Sweep s : all) {
            accepted += s.accepted;
            answered += s.answered;
            asked += s.asked;
            cpu += s.cpuSeconds;
            for (double x : s.latencyMs) lat.add(x);
        }
        return new Sweep(answered, asked, lat.stream().mapToDouble(Double::doubleValue).toArray(), cpu, accepted);
    }

    private static double percentile(double[] ms, double p) {
        if (ms.length == 0) return Double.NaN;
        double[] s = ms.clone();
        Arrays.sort(s);
        return s[Math.min(s.length - 1, (int) Math.ceil(s.length * p) - 1)];
    }

    private static String describe(Sweep s) {
        return String.format(Locale.ROOT, "answered %d of %d (ndisc6 accepted %d), latency median %.3f ms p99 %.3f ms, CPU %.2f s", s.answered,
                s.asked, s.accepted, percentile(s.latencyMs, 0.5), percentile(s.latencyMs, 0.99), s.cpuSeconds);
    }

    private static void fail(String why) {
        System.err.println("NdppdComparison: " + why);
        System.exit(1);
    }
}

package org.uarpd.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.uarpd.linux.NamespaceLab;
import org.uarpd.linux.NotifyListener;
import org.uarpd.linux.SystemdNotify;

/**
 * Start-up time as systemd sees it: from exec of the launcher to the {@code READY=1} datagram on
 * {@code $NOTIFY_SOCKET}, read by a {@link NotifyListener} that stamps each datagram as it arrives. N
 * runs of {@code uarpd run --interface u0} in a fresh namespace (u0 192.0.2.1/24 on a veth), each
 * stopped by SIGTERM before the next; prints every run, the median, and the idle RSS and thread count
 * of the last run right after it said ready, and the CPU time each run used until then.
 *
 * <p>{@code StartupTime [--runs N] [--launcher PATH] [-- RUN-ARGS...]}; the launcher defaults to
 * {@code bin/uarpd} (the checkout's; the packaged {@code /usr/bin/uarpd} works the same way).
 * The clock starts just before {@code ip netns exec} is spawned, so the figures include it (a few ms).
 * uarpd logs as an installed one does (its default level, info, to stderr: here a file per run,
 * shown when a run fails).
 *
 * <p>On a machine busy with other work the wall-clock figure measures that work as much as uarpd;
 * run the driver under {@code chrt -f 1} (uarpd inherits SCHED_FIFO, and so does the listener that
 * stamps READY=1) to see uarpd's own start, as on an idle machine.
 */
public final class StartupTime {
    public static void main(String[] args) throws Exception {
        int runs = 10;
        String launcher = "bin/uarpd";
        List<String> extra = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--runs" -> runs = Integer.parseInt(args[++i]);
                case "--launcher" -> launcher = args[++i];
                case "--" -> {
                    extra.addAll(Arrays.asList(args).subList(i + 1, args.length));
                    i = args.length;
                }
                default -> throw new IllegalArgumentException("unknown argument " + args[i]
                        + " (expected --runs N, --launcher PATH, -- RUN-ARGS...)");
            }
        }
        Path dir = Files.createTempDirectory("uarpd-startup");
        long[] ready = new long[runs];
        long[] cpu = new long[runs];
        try (NamespaceLab lab = new NamespaceLab("st")) {
            String h = lab.namespace("h");
            String p = lab.namespace("p");
            lab.veth(h, "u0", "192.0.2.1/24", p, "p0", "192.0.2.2/24");
            for (int r = 0; r < runs; r++) {
                long[] run = once(lab, h, launcher, extra, dir, r, r == runs - 1);
                ready[r] = run[0];
                cpu[r] = run[1];
            }
        } finally {
            try (var files = Files.list(dir)) {
                for (Path f : files.toList()) Files.deleteIfExists(f);
            }
            Files.deleteIfExists(dir);
        }
        long[] sorted = ready.clone();
        Arrays.sort(sorted);
        long[] cpuSorted = cpu.clone();
        Arrays.sort(cpuSorted);
        System.out.printf("exec -> READY=1 over %d runs: median %.0f ms, min %.0f ms, max %.0f ms; CPU until then: median %.0f ms, min %d ms, max %d ms%n",
                runs, median(sorted) / 1e6, sorted[0] / 1e6, sorted[runs - 1] / 1e6, median(cpuSorted), cpuSorted[0], cpuSorted[runs - 1]);
    }

    static double median(long[] sorted) {
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2.0;
    }

    /** One start: nanoseconds from spawn to READY=1, and the CPU milliseconds uarpd used until then. */
    static long[] once(NamespaceLab lab, String ns, String launcher, List<String> extra, Path dir, int run, boolean footprint)
            throws IOException, InterruptedException {
        Path control = dir.resolve("ctl-" + run + ".sock");
        Path log = dir.resolve("log-" + run);
        try (NotifyListener systemd = new NotifyListener(dir.resolve("notify-" + run).toString())) {
            List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", ns, "env", SystemdNotify.NOTIFY_SOCKET + "=" + systemd.name(),
                    launcher, "run", "--interface", "u0", "--control-socket", control.toString()));
            cmd.addAll(extra);
            long start = System.nanoTime();
            Process daemon = lab.start(null, ProcessBuilder.Redirect.DISCARD, ProcessBuilder.Redirect.to(log.toFile()), cmd.toArray(String[]::new));
            try {
                long firstWord = -1;
                while (true) {
                    NotifyListener.Message m = systemd.receive(Duration.ofSeconds(60));
                    if (m == null) {
                        throw new IllegalStateException("no READY=1 within 60 s from " + String.join(" ", cmd) + "; its stderr:\n" + Files.readString(log));
                    }
                    if (firstWord < 0) firstWord = m.nanoTime() - start;
                    if (m.says("READY=1")) {
                        long took = m.nanoTime() - start;
                        long cpu = cpuMillis(daemon.pid());
                        System.out.printf("run %d: first notification %.0f ms, READY=1 %.0f ms, CPU until then %d ms%s%n", run + 1,
                                firstWord / 1e6, took / 1e6, cpu, footprint ? ", " + footprint(daemon.pid()) : "");
                        return new long[] {took, cpu};
                    }
                }
            } finally {
                daemon.toHandle().destroy();
                if (!daemon.waitFor(15, TimeUnit.SECONDS)) daemon.destroyForcibly().waitFor();
            }
        }
    }

    /**
     * User plus system CPU time {@code pid} has used (all its threads), in ms: on a loaded machine the
     * wall-clock figure measures the other load as much as uarpd, this one much less.
     */
    static long cpuMillis(long pid) throws IOException {
        String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" "); // comm may hold spaces; fields from state on
        long ticks = Long.parseLong(f[11]) + Long.parseLong(f[12]); // utime, stime: fields 14 and 15 of proc(5)
        return ticks * 1000 / 100; // USER_HZ is 100 on Linux
    }

    /** VmRSS and the thread count of {@code pid} (the JVM: ip netns exec and env exec it). */
    static String footprint(long pid) throws IOException {
        String rss = Files.readAllLines(Path.of("/proc/" + pid + "/status")).stream().filter(l -> l.startsWith("VmRSS:"))
                .map(l -> l.substring(6).strip()).findFirst().orElse("?");
        try (var tasks = Files.list(Path.of("/proc/" + pid + "/task"))) {
            return "RSS " + rss + ", " + tasks.count() + " threads";
        }
    }
}

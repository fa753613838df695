package org.uarpd.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.uarpd.linux.NamespaceLab;
import org.uarpd.linux.NotifyListener;
import org.uarpd.linux.SystemdNotify;

/**
 * uarpd's memory holding many neighbour entries: a uarpd started by its launcher on a veth in a
 * namespace of its own; its RSS idle, then after {@code ip -batch} has added N permanent IPv6
 * neighbours (2001:db8:1::/64) to that link and uarpd's table holds every one of them (its kernel
 * neighbour notifications, adopted as static entries; counted with {@code uarpctl show}).
 * Permanent entries are outside the kernel's neighbour garbage collection, so no gc_thresh sysctl —
 * a setting of the whole host, not of the namespace — needs raising. The config raises uarpd's own
 * bound on static entries to N.
 *
 * <p>{@code NeighbourTableFootprint [--entries N] [--settle-s S] [--launcher PATH]}: N defaults to
 * 100,000, S (the wait before each RSS reading, past the JVM's 10 s native heap trim) to 12, the
 * launcher to {@code bin/uarpd} ({@code uarpctl} beside it). Needs root.
 */
public final class NeighbourTableFootprint {
    public static void main(String[] args) throws Exception {
        int entries = 100_000;
        int settle = 12;
        String launcher = "bin/uarpd";
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--entries" -> entries = Integer.parseInt(args[++i]);
                case "--settle-s" -> settle = Integer.parseInt(args[++i]);
                case "--launcher" -> launcher = args[++i];
                default -> throw new IllegalArgumentException("unknown argument " + args[i]
                        + " (expected --entries N, --settle-s S, --launcher PATH)");
            }
        }
        if (entries < 1 || entries > 1 << 24) throw new IllegalArgumentException("--entries must be 1..16777216");
        String uarpctl = Path.of(launcher).resolveSibling("uarpctl").toString();
        NamespaceLab.requirePrivileges();
        Path dir = Files.createTempDirectory("uarpd-table");
        try (NamespaceLab lab = new NamespaceLab("nt")) {
            String h = lab.namespace("h");
            String p = lab.namespace("p");
            lab.veth(h, "u0", "192.0.2.1/24", p, "p0", "192.0.2.2/24");
            Path config = dir.resolve("uarpd.toml");
            Files.writeString(config, "[limits]\nmax-static-entries = " + entries + "\n");
            Path batch = dir.resolve("neighbours.batch");
            Files.write(batch, neighbours(entries));
            String control = dir.resolve("control.sock").toString();
            try (NotifyListener systemd = new NotifyListener(dir.resolve("notify").toString())) {
                // Logging as installed: the default level (info) to stderr, here a file.
                Path log = dir.resolve("uarpd.log");
                Process daemon = lab.start(null, ProcessBuilder.Redirect.DISCARD, ProcessBuilder.Redirect.to(log.toFile()), "ip", "netns", "exec", h,
                        "env", SystemdNotify.NOTIFY_SOCKET + "=" + systemd.name(), launcher, "run", "--interface", "u0",
                        "--config", config.toString(), "--control-socket", control);
                try {
                    awaitReady(systemd);
                    long pid = daemon.pid(); // ip netns exec, env and the launcher exec the JVM: the same process
                    TimeUnit.SECONDS.sleep(settle);
                    System.out.printf("idle, %ds after READY=1: %s%n", settle, StartupTime.footprint(pid));
                    long t = System.nanoTime();
                    lab.ok(h, "ip", "-batch", batch.toString());
                    int kernel = lines(lab.ok(h, "ip", "-6", "neigh", "show", "dev", "u0", "nud", "permanent"));
                    int held = awaitHeld(lab, uarpctl, control, entries);
                    System.out.printf("%d permanent neighbours added by ip -batch: the kernel holds %d, uarpd's table %d (%d ms)%n",
                            entries, kernel, held, (System.nanoTime() - t) / 1_000_000);
                    TimeUnit.SECONDS.sleep(settle);
                    System.out.printf("holding them, %ds later: %s%n", settle, StartupTime.footprint(pid));
                } catch (RuntimeException e) {
                    throw new IllegalStateException(e.getMessage() + "; uarpd's stderr:\n" + Files.readString(log), e);
                } finally {
                    daemon.toHandle().destroy();
                    if (!daemon.waitFor(15, TimeUnit.SECONDS)) daemon.destroyForcibly().waitFor();
                }
            }
        } finally {
            try (var files = Files.list(dir)) {
                for (Path f : files.toList()) Files.deleteIfExists(f);
            }
            Files.deleteIfExists(dir);
        }
    }

    /** {@code ip -batch} lines adding {@code n} permanent neighbours 2001:db8:1::X on u0, locally administered MACs. */
    static List<String> neighbours(int n) {
        List<String> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            out.add(String.format("neigh add 2001:db8:1::%x:%x lladdr 02:00:00:%02x:%02x:%02x nud permanent dev u0",
                    i >>> 16, i & 0xffff, (i >>> 16) & 0xff, (i >>> 8) & 0xff, i & 0xff));
        }
        return out;
    }

    static void awaitReady(NotifyListener systemd) throws IOException, InterruptedException {
        while (true) {
            NotifyListener.Message m = systemd.receive(Duration.ofSeconds(60));
            if (m == null) throw new IllegalStateException("uarpd sent no READY=1 within 60 s");
            if (m.says("READY=1")) return;
        }
    }

    /** Asks uarpd for its table until it holds {@code n} entries; 120 s at most. */
    static int awaitHeld(NamespaceLab lab, String uarpctl, String control, int n) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (true) {
            int held = lines(lab.ok(null, uarpctl, "-s", control, "show"));
            if (held >= n) return held;
            if (System.nanoTime() > deadline) throw new IllegalStateException("uarpd's table holds " + held + " of " + n + " entries after 120 s");
            TimeUnit.MILLISECONDS.sleep(500);
        }
    }

    static int lines(String text) {
        return (int) text.lines().filter(l -> !l.isBlank()).count();
    }
}

package org.uarpd.linux;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Throwaway network namespaces joined by veth pairs, for tests, benchmarks and {@code uarpd lab}:
 * every name starts with a prefix unique to this
 * process ({@code uarpd-PID-N}), only 192.0.2.0/24 and 198.51.100.0/24 are used, and {@link #close()}
 * — also run by a shutdown hook — kills what it started and deletes every namespace (which deletes
 * the veth ends inside). Nothing here touches the host's own namespace beyond creating veth pairs
 * that are moved out of it at once.
 */
public final class NamespaceLab implements AutoCloseable {
    private static final AtomicInteger COUNTER = new AtomicInteger();

    private final String prefix;
    private final List<String> namespaces = new ArrayList<>();
    private final List<Process> processes = new ArrayList<>();
    private final Thread hook;
    private boolean closed;

    /** What a command printed and how it ended. */
    public record Result(int exitCode, String out, String err) {
        public boolean ok() {
            return exitCode == 0;
        }
    }

    public NamespaceLab() {
        this("uarpd-");
    }

    /**
     * Namespaces named {@code stem + PID + "-" + N + "-" + short name}: a stem of its own lets tests of
     * different suites (run at once by different people on one machine) never collide.
     */
    public NamespaceLab(String stem) {
        requirePrivileges();
        prefix = stem + ProcessHandle.current().pid() + "-" + COUNTER.incrementAndGet();
        hook = new Thread(this::close, "namespace-lab-cleanup");
        Runtime.getRuntime().addShutdownHook(hook);
    }

    /** Fails, saying what is missing, unless this process has CAP_NET_ADMIN and CAP_NET_RAW. */
    public static void requirePrivileges() {
        String missing = missingPrivileges("to create network namespaces and packet sockets");
        if (missing != null) throw new IllegalStateException(missing);
    }

    /** Null when this process has CAP_NET_ADMIN and CAP_NET_RAW, else what is missing, said to be needed {@code purpose}. */
    public static String missingPrivileges(String purpose) {
        long caps = 0;
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("CapEff:")) caps = Long.parseUnsignedLong(line.substring(7).strip(), 16);
            }
        } catch (IOException | NumberFormatException e) {
            return "cannot read capabilities from /proc/self/status: " + e;
        }
        boolean admin = (caps & (1L << 12)) != 0;
        boolean raw = (caps & (1L << 13)) != 0;
        if (admin && raw) return null;
        return "needs root (or CAP_NET_ADMIN + CAP_NET_RAW) " + purpose + "; missing "
                + (admin ? "" : "CAP_NET_ADMIN ") + (raw ? "" : "CAP_NET_RAW") + " — run it with sudo";
    }

    public String prefix() {
        return prefix;
    }

    /** Creates namespace {@code prefix-short} with its loopback up; returns its full name. */
    public synchronized String namespace(String shortName) {
        String name = prefix + "-" + shortName;
        ok(null, "ip", "netns", "add", name);
        namespaces.add(name);
        ok(name, "ip", "link", "set", "lo", "up");
        return name;
    }

    /**
     * Joins two namespaces with a veth pair: {@code ifA} in {@code nsA} with {@code cidrA}, {@code ifB}
     * in {@code nsB} with {@code cidrB}, both up. Each end is created inside its namespace directly.
     */
    public void veth(String nsA, String ifA, String cidrA, String nsB, String ifB, String cidrB) {
        checkLabAddress(cidrA);
        checkLabAddress(cidrB);
        ok(nsA, "ip", "link", "add", ifA, "type", "veth", "peer", "name", ifB, "netns", nsB);
        ok(nsA, "ip", "addr", "add", cidrA, "dev", ifA);
        ok(nsB, "ip", "addr", "add", cidrB, "dev", ifB);
        ok(nsA, "ip", "link", "set", ifA, "up");
        ok(nsB, "ip", "link", "set", ifB, "up");
    }

    private static void checkLabAddress(String cidr) {
        if (!cidr.startsWith("192.0.2.") && !cidr.startsWith("198.51.100.")) {
            throw new IllegalArgumentException("lab addresses come only from 192.0.2.0/24 and 198.51.100.0/24, not " + cidr);
        }
    }

    /**
     * Connects {@code ns} to a switch (a Linux bridge {@code br0} in namespace {@code switchNs}, made on
     * first use) through a veth pair: {@code ifName} in {@code ns} with {@code cidr}, up.
     */
    public void switchPort(String switchNs, String ns, String ifName, String cidr) {
        checkLabAddress(cidr);
        if (!run(switchNs, "ip", "link", "show", "br0").ok()) {
            ok(switchNs, "ip", "link", "add", "br0", "type", "bridge");
            ok(switchNs, "ip", "link", "set", "br0", "up");
        }
        String port = "s" + ifName;
        ok(ns, "ip", "link", "add", ifName, "type", "veth", "peer", "name", port, "netns", switchNs);
        ok(ns, "ip", "addr", "add", cidr, "dev", ifName);
        ok(ns, "ip", "link", "set", ifName, "up");
        ok(switchNs, "ip", "link", "set", port, "master", "br0");
        ok(switchNs, "ip", "link", "set", port, "up");
    }

    /** The hardware address of {@code link} in {@code ns}. */
    public String mac(String ns, String link) {
        return ok(ns, "cat", "/sys/class/net/" + link + "/address").strip();
    }

    private static List<String> command(String ns, String... cmd) {
        List<String> full = new ArrayList<>();
        if (ns != null) full.addAll(List.of("ip", "netns", "exec", ns));
        full.addAll(List.of(cmd));
        return full;
    }

    /** Runs {@code cmd} in {@code ns} (null: here) and waits up to 60 s. */
    public Result run(String ns, String... cmd) {
        return run(command(ns, cmd));
    }

    public static Result run(List<String> cmd) {
        try {
            Path out = Files.createTempFile("uarpd-lab", ".out");
            Path err = Files.createTempFile("uarpd-lab", ".err");
            try {
                Process p = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
                if (!p.waitFor(60, TimeUnit.SECONDS)) {
                    p.destroyForcibly().waitFor();
                    throw new IllegalStateException("timed out after 60 s: " + String.join(" ", cmd));
                }
                return new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
            } finally {
                Files.deleteIfExists(out);
                Files.deleteIfExists(err);
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot run " + String.join(" ", cmd) + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted running " + String.join(" ", cmd), e);
        }
    }

    /** Runs {@code cmd} in {@code ns} and returns its output; throws with its stderr when it fails. */
    public String ok(String ns, String... cmd) {
        Result r = run(ns, cmd);
        if (!r.ok()) {
            throw new IllegalStateException(String.join(" ", command(ns, cmd)) + " exited " + r.exitCode() + ": " + r.err().strip());
        }
        return r.out();
    }

    /** Starts {@code cmd} in {@code ns} in the background; it is killed by {@link #close()} at the latest. */
    public synchronized Process start(String ns, ProcessBuilder.Redirect out, ProcessBuilder.Redirect err, String... cmd) {
        try {
            Process p = new ProcessBuilder(command(ns, cmd)).redirectOutput(out).redirectError(err).start();
            processes.add(p);
            return p;
        } catch (IOException e) {
            throw new IllegalStateException("cannot start " + String.join(" ", cmd) + ": " + e.getMessage(), e);
        }
    }

    /** The namespaces created so far that still exist (for checks that nothing is left behind). */
    public List<String> leftovers() {
        String list = run(null, "ip", "netns", "list").out();
        List<String> left = new ArrayList<>();
        for (String line : list.split("\n")) {
            String name = line.split(" ")[0];
            if (name.startsWith(prefix + "-")) left.add(name);
        }
        return left;
    }

    /** Kills every started process (and its children), then deletes every namespace. */
    @Override
    public synchronized void close() {
        if (closed) return;
        closed = true;
        for (Process p : processes) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
            try {
                p.waitFor(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        for (String ns : namespaces) {
            // Anything still running inside (e.g. a crash restorer) goes first, or the namespace lingers.
            Result pids = run(null, "ip", "netns", "pids", ns);
            for (String pid : pids.out().split("\\s+")) {
                if (!pid.isBlank()) ProcessHandle.of(Long.parseLong(pid.strip())).ifPresent(ProcessHandle::destroyForcibly);
            }
            run(null, "ip", "netns", "del", ns);
        }
        namespaces.clear();
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException ignored) {
            // already shutting down: this is the hook
        }
    }
}

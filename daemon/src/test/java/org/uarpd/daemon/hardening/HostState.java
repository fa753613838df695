package org.uarpd.daemon.hardening;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.uarpd.daemon.Await;
import org.uarpd.daemon.SelfLauncher;
import org.uarpd.daemon.control.Uarpctl;
import org.uarpd.linux.NamespaceLab;

/**
 * What the hardening tests compare and wait for: a namespace's sysctls for one interface, uarpd's
 * nftables drop rules, its packet sockets, a daemon's RSS, and uarpd runs expected to be refused.
 */
final class HostState {
    private static final Pattern IIF = Pattern.compile("iif (\\S+) drop");

    private HostState() {}

    /** Fails saying which executables are missing and which Debian package brings them. */
    static void requireTools(String... toolAndPackage) {
        List<String> missing = new ArrayList<>();
        for (int i = 0; i < toolAndPackage.length; i += 2) {
            String tool = toolAndPackage[i];
            boolean found = tool.startsWith("/") ? Files.isExecutable(Path.of(tool))
                    : List.of("/usr/sbin/", "/usr/bin/", "/sbin/", "/bin/").stream().anyMatch(d -> Files.isExecutable(Path.of(d + tool)));
            if (!found) missing.add(tool + " (apt-get install " + toolAndPackage[i + 1] + ")");
        }
        if (!missing.isEmpty()) throw new AssertionError("the hardening tests need " + String.join(", ", missing));
    }

    /** Deletes the lab (checking nothing is left behind) and the test's scratch directory. */
    static void tearDown(NamespaceLab lab, Path dir) throws IOException {
        if (lab != null) {
            lab.close();
            if (!lab.leftovers().isEmpty()) throw new AssertionError("namespaces left behind: " + lab.leftovers());
        }
        if (dir != null) {
            try (var files = Files.list(dir)) {
                for (Path f : files.toList()) Files.deleteIfExists(f);
            }
            Files.deleteIfExists(dir);
        }
    }

    /** Whether {@code condition} holds within {@code limit} (the shared {@link Await#within}). */
    static boolean await(Duration limit, BooleanSupplier condition) throws InterruptedException {
        return Await.within(limit.toNanos() / 1e9, condition);
    }

    /** Every {@code net.ipv4.conf.IF.*} and {@code net.ipv4.neigh.IF.*} value in {@code ns}. */
    static Map<String, String> sysctls(NamespaceLab lab, String ns, String dev) {
        Map<String, String> values = new TreeMap<>();
        for (String family : List.of("conf", "neigh")) {
            String out = lab.ok(ns, "sysctl", "-a", "-r", "^net\\.ipv4\\." + family + "\\." + dev + "\\.");
            for (String line : out.split("\n")) {
                int eq = line.indexOf(" = ");
                if (eq > 0) values.put(line.substring(0, eq), line.substring(eq + 3).strip());
            }
        }
        return values;
    }

    /** The interface indexes uarpd's {@code table arp uarpd} drops ARP input on, as nft prints them. */
    static List<String> dropRules(NamespaceLab lab, String ns) {
        NamespaceLab.Result r = lab.run(ns, "nft", "list", "table", "arp", "uarpd");
        List<String> iifs = new ArrayList<>();
        if (!r.ok()) return iifs; // no table at all
        Matcher m = IIF.matcher(r.out());
        while (m.find()) iifs.add(m.group(1).replace("\"", ""));
        return iifs;
    }

    /** The whole nftables ruleset of {@code ns}. */
    static String ruleset(NamespaceLab lab, String ns) {
        return lab.ok(ns, "nft", "list", "ruleset");
    }

    /** The socket inodes of every packet socket open in {@code ns}. */
    static List<String> packetSockets(NamespaceLab lab, String ns) {
        List<String> inodes = new ArrayList<>();
        String[] lines = lab.ok(ns, "cat", "/proc/net/packet").split("\n");
        for (int i = 1; i < lines.length; i++) {
            String[] f = lines[i].strip().split("\\s+");
            if (f.length > 0 && !f[0].isEmpty()) inodes.add(f[f.length - 1]);
        }
        inodes.sort(null);
        return inodes;
    }

    /**
     * What the kernel dropped because packet sockets in {@code ns} were full ({@code ss -0 -m}, skmem
     * field d), one figure per socket: under a flood, the frames uarpd never saw.
     */
    static String packetSocketDrops(NamespaceLab lab, String ns) {
        NamespaceLab.Result r = lab.run(ns, "ss", "-0", "-a", "-m", "-n");
        Matcher m = Pattern.compile("skmem:\\([^)]*,d(\\d+)\\)").matcher(r.out());
        List<String> drops = new ArrayList<>();
        while (m.find()) drops.add(m.group(1));
        return "packet socket drops in " + ns + ": " + (r.ok() ? String.join(" ", drops) : "unknown (" + r.err().strip() + ")");
    }

    static int ifindex(NamespaceLab lab, String ns, String dev) {
        return Integer.parseInt(lab.ok(ns, "cat", "/sys/class/net/" + dev + "/ifindex").strip());
    }

    /** VmRSS of {@code pid} in KiB, or -1 once it is gone. */
    static long rssKib(long pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
                if (line.startsWith("VmRSS:")) return Long.parseLong(line.substring(6).replace("kB", "").strip());
            }
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
        return -1;
    }

    /** A uarpctl run: exit status and what it printed. */
    record Ctl(int exit, String out, String err) {}

    static Ctl ctl(Path socket, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        List<String> all = new ArrayList<>(List.of("-s", socket.toString()));
        all.addAll(List.of(args));
        int exit = Uarpctl.execute(new PrintWriter(out), new PrintWriter(err), all.toArray(String[]::new));
        return new Ctl(exit, out.toString(), err.toString());
    }

    /** How a {@code uarpd run} expected to be refused ended: {@code started} when it got as far as ready. */
    record Outcome(boolean started, int exit, String stderr) {}

    /**
     * Runs {@code uarpd run ARGS} in {@code ns} until it exits or prints its ready line (then it is
     * stopped with SIGTERM: it should never have started).
     */
    static Outcome runExpectingRefusal(NamespaceLab lab, String ns, String... runArgs) throws IOException, InterruptedException {
        Path err = Files.createTempFile("uarpd-refused", ".err");
        try {
            List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", ns));
            List<String> args = new ArrayList<>(List.of("run"));
            args.addAll(List.of(runArgs));
            cmd.addAll(SelfLauncher.command(args.toArray(String[]::new)));
            Process p = lab.start(null, ProcessBuilder.Redirect.DISCARD, ProcessBuilder.Redirect.to(err.toFile()), cmd.toArray(String[]::new));
            boolean ready = !await(Duration.ofSeconds(30), () -> !p.isAlive() || read(err).contains("uarpd ready"));
            ready |= p.isAlive();
            if (ready) {
                p.toHandle().destroy();
                p.waitFor(15, TimeUnit.SECONDS);
            }
            return new Outcome(ready, p.isAlive() ? -1 : p.exitValue(), read(err));
        } finally {
            Files.deleteIfExists(err);
        }
    }

    private static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }
}

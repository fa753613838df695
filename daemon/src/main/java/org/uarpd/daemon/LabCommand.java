package org.uarpd.daemon;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.uarpd.linux.NamespaceLab;
import picocli.CommandLine.Command;

/**
 * {@code uarpd lab}: the main job on an embedded default. Builds two throwaway namespaces joined by
 * veth — "uarpd" (u0, 192.0.2.1/24) running {@code uarpd run} authoritative, and "peer" (p0,
 * 192.0.2.2/24), a plain Linux kernel — drives real traffic, prints a timed account of what uarpd
 * saw and did and the final neighbour tables, and removes everything, also on Ctrl-C or failure.
 */
@Command(name = "lab", mixinStandardHelpOptions = true,
        description = "Show uarpd resolving for a real Linux kernel in throwaway network namespaces (needs root).")
public final class LabCommand implements Callable<Integer> {
    static final String HOST_IP = "192.0.2.1";
    static final String PEER_IP = "192.0.2.2";
    static final String PUBLISHED = "198.51.100.0/28";
    static final String EXCLUDED = "198.51.100.5";
    static final String PUBLISH_MAC = "02:00:5e:00:53:01";
    static final String RARP_CLIENT = "02:00:5e:00:53:aa";
    static final String RARP_ADDRESS = "198.51.100.200";
    static final String RARP_STRANGER = "02:00:5e:00:53:bb";
    static final List<String> KNOBS = List.of(
            "net.ipv4.neigh.u0.app_solicit", "net.ipv4.neigh.u0.ucast_solicit", "net.ipv4.neigh.u0.mcast_solicit",
            "net.ipv4.neigh.u0.mcast_resolicit", "net.ipv4.conf.u0.arp_ignore", "net.ipv4.conf.u0.arp_accept",
            "net.ipv4.conf.u0.drop_gratuitous_arp", "net.ipv4.conf.u0.arp_notify", "net.ipv4.conf.u0.proxy_arp",
            "net.ipv6.neigh.u0.app_solicit", "net.ipv6.neigh.u0.ucast_solicit", "net.ipv6.neigh.u0.mcast_solicit",
            "net.ipv6.neigh.u0.mcast_resolicit");

    private final PrintStream out = System.out;
    private long t0;
    private int failures;

    @Override
    public Integer call() throws Exception {
        String missing = NamespaceLab.missingPrivileges("to build its namespaces");
        if (missing != null) {
            System.err.println("uarpd lab: " + missing);
            return 1;
        }
        String tools = missingTools();
        if (tools != null) {
            System.err.println("uarpd lab: " + tools);
            return 1;
        }
        t0 = System.nanoTime();
        Path dir = Files.createTempDirectory("uarpd-lab");
        dir.toFile().deleteOnExit(); // Ctrl-C skips the finally below; files are registered as they are made
        try (NamespaceLab lab = new NamespaceLab()) {
            return runLab(lab, dir);
        } finally {
            try (var files = Files.list(dir)) {
                for (Path f : files.toList()) Files.deleteIfExists(f);
            }
            Files.deleteIfExists(dir);
        }
    }

    static String missingTools() {
        List<String> missing = new ArrayList<>();
        for (String tool : List.of("ip", "ping", "arping", "arp-scan", "nft", "setsid")) {
            if (NamespaceLab.run(List.of("sh", "-c", "command -v " + tool)).exitCode() != 0) missing.add(tool);
        }
        if (NamespaceLab.run(List.of("/usr/bin/python3", "-c", "import scapy")).exitCode() != 0) missing.add("python3-scapy (/usr/bin/python3)");
        return missing.isEmpty() ? null
                : "missing tools: " + String.join(", ", missing) + " — install iproute2 iputils-ping iputils-arping arp-scan nftables python3-scapy";
    }

    private int runLab(NamespaceLab lab, Path dir) throws Exception {
        say("lab", "building namespaces " + lab.prefix() + "-uarpd and -peer, joined by veth u0 <-> p0");
        String host = lab.namespace("uarpd");
        String peer = lab.namespace("peer");
        lab.veth(host, "u0", HOST_IP + "/24", peer, "p0", PEER_IP + "/24");
        Path ethers = dir.resolve("ethers");
        Path hosts = dir.resolve("hosts");
        for (Path f : List.of(ethers, hosts, dir.resolve("rarp_request.py"))) f.toFile().deleteOnExit();
        Files.writeString(ethers, RARP_CLIENT + " rarp-client\n");
        Files.writeString(hosts, RARP_ADDRESS + " rarp-client\n");
        Path script = dir.resolve("rarp_request.py");
        try (InputStream in = LabCommand.class.getResourceAsStream("rarp_request.py")) {
            Files.write(script, in.readAllBytes());
        }
        Map<String, String> before = knobs(lab, host);

        List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", host));
        cmd.addAll(SelfLauncher.command("run", "--interface", "u0", "--mode", "authoritative", "--log-level", "debug",
                "--control-socket", dir.resolve("control.sock").toString(),
                "--publish", PUBLISHED + ",!" + EXCLUDED, "--publish-mac", PUBLISH_MAC,
                "--ethers", ethers.toString(), "--hosts", hosts.toString()));
        say("lab", "starting uarpd authoritative on u0 (published " + PUBLISHED + " except " + EXCLUDED + " as " + PUBLISH_MAC
                + ", RARP from " + ethers.getFileName() + ")");
        Process uarpd = lab.start(null, ProcessBuilder.Redirect.DISCARD, ProcessBuilder.Redirect.PIPE, cmd.toArray(String[]::new));
        CountDownLatch ready = new CountDownLatch(1);
        Thread relay = relay(uarpd.getErrorStream(), ready);
        if (!ready.await(30, TimeUnit.SECONDS)) {
            say("lab", "FAILED: uarpd did not become ready within 30 s");
            return 1;
        }

        step(lab, peer, "peer pings the uarpd host", "ping", "-c", "3", "-i", "0.2", "-W", "2", HOST_IP);
        lab.run(host, "ip", "neigh", "flush", "dev", "u0");
        step(lab, host, "uarpd host pings the peer (its kernel asks uarpd)", "ping", "-c", "3", "-i", "0.2", "-W", "2", PEER_IP);
        step(lab, peer, "peer arpings the uarpd host", "arping", "-c", "2", "-w", "3", "-I", "p0", HOST_IP);
        NamespaceLab.Result scan = lab.run(peer, "arp-scan", "-I", "p0", "-q", "-x", "-D", "-F", "${ip} ${mac} ${rtt}", PUBLISHED);
        List<String> answered = scan.out().lines().filter(l -> !l.isBlank()).toList();
        boolean scanOk = scan.ok() && answered.size() == 15 && answered.stream().allMatch(l -> l.contains(PUBLISH_MAC))
                && answered.stream().noneMatch(l -> l.startsWith(EXCLUDED + " "));
        report("peer arp-scans " + PUBLISHED + ": " + answered.size() + " of 15 published addresses answered with "
                + PUBLISH_MAC + ", " + EXCLUDED + " " + (answered.stream().anyMatch(l -> l.startsWith(EXCLUDED + " ")) ? "ANSWERED" : "unanswered"),
                scanOk, answered.size() <= 20 ? String.join("\n", answered) : "");
        NamespaceLab.Result rarp = lab.run(peer, "/usr/bin/python3", script.toString(), "p0", RARP_CLIENT, "2");
        report("peer sends a RARP request for " + RARP_CLIENT + ": " + rarp.out().strip(),
                rarp.out().contains("answered " + RARP_CLIENT + " is " + RARP_ADDRESS), rarp.err().strip());
        NamespaceLab.Result stranger = lab.run(peer, "/usr/bin/python3", script.toString(), "p0", RARP_STRANGER, "1.5");
        report("peer sends a RARP request for unknown " + RARP_STRANGER + ": " + stranger.out().strip(),
                stranger.out().contains("unanswered"), stranger.err().strip());

        say("lab", "neighbour table of the uarpd host (ip neigh show dev u0):\n" + indent(lab.run(host, "ip", "neigh", "show", "dev", "u0").out()));
        say("lab", "neighbour table of the peer (ip neigh show dev p0):\n" + indent(lab.run(peer, "ip", "neigh", "show", "dev", "p0").out()));

        say("lab", "stopping uarpd (SIGTERM)");
        uarpd.toHandle().destroy(); // SIGTERM, keeping its stderr open for the last lines
        boolean exited = uarpd.waitFor(15, TimeUnit.SECONDS);
        relay.join(2000);
        report("uarpd exited " + (exited ? "with status " + uarpd.exitValue() : "NOT within 15 s"), exited && uarpd.exitValue() == 0, "");
        Map<String, String> after = knobs(lab, host);
        report("every sysctl uarpd changed is back (" + before.size() + " compared)", after.equals(before), diff(before, after));
        String ruleset = lab.run(host, "nft", "list", "ruleset").out();
        report("the nftables table arp uarpd is gone", !ruleset.contains("uarpd"), ruleset);
        lab.close();
        List<String> left = lab.leftovers();
        report("namespaces removed", left.isEmpty(), String.join(" ", left));
        say("lab", failures == 0 ? "all steps passed" : failures + " step(s) FAILED");
        return failures == 0 ? 0 : 1;
    }

    private Thread relay(InputStream stderr, CountDownLatch ready) {
        Thread t = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(stderr, StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    say("uarpd", line);
                    if (line.contains(RunCommand.READY)) ready.countDown();
                }
            } catch (IOException ignored) {
                // the process is gone
            }
        }, "uarpd-relay");
        t.setDaemon(true);
        t.start();
        return t;
    }

    private void step(NamespaceLab lab, String ns, String what, String... cmd) {
        say("lab", what + ": " + String.join(" ", cmd));
        NamespaceLab.Result r = lab.run(ns, cmd);
        String summary = r.out().lines().filter(l -> l.contains("packets transmitted") || l.contains("Received") || l.startsWith("rtt"))
                .reduce((x, y) -> x + "; " + y).orElse("");
        report(what + (summary.isEmpty() ? "" : " — " + summary), r.ok(), r.ok() ? "" : r.out() + r.err());
    }

    private void report(String what, boolean ok, String detail) {
        if (!ok) failures++;
        say("lab", (ok ? "ok: " : "FAILED: ") + what + (!ok && detail != null && !detail.isBlank() ? "\n" + indent(detail) : ""));
    }

    static Map<String, String> knobs(NamespaceLab lab, String ns) {
        Map<String, String> values = new LinkedHashMap<>();
        for (String k : KNOBS) values.put(k, lab.run(ns, "sysctl", "-n", k).out().strip());
        return values;
    }

    private static String diff(Map<String, String> before, Map<String, String> after) {
        StringBuilder s = new StringBuilder();
        before.forEach((k, v) -> {
            if (!v.equals(after.get(k))) s.append(k).append(": ").append(v).append(" -> ").append(after.get(k)).append('\n');
        });
        return s.toString();
    }

    private static String indent(String text) {
        return text.strip().lines().map(l -> "    " + l).reduce((a, b) -> a + "\n" + b).orElse("    (empty)");
    }

    private synchronized void say(String who, String text) {
        double t = (System.nanoTime() - t0) / 1e9;
        out.printf("%+9.3fs %-5s | %s%n", t, who, text);
        out.flush();
    }
}

package org.uarpd.daemon.hardening;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.uarpd.daemon.UarpdProcess;
import org.uarpd.linux.NamespaceLab;

/**
 * No rule or setting of uarpd's outlives its interface or applies to another one: recreation, index
 * reuse, rename, MAC change, link flaps, address changes on the link and across the namespace, and an
 * interface that does not exist yet (waited for, and said so).
 * Each test gets fresh namespaces, so interface indexes start from the same place.
 */
@Tag("netns")
@Tag("hardening")
class InterfaceChurnAcceptanceTest {
    /**
     * Churn cycles, each of them: u0 deleted and made again (so it comes back under a new index), its
     * address added, up, down and up again, a second address added and removed, its MAC changed. A
     * cycle is two {@code ip -batch} runs (one per namespace) and uarpd taking u0 back: about 45 ms on
     * a 2-core box under a load of 6, most of it the kernel deleting and making the veth pair, so 1,000
     * cycles take about a minute there, and a per-cycle leak (one rule, one socket, one sysctl record)
     * shows 1,000-fold.
     */
    static final int CYCLES = 1000;
    static final String CHURN_MAC = "02:00:5e:00:53:10";
    NamespaceLab lab;
    String h;
    String p;

    @BeforeEach
    void build() {
        HostState.requireTools("nft", "nftables", "arping", "iputils-arping");
        lab = new NamespaceLab("uhi");
        h = lab.namespace("h");
        p = lab.namespace("p");
    }

    @AfterEach
    void tearDown() throws java.io.IOException {
        HostState.tearDown(lab, null);
    }

    /** The two batch files of one churn cycle: H's side (recreate and churn u0), then P's (its end of the pair). */
    private Path[] churnBatches(Path dir) throws java.io.IOException {
        Path onH = dir.resolve("h.batch");
        Path onP = dir.resolve("p.batch");
        Files.writeString(onH, String.join("\n", "link del u0", "link add u0 type veth peer name p0 netns " + p,
                "addr add 192.0.2.1/24 dev u0", "link set u0 up", "link set u0 down", "link set u0 up",
                "addr add 192.0.2.30/24 dev u0", "addr del 192.0.2.30/24 dev u0", "link set u0 address " + CHURN_MAC) + "\n");
        Files.writeString(onP, "addr add 192.0.2.2/24 dev p0\nlink set p0 up\n");
        return new Path[] {onH, onP};
    }

    /**
     * Waits up to 10 s for {@code u} to log that u0 is back, in a line after the first {@code from};
     * returns the number of lines up to and with that one, or -1. Reads only the new lines each time, so
     * a thousand cycles do not rescan a growing log.
     */
    private static int backAfter(UarpdProcess u, int from) throws InterruptedException {
        long end = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        int next = from;
        while (System.nanoTime() < end) {
            int size = u.log.size();
            for (; next < size; next++) if (u.log.get(next).contains("link u0 is back")) return next + 1;
            Thread.sleep(1); // a poll interval, not a synchronisation: the log line decides
        }
        return -1;
    }

    /** What one served u0 leaves on the host: its sysctls, uarpd's rules (by interface) and packet sockets. */
    private Map<String, Object> state() {
        return Map.of("sysctls", HostState.sysctls(lab, h, "u0"),
                "rules", HostState.dropRules(lab, h).stream().map(i -> i.equals("u0") ? "u0" : "index " + i).toList(),
                "sockets", HostState.packetSockets(lab, h).size());
    }

    @Test
    void churnCyclesLeaveTheStateOfOneAndAReusedIndexKeepsItsArp() throws Exception {
        lab.veth(h, "u0", "192.0.2.1/24", p, "p0", "192.0.2.2/24");
        int firstIndex = HostState.ifindex(lab, h, "u0");
        Path dir = Files.createTempDirectory("uhi");
        try (UarpdProcess u = UarpdProcess.atDefaultLevel(lab, h, "--interface", "u0", "--mode", "authoritative", "--warm-up", "0")) {
            Path[] batch = churnBatches(dir);
            Map<String, Object> one = null;
            long started = System.nanoTime();
            int read = 0;
            for (int i = 1; i <= CYCLES; i++) {
                lab.ok(null, "ip", "-n", h, "-batch", batch[0].toString());
                lab.ok(null, "ip", "-n", p, "-batch", batch[1].toString());
                read = backAfter(u, read);
                assertThat(read).as("cycle %d: uarpd takes u0 back\n%s", i, u.logText()).isPositive();
                if (i == 1) {
                    HostState.await(Duration.ofSeconds(5), () -> HostState.dropRules(lab, h).contains("u0"));
                    one = state();
                }
            }
            double seconds = (System.nanoTime() - started) / 1e9;
            Map<String, Object> many = state();
            assertThat(many).as("%d cycles (%.1f s) leave exactly the state of one", CYCLES, seconds).isEqualTo(one);
            assertThat(HostState.dropRules(lab, h)).as("one drop rule, for the live u0").containsExactly("u0");
            assertThat(HostState.await(Duration.ofSeconds(5), () -> lab.run(p, "arping", "-c", "1", "-w", "1", "-I", "p0", "192.0.2.1").out()
                    .toLowerCase(java.util.Locale.ROOT).contains(CHURN_MAC))).as("u0 served with its last MAC\n" + u.logText()).isTrue();
            assertThat(u.log).as("no warning over the churn").noneMatch(l -> l.contains("WARN") || l.contains("ERROR"));

            // An unrelated interface given u0's first index: the kernel must still hear its ARP.
            lab.ok(h, "ip", "link", "add", "x0", "index", Integer.toString(firstIndex), "type", "veth", "peer", "name", "y0", "netns", p);
            lab.ok(h, "ip", "addr", "add", "198.51.100.1/24", "dev", "x0");
            lab.ok(p, "ip", "addr", "add", "198.51.100.2/24", "dev", "y0");
            lab.ok(h, "ip", "link", "set", "x0", "up");
            lab.ok(p, "ip", "link", "set", "y0", "up");
            assertThat(lab.run(p, "arping", "-c", "2", "-w", "3", "-I", "y0", "198.51.100.1").ok())
                    .as("ARP on x0 (index %d, once u0's) answered by the kernel; uarpd's rules: %s", firstIndex, HostState.dropRules(lab, h)).isTrue();
            assertThat(u.terminate()).isZero();
        } finally {
            HostState.tearDown(null, dir);
        }
    }

    @Test
    void renameMacChangeFlapAndAddressesAreFollowed() throws Exception {
        lab.veth(h, "u0", "192.0.2.1/24", p, "p0", "192.0.2.2/24");
        Map<String, String> pristine = HostState.sysctls(lab, h, "u0");
        try (UarpdProcess u = new UarpdProcess(lab, h, "--interface", "u0", "--mode", "authoritative", "--warm-up", "0")) {
            String mac = "02:00:5e:00:53:10";
            lab.ok(h, "ip", "link", "set", "u0", "address", mac);
            assertThat(HostState.await(Duration.ofSeconds(5),
                    () -> lab.run(p, "arping", "-c", "1", "-w", "1", "-I", "p0", "192.0.2.1").out().toLowerCase(java.util.Locale.ROOT).contains(mac)))
                    .as("answers with the new MAC\n" + u.logText()).isTrue();

            lab.ok(h, "ip", "link", "set", "u0", "down");
            lab.ok(h, "ip", "link", "set", "u0", "up");
            assertThat(HostState.await(Duration.ofSeconds(5), () -> lab.run(p, "arping", "-c", "1", "-w", "1", "-I", "p0", "192.0.2.1").ok()))
                    .as("answers after down/up\n" + u.logText()).isTrue();
            assertThat(HostState.dropRules(lab, h)).as("one rule after a flap").containsExactly("u0");

            lab.ok(h, "ip", "addr", "add", "192.0.2.30/24", "dev", "u0");
            assertThat(HostState.await(Duration.ofSeconds(5), () -> lab.run(p, "arping", "-c", "1", "-w", "1", "-I", "p0", "192.0.2.30").ok()))
                    .as("a new address is answered\n" + u.logText()).isTrue();
            lab.ok(h, "ip", "addr", "flush", "dev", "u0");
            lab.ok(h, "ip", "addr", "add", "192.0.2.1/24", "dev", "u0");
            assertThat(HostState.await(Duration.ofSeconds(5), () -> !lab.run(p, "arping", "-c", "1", "-w", "1", "-I", "p0", "192.0.2.30").ok()))
                    .as("a flushed address is no longer answered\n" + u.logText()).isTrue();

            // Across the namespace: every global address flushed (u0's and those of x0, which uarpd does not
            // serve), then given back. uarpd follows u0's; x0 stays the kernel's, with no rule of uarpd's.
            lab.veth(h, "x0", "198.51.100.1/24", p, "y0", "198.51.100.2/24");
            lab.ok(h, "ip", "-4", "addr", "flush", "scope", "global");
            assertThat(HostState.await(Duration.ofSeconds(5), () -> !lab.run(p, "arping", "-c", "1", "-w", "1", "-I", "p0", "192.0.2.1").ok()))
                    .as("an address flushed namespace-wide is no longer answered\n" + u.logText()).isTrue();
            lab.ok(h, "ip", "addr", "add", "192.0.2.1/24", "dev", "u0");
            lab.ok(h, "ip", "addr", "add", "198.51.100.1/24", "dev", "x0");
            assertThat(HostState.await(Duration.ofSeconds(5), () -> lab.run(p, "arping", "-c", "1", "-w", "1", "-I", "p0", "192.0.2.1").ok()))
                    .as("given back, it is answered again\n" + u.logText()).isTrue();
            assertThat(lab.run(p, "arping", "-c", "2", "-w", "3", "-I", "y0", "198.51.100.1").ok()).as("x0 answered by the kernel").isTrue();
            assertThat(HostState.dropRules(lab, h)).as("uarpd's rules, for u0 only").containsExactly("u0");
            lab.ok(h, "ip", "link", "del", "x0");

            // Renamed away, the interface is no longer the configured u0: nothing of uarpd's stays on it.
            lab.ok(h, "ip", "link", "set", "u0", "down");
            lab.ok(h, "ip", "link", "set", "u0", "name", "v0");
            lab.ok(h, "ip", "link", "set", "v0", "up");
            assertThat(HostState.await(Duration.ofSeconds(5), () -> HostState.dropRules(lab, h).isEmpty()))
                    .as("no rule on the renamed interface: " + HostState.dropRules(lab, h)).isTrue();
            Map<String, String> renamed = new java.util.TreeMap<>();
            HostState.sysctls(lab, h, "v0").forEach((k, v) -> renamed.put(k.replace(".v0.", ".u0."), v));
            assertThat(renamed).as("the renamed interface has its original settings back").isEqualTo(pristine);
            assertThat(lab.run(p, "arping", "-c", "1", "-w", "3", "-I", "p0", "192.0.2.1").ok()).as("the kernel answers on v0").isTrue();

            lab.ok(h, "ip", "link", "set", "v0", "name", "u0");
            assertThat(HostState.await(Duration.ofSeconds(5), () -> HostState.dropRules(lab, h).equals(List.of("u0"))))
                    .as("renamed back: served again " + HostState.dropRules(lab, h) + "\n" + u.logText()).isTrue();
            assertThat(u.terminate()).isZero();
        }
        assertThat(HostState.sysctls(lab, h, "u0")).isEqualTo(pristine);
        assertThat(HostState.dropRules(lab, h)).isEmpty();
    }

    @Test
    void anInterfaceNamedInTheConfigButAbsentIsWaitedForThenServed() throws Exception {
        Path dir = Files.createTempDirectory("uhi");
        Path conf = dir.resolve("uarpd.toml");
        Files.writeString(conf, "[links.w0]\nmode = \"authoritative\"\n");
        try (UarpdProcess u = UarpdProcess.atDefaultLevel(lab, h, "--config", conf.toString(), "--control-socket", dir.resolve("ctl.sock").toString(),
                "--warm-up", "0")) {
            assertThat(u.log).as("says, at the default level, that it waits for w0").anyMatch(l -> l.contains("waiting for w0"));
            lab.veth(h, "w0", "198.51.100.1/24", p, "q0", "198.51.100.2/24");
            assertThat(HostState.await(Duration.ofSeconds(10), () -> HostState.dropRules(lab, h).equals(List.of("w0"))))
                    .as("w0 served once it appears\n" + u.logText()).isTrue();
            // A new veth is "up" at once but RUNNING only once the kernel's link watch has run (up to a
            // second later), and arping refuses an interface that is not running yet.
            assertThat(HostState.await(Duration.ofSeconds(5), () -> lab.run(p, "ip", "-o", "link", "show", "q0").out().contains("state UP")))
                    .as("q0 operationally up").isTrue();
            // The link came up a moment ago: a request that reaches uarpd before the kernel's notice of
            // it is dropped as for a link that is down, so ask once a second until answered, within 5 s.
            NamespaceLab.Result[] arping = new NamespaceLab.Result[1];
            boolean answered = HostState.await(Duration.ofSeconds(5),
                    () -> (arping[0] = lab.run(p, "arping", "-c", "1", "-w", "1", "-I", "q0", "198.51.100.1")).ok());
            assertThat(answered).as(arping[0].out() + arping[0].err() + u.logText()).isTrue();
            assertThat(lab.run(h, "ping", "-c", "1", "-W", "3", "198.51.100.2").ok()).as(u.logText()).isTrue();
            assertThat(u.terminate()).isZero();
        } finally {
            HostState.tearDown(null, dir);
        }
    }
}

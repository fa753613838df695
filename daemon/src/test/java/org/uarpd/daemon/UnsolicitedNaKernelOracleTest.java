package org.uarpd.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.uarpd.daemon.DaemonLab.ctl;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.uarpd.daemon.DaemonLab.Ctl;
import org.uarpd.linux.NamespaceLab;

/**
 * Linux's unsolicited-advertisement matrix with the kernel as the oracle: a kernel router K (k0,
 * 2001:db8:1::1/64) and uarpd authoritative on U (u0, 2001:db8:1::2/64) hang off one switch with an
 * announcer A. For each setting K gets the sysctls drop_unsolicited_na, accept_untracked_na and
 * forwarding, and uarpd the {@code [links.u0]} keys {@code unsolicited-na} and {@code nd-router}
 * that stand for them (reloaded, not restarted); A then announces addresses on and off the routers'
 * prefix (S=0, O=1, to all nodes, as ndisc_notify does), each address absent on both routers or
 * FAILED on both (K by {@code ip neigh replace … nud failed extern_learn}, as the kernel's selftest
 * does; uarpd by a probe nobody answers). The very same frames reach both, and both tables must say
 * the same.
 */
@Tag("netns")
class UnsolicitedNaKernelOracleTest {
    static DaemonLab daemonLab;
    static NamespaceLab lab;
    static Path dir;
    static String k;
    static String u;
    static String a;

    @BeforeAll
    static void build() throws Exception {
        daemonLab = DaemonLab.open("una", "the matrix");
        lab = daemonLab.lab;
        dir = daemonLab.dir;
        String s = lab.namespace("s");
        k = lab.namespace("k");
        u = lab.namespace("u");
        a = lab.namespace("a");
        lab.switchPort(s, k, "k0", "192.0.2.1/24");
        lab.switchPort(s, u, "u0", "192.0.2.2/24");
        lab.switchPort(s, a, "a0", "192.0.2.3/24");
        lab.ok(k, "ip", "-6", "addr", "add", "2001:db8:1::1/64", "dev", "k0", "nodad");
        lab.ok(u, "ip", "-6", "addr", "add", "2001:db8:1::2/64", "dev", "u0", "nodad");
        // A holds nothing: its frames are scapy's, so its kernel never answers for the announced addresses.
    }

    @AfterAll
    static void tearDown() throws Exception {
        if (daemonLab != null) daemonLab.close();
    }

    /** One setting: the kernel's sysctls; uarpd's keys follow from them (docs/operating.md). */
    record Setting(boolean drop, int accept, boolean forwarding) {
        String unsolicitedNa() {
            return drop ? "ignore" : LINUX_ACCEPT.get(accept);
        }

        /** What the setting does with an announcement from a host with no entry (or a FAILED one) here. */
        boolean creates(boolean onPrefix) {
            return !drop && forwarding && (accept == 1 || (accept == 2 && onPrefix));
        }
    }

    static final List<String> LINUX_ACCEPT = List.of("update", "create", "create-on-link");

    /** Every setting of the kernel selftest's matrix, and accept_untracked_na=2 without forwarding. */
    static final List<Setting> SETTINGS = List.of(
            new Setting(false, 1, true), new Setting(false, 0, false), new Setting(false, 0, true), new Setting(false, 1, false),
            new Setting(true, 0, false), new Setting(true, 0, true), new Setting(true, 1, false), new Setting(true, 1, true),
            new Setting(false, 2, true), new Setting(false, 2, false));

    record Case(String address, boolean onPrefix, boolean failed) {}

    @Test
    void everyRowOfTheMatrixGivesTheKernelsOutcome() throws Exception {
        Path conf = dir.resolve("uarpd.toml");
        Path sock = dir.resolve("control.sock");
        Files.writeString(conf, config(SETTINGS.getFirst()));
        String mac = lab.mac(a, "a0");
        List<String> differences = new ArrayList<>();
        int rows = 0;
        try (UarpdProcess d = new UarpdProcess(lab, u, "--config", conf.toString(), "--control-socket", sock.toString(), "--warm-up", "0")) {
            // A probe needs a source address uarpd holds (the global one and the link-local one).
            assertThat(Await.within(10, () -> d.count(l -> l.contains("(claimed)")) >= 2)).as(d.logText()).isTrue();
            int n = 0x100;
            for (Setting setting : SETTINGS) {
                configure(setting, conf, sock);
                List<Case> cases = new ArrayList<>();
                for (boolean failed : new boolean[] {false, true}) {
                    for (boolean onPrefix : new boolean[] {true, false}) {
                        cases.add(new Case((onPrefix ? "2001:db8:1::" : "2001:db8:2::") + Integer.toHexString(n++), onPrefix, failed));
                    }
                }
                makeFailed(cases, sock, d);
                int mark = d.log.size();
                announce(cases, mac);
                for (Case c : cases) {
                    // uarpd has taken the frame once it logged an event for it (debug: every event is a line)
                    assertThat(Await.within(5, () -> d.log.subList(mark, d.log.size()).stream()
                            .anyMatch(l -> l.contains(" " + c.address() + " at " + mac))))
                            .as("uarpd never heard the announcement of %s\n%s", c.address(), d.logText()).isTrue();
                    boolean created = setting.creates(c.onPrefix());
                    String expected = created ? "STALE" : c.failed() ? "FAILED" : "absent";
                    String kernel = kernelState(c.address());
                    String ours = uarpdState(sock, c.address());
                    String row = setting + " " + c + ": kernel " + kernel + ", uarpd " + ours + ", expected " + expected;
                    rows++;
                    if (!ours.equals(expected)) differences.add("uarpd: " + row);
                    // Linux 6.18 keeps a FAILED entry FAILED whatever an unsolicited advertisement says; the
                    // kernel's newer selftest rows (FAILED → STALE when accepting), which uarpd follows, are
                    // not in this kernel: those rows are checked on uarpd alone.
                    boolean kernelComparable = !(c.failed() && created);
                    if (kernelComparable && !kernel.equals(expected)) differences.add("kernel: " + row);
                    if (created) {
                        assertThat(lab.ok(u, "ip", "-6", "neigh", "show", c.address(), "dev", "u0"))
                                .as("uarpd installs what it created, as the kernel would hold it").contains(mac).contains("STALE");
                    }
                }
            }
        }
        assertThat(rows).isEqualTo(SETTINGS.size() * 4);
        assertThat(differences).as("rows where the kernel, uarpd or the expectation disagree").isEmpty();
    }

    private static String config(Setting s) {
        return "[links.u0]\nnd-router = " + s.forwarding() + "\nunsolicited-na = \"" + s.unsolicitedNa() + "\"\n";
    }

    private static void configure(Setting s, Path conf, Path sock) throws Exception {
        lab.ok(k, "sysctl", "-q", "-w", "net.ipv6.conf.k0.forwarding=" + (s.forwarding() ? 1 : 0),
                "net.ipv6.conf.k0.drop_unsolicited_na=" + (s.drop() ? 1 : 0), "net.ipv6.conf.k0.accept_untracked_na=" + s.accept());
        Files.writeString(conf, config(s));
        Ctl reload = ctl(sock, "reload");
        assertThat(reload.exit()).as(reload.out() + reload.err()).isZero();
    }

    /** The FAILED cases: the kernel's by hand, uarpd's by a probe that runs out (both probes at once). */
    private static void makeFailed(List<Case> cases, Path sock, UarpdProcess d) {
        List<CompletableFuture<Ctl>> probes = new ArrayList<>();
        for (Case c : cases) {
            if (!c.failed()) continue;
            lab.ok(k, "ip", "-6", "neigh", "replace", c.address(), "dev", "k0", "nud", "failed", "extern_learn");
            probes.add(CompletableFuture.supplyAsync(() -> ctl(sock, "probe", c.address())));
        }
        for (CompletableFuture<Ctl> p : probes) {
            Ctl r = p.join();
            assertThat(r.exit()).as("nobody holds it: %s%s\n%s", r.out(), r.err(), d.logText()).isEqualTo(1);
            assertThat(r.out()).contains("failed");
        }
        for (Case c : cases) {
            if (c.failed()) {
                assertThat(kernelState(c.address())).isEqualTo("FAILED");
                assertThat(uarpdState(sock, c.address())).isEqualTo("FAILED");
            }
        }
    }

    /** One frame per case from A: NA, S=0, O=1, from the address itself to ff02::1, with its link-layer address. */
    private static void announce(List<Case> cases, String mac) {
        StringBuilder py = new StringBuilder("from scapy.all import Ether, IPv6, ICMPv6ND_NA, ICMPv6NDOptDstLLAddr, sendp\n");
        py.append("sendp([");
        for (Case c : cases) {
            py.append("Ether(dst='33:33:00:00:00:01', src='").append(mac).append("')/IPv6(src='").append(c.address())
                    .append("', dst='ff02::1', hlim=255)/ICMPv6ND_NA(tgt='").append(c.address())
                    .append("', R=0, S=0, O=1)/ICMPv6NDOptDstLLAddr(lladdr='").append(mac).append("'),");
        }
        py.append("], iface='a0', verbose=0)\n");
        lab.ok(a, "/usr/bin/python3", "-c", py.toString());
    }

    /** The kernel's state for {@code address} on k0 (its last word in ip neigh), or "absent". */
    private static String kernelState(String address) {
        String line = lab.ok(k, "ip", "-6", "neigh", "show", address, "dev", "k0").strip();
        if (line.isEmpty()) return "absent";
        String[] words = line.split("\\s+");
        return words[words.length - 1];
    }

    /** uarpd's state for {@code address} (uarpctl show neigh), or "absent". */
    private static String uarpdState(Path sock, String address) {
        Ctl show = ctl(sock, "show", "neigh");
        assertThat(show.exit()).as(show.err()).isZero();
        return show.out().lines().filter(l -> l.startsWith(address + " ")).findFirst()
                .map(l -> l.strip().split("\\s+")).map(w -> w[w.length - 1]).orElse("absent");
    }
}

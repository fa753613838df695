package org.uarpd.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.uarpd.linux.NamespaceLab;

/**
 * The fail-safe beyond SIGTERM: SIGINT (Ctrl-C) restores every knob value by value; after a
 * SIGKILL the crash restorer also deletes the bridge's host routes and puts back an address lost to a
 * conflict; and the unresolvable-address rule end to end with the probe count and negative-cache
 * lifetime set in a config file (exactly the configured probes, then suppression for the lifetime,
 * then asking again). Needs root, iproute2, iputils and scapy; fails saying what is missing.
 */
@Tag("netns")
class SignalsAndCrashAcceptanceTest {
    static DaemonLab setUp;
    static NamespaceLab lab;
    static Path dir;

    @BeforeAll
    static void build() throws Exception {
        setUp = DaemonLab.open("r4", "the acceptance tests");
        lab = setUp.lab;
        dir = setUp.dir;
    }

    @AfterAll
    static void tearDown() throws Exception {
        if (setUp != null) setUp.close();
    }

    /** A host namespace NAME-h (u0 192.0.2.1/24) and its peer NAME-p (p0 192.0.2.2/24) on a veth: their names, host first. */
    static String[] hostAndPeer(String name) {
        String h = lab.namespace(name + "-h");
        String p = lab.namespace(name + "-p");
        lab.veth(h, "u0", "192.0.2.1/24", p, "p0", "192.0.2.2/24");
        return new String[] {h, p};
    }

    static boolean within(double seconds, BooleanSupplier condition) throws InterruptedException {
        return Await.within(seconds, condition);
    }

    @Test
    void sigintPutsEverySysctlAndRuleBackValueByValue() throws Exception {
        String h = hostAndPeer("i")[0];
        Map<String, String> before = LabCommand.knobs(lab, h);
        UarpdProcess u = new UarpdProcess(lab, h, "--interface", "u0", "--mode", "authoritative", "--warm-up", "0");
        try {
            assertThat(LabCommand.knobs(lab, h)).isNotEqualTo(before).containsEntry("net.ipv4.conf.u0.arp_ignore", "8");
            assertThat(lab.ok(h, "nft", "list", "ruleset")).contains("table arp uarpd");
            assertThat(lab.run(h, "ping", "-c", "1", "-W", "3", "192.0.2.2").ok()).as(u.logText()).isTrue();
            lab.ok(null, "kill", "-INT", Long.toString(u.process.pid())); // what Ctrl-C sends
            assertThat(u.process.waitFor(15, TimeUnit.SECONDS)).as("uarpd stops on SIGINT\n" + u.logText()).isTrue();
            // An exit through the shutdown hook: 130 (128 + SIGINT) is the JVM's status for it.
            assertThat(u.process.exitValue()).as(u.logText()).isIn(0, 130);
        } finally {
            if (u.process.isAlive()) u.kill();
        }
        u.drained(); // the reader thread's last lines
        Map<String, String> after = LabCommand.knobs(lab, h);
        for (Map.Entry<String, String> e : before.entrySet()) {
            assertThat(after.get(e.getKey())).as(e.getKey()).isEqualTo(e.getValue());
        }
        assertThat(after).isEqualTo(before);
        assertThat(lab.ok(h, "nft", "list", "ruleset")).doesNotContain("uarpd");
        assertThat(u.log).as(u.logText()).anyMatch(l -> l.contains("restored every kernel setting uarpd changed"));
    }

    /**
     * What systemd does when uarpd dies: with the unit's default KillMode=control-group, SIGTERM goes
     * to every process left in the service's cgroup, the crash restorer among them, perhaps before it
     * has restored anything. Here the restorer gets its SIGTERM first (the case where it has not even
     * read end-of-file yet), then uarpd is killed: every knob must still come back, and the restorer
     * must then exit by itself (systemd waits for the cgroup to empty).
     */
    @Test
    void theCrashRestorerOutlivesTheSigtermSystemdSendsTheCgroupAndStillRestores() throws Exception {
        String h = hostAndPeer("t")[0];
        Map<String, String> before = LabCommand.knobs(lab, h);
        UarpdProcess u = new UarpdProcess(lab, h, "--interface", "u0", "--mode", "authoritative", "--warm-up", "0");
        ProcessHandle restorer;
        try {
            assertThat(LabCommand.knobs(lab, h)).containsEntry("net.ipv4.conf.u0.arp_ignore", "8");
            List<ProcessHandle> found = u.process.descendants().filter(SignalsAndCrashAcceptanceTest::isRestorer).toList();
            assertThat(found).as("uarpd's crash restorer among its children").hasSize(1);
            restorer = found.getFirst();
            lab.ok(null, "kill", "-TERM", Long.toString(restorer.pid()));
            u.kill();
        } finally {
            if (u.process.isAlive()) u.kill();
        }
        assertThat(within(10, () -> LabCommand.knobs(lab, h).equals(before)))
                .as("every knob back after SIGTERM to the restorer and SIGKILL to uarpd: " + LabCommand.knobs(lab, h)).isTrue();
        assertThat(within(10, () -> !restorer.isAlive())).as("the restorer exits once it has restored").isTrue();
        assertThat(lab.ok(h, "nft", "list", "ruleset")).doesNotContain("uarpd");
    }

    /** Whether {@code h} is a crash restorer's shell (its program is on its command line). */
    static boolean isRestorer(ProcessHandle h) {
        try {
            return Files.readString(Path.of("/proc/" + h.pid() + "/cmdline")).contains("restore=''");
        } catch (java.io.IOException e) {
            return false; // gone meanwhile
        }
    }

    @Test
    void afterSigkillAnAddressLostToAConflictComesBack() throws Exception {
        String[] hp = hostAndPeer("c");
        String h = hp[0];
        String p = hp[1];
        lab.ok(h, "ip", "addr", "add", "192.0.2.5/24", "dev", "u0");
        UarpdProcess u = new UarpdProcess(lab, h, "--interface", "u0", "--defend", "once", "--remove-on-conflict", "--warm-up", "0");
        try {
            // Two claims of 192.0.2.5 by the peer within DEFEND_INTERVAL: defended once, then yielded (removed).
            claim(p, "p0", "192.0.2.5", 2);
            assertThat(within(5, () -> !hasAddress(h, "u0", "192.0.2.5"))).as("address removed after the second conflict\n" + u.logText()).isTrue();
            assertThat(hasAddress(h, "u0", "192.0.2.1")).isTrue();
            u.kill();
            assertThat(within(5, () -> hasAddress(h, "u0", "192.0.2.5"))).as("address put back by the crash restorer after SIGKILL").isTrue();
            assertThat(lab.ok(h, "ip", "-o", "addr", "show", "dev", "u0")).contains("192.0.2.5/24");
        } finally {
            if (u.process.isAlive()) u.kill();
        }
    }

    @Test
    void afterSigkillTheBridgeRoutesAreGone() throws Exception {
        BridgeTopology t = BridgeTopology.build(lab, "k");
        UarpdProcess u = new UarpdProcess(lab, t.middle(), "--interface", "m1", "--interface", "m2", "--bridge", "m1,m2", "--warm-up", "0");
        try {
            assertThat(t.ping(t.left(), "192.0.2.11", "192.0.2.12", 3)).as("left → right across the bridge\n" + u.logText()).isPositive();
            String routes = lab.ok(t.middle(), "ip", "-j", "route", "show");
            assertThat(routes).contains("\"dst\":\"192.0.2.12\",\"dev\":\"m2\"").contains("\"dst\":\"192.0.2.11\",\"dev\":\"m1\"");
            u.kill();
            assertThat(within(5, () -> {
                String now = lab.ok(t.middle(), "ip", "-j", "route", "show");
                return !now.contains("\"dst\":\"192.0.2.12\"") && !now.contains("\"dst\":\"192.0.2.11\"");
            })).as("bridge routes deleted by the crash restorer: " + lab.ok(t.middle(), "ip", "route", "show")).isTrue();
            // The on-link /24 routes of the kernel's own addresses are untouched.
            assertThat(lab.ok(t.middle(), "ip", "route", "show")).contains("192.0.2.0/24 dev m1").contains("192.0.2.0/24 dev m2");
        } finally {
            if (u.process.isAlive()) u.kill();
        }
    }

    @Test
    void anUnresolvableAddressFailsAfterTheConfiguredProbesAndIsSuppressedForTheNegativeCacheLifetime() throws Exception {
        String h = hostAndPeer("n")[0];
        Path config = dir.resolve("negative.toml");
        Files.writeString(config, """
                [timers]
                retransmit = "300ms"
                broadcast-probes = 2
                negative-cache = "4s"

                [links.u0]
                mode = "authoritative"
                """);
        Path socket = Path.of("/tmp/uarpd-r4-" + ProcessHandle.current().pid() + ".sock");
        try (UarpdProcess u = new UarpdProcess(lab, h, "--config", config.toString(), "--control-socket", socket.toString(), "--warm-up", "0")) {
            String who = "sent ARP request who-has 192.0.2.99";
            long start = System.nanoTime();
            NamespaceLab.Result first = lab.run(h, "ping", "-n", "-c", "1", "-W", "5", "192.0.2.99");
            double firstSeconds = (System.nanoTime() - start) / 1e9;
            assertThat(first.out()).as(first.out() + u.logText()).contains("Destination Host Unreachable");
            assertThat(u.count(l -> l.contains(who))).as("exactly the configured broadcast probes\n" + u.logText()).isEqualTo(2);
            // uarpd fails the entry after its 2 probes (~0.6 s), well before the kernel's own 3 app probes (~3 s).
            assertThat(firstSeconds).as("unreachable after uarpd's probes, not the kernel's timeout").isLessThan(2.5);
            NamespaceLab.Result again = lab.run(h, "ping", "-n", "-c", "1", "-W", "2", "192.0.2.99");
            assertThat(again.out()).contains("Destination Host Unreachable");
            assertThat(u.count(l -> l.contains(who))).as("suppressed while the negative cache holds\n" + u.logText()).isEqualTo(2);
            // Ask again and again until uarpd sends again: that must be once the 4 s lifetime from the failure ran out.
            assertThat(within(10, () -> {
                assertThat(lab.run(h, "ping", "-n", "-c", "1", "-W", "1", "192.0.2.99").ok()).isFalse();
                return u.count(l -> l.contains(who)) > 2;
            })).as("asked the wire again\n" + u.logText()).isTrue();
            assertThat((System.nanoTime() - start) / 1e9).as("not before the negative cache's lifetime ran out").isGreaterThan(4);
            assertThat(u.count(l -> l.contains(who))).as("asked the wire again once the lifetime ran out\n" + u.logText()).isEqualTo(4);
        } finally {
            Files.deleteIfExists(socket);
        }
    }

    /** Another host claims {@code address}: {@code count} ARP announcements (RFC 5227 §2.3) 1 s apart. */
    static void claim(String ns, String ifName, String address, int count) {
        String mac = lab.mac(ns, ifName);
        lab.ok(ns, "/usr/bin/python3", "-c", "from scapy.all import Ether, ARP, sendp\n"
                + "sendp(Ether(src='" + mac + "', dst='ff:ff:ff:ff:ff:ff')/ARP(op=1, hwsrc='" + mac + "', psrc='" + address
                + "', hwdst='00:00:00:00:00:00', pdst='" + address + "'), iface='" + ifName + "', count=" + count
                + ", inter=1, verbose=False)");
    }

    static boolean hasAddress(String ns, String ifName, String address) {
        return lab.ok(ns, "ip", "-j", "addr", "show", "dev", ifName).contains("\"local\":\"" + address + "\"");
    }
}

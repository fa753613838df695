package org.uarpd.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.uarpd.linux.NamespaceLab;

/**
 * End to end in namespaces named {@code ug<pid>-…}: RFC 5227 conflicts handled
 * per policy, arpspoof against a guarded host and a plain-kernel control in the same run, and the
 * three-namespace proxy-ARP bridge. Needs root, iproute2, iputils, scapy and dsniff's arpspoof; fails
 * saying what is missing.
 */
@Tag("netns")
class GuardBridgeAcceptanceTest {
    static final String ARPSPOOF = "/usr/sbin/arpspoof";
    static NamespaceLab lab;

    @BeforeAll
    static void setUp() {
        String tools = LabCommand.missingTools();
        assertThat(tools).as("tools the guard and bridge tests need").isNull();
        assertThat(Files.isExecutable(Path.of(ARPSPOOF))).as(ARPSPOOF + " (Debian package dsniff) is needed: apt-get install dsniff").isTrue();
        lab = new NamespaceLab("ug");
    }

    @AfterAll
    static void tearDown() {
        if (lab != null) {
            lab.close();
            assertThat(lab.leftovers()).as("namespaces left behind").isEmpty();
        }
    }

    /** Waits up to {@code seconds} for {@code condition}. */
    static boolean within(double seconds, BooleanSupplier condition) throws InterruptedException {
        return Await.within(seconds, condition);
    }

    /** Starts tcpdump on {@code ifName} writing ARP to {@code pcap}, and waits until it captures (the file has its header). */
    static Process tcpdump(String ns, String ifName, Path pcap) throws InterruptedException {
        Process capture = lab.start(ns, ProcessBuilder.Redirect.DISCARD, ProcessBuilder.Redirect.DISCARD,
                "tcpdump", "-i", ifName, "-n", "-U", "--immediate-mode", "-w", pcap.toString(), "arp");
        assertThat(within(10, () -> size(pcap) >= 24)).as("tcpdump capturing on " + ifName).isTrue();
        return capture;
    }

    private static long size(Path f) {
        try {
            return Files.exists(f) ? Files.size(f) : 0;
        } catch (java.io.IOException e) {
            return 0;
        }
    }

    /** tshark's reading of {@code pcap} (while tcpdump may still write it), one line per frame with {@code fields}. */
    static java.util.List<String> frames(Path pcap, String... fields) {
        java.util.List<String> cmd = new java.util.ArrayList<>(List.of("tshark", "-r", pcap.toString(), "-T", "fields"));
        for (String f : fields) cmd.addAll(List.of("-e", f));
        NamespaceLab.Result r = lab.run(null, cmd.toArray(String[]::new));
        return r.out().lines().toList();
    }

    /** Another host claims {@code address}: {@code count} ARP announcements (RFC 5227 §2.3 format) from {@code ifName}, 1 s apart. */
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

    static String neighbour(String ns, String address, String ifName) {
        return lab.run(ns, "ip", "-j", "neigh", "show", address, "dev", ifName).out();
    }

    // -- RFC 5227 ---------------------------------------------------------------------------------

    @Test
    void aSecondHostClaimingOurAddressIsDefendedOnceThenYieldedAndTheAddressComesBackOnExit() throws Exception {
        String h = lab.namespace("c1h");
        String p = lab.namespace("c1p");
        lab.veth(h, "u0", "192.0.2.1/24", p, "p0", "192.0.2.2/24");
        try (UarpdProcess u = new UarpdProcess(lab, h, "--interface", "u0", "--defend", "once", "--remove-on-conflict", "--warm-up", "0")) {
            String peer = lab.mac(p, "p0");
            claim(p, "p0", "192.0.2.1", 1);
            assertThat(within(5, () -> u.count(l -> l.contains("WARN") && l.contains("conflict defended: 192.0.2.1 dev u0, other station " + peer)) == 1))
                    .as("first conflict defended\n" + u.logText()).isTrue();
            assertThat(hasAddress(h, "u0", "192.0.2.1")).isTrue();
            claim(p, "p0", "192.0.2.1", 1); // within DEFEND_INTERVAL: yield
            assertThat(within(5, () -> !hasAddress(h, "u0", "192.0.2.1"))).as("address removed after the second conflict\n" + u.logText()).isTrue();
            assertThat(u.log).anyMatch(l -> l.contains("WARN") && l.contains("conflict yielded: 192.0.2.1 dev u0"));
            assertThat(u.terminate()).isZero();
            assertThat(hasAddress(h, "u0", "192.0.2.1")).as("address put back on exit\n" + u.logText()).isTrue();
        }
    }

    @Test
    void withDefenceAlwaysTheAddressIsKeptAndDefendedAtMostOncePerInterval() throws Exception {
        String h = lab.namespace("c2h");
        String p = lab.namespace("c2p");
        lab.veth(h, "u0", "192.0.2.1/24", p, "p0", "192.0.2.2/24");
        Path c2 = Path.of("/tmp/" + lab.prefix() + "-c2.pcap");
        Process capture = tcpdump(p, "p0", c2);
        try (UarpdProcess u = new UarpdProcess(lab, h, "--interface", "u0", "--defend", "always", "--remove-on-conflict", "--warm-up", "0")) {
            claim(p, "p0", "192.0.2.1", 3);
            assertThat(within(5, () -> u.count(l -> l.contains("conflict defend interval: 192.0.2.1 dev u0")) == 2))
                    .as("two later conflicts inside DEFEND_INTERVAL\n" + u.logText()).isTrue();
            assertThat(u.count(l -> l.contains("conflict defended: 192.0.2.1 dev u0"))).isEqualTo(1);
            assertThat(hasAddress(h, "u0", "192.0.2.1")).isTrue();
            // The peer saw exactly one defending announcement from the host (tshark reads the capture).
            String hostMac = lab.mac(h, "u0");
            String defence = hostMac + "\t192.0.2.1\t192.0.2.1";
            assertThat(within(5, () -> frames(c2, "arp.src.hw_mac", "arp.src.proto_ipv4", "arp.dst.proto_ipv4").contains(defence)))
                    .as("the defence reached the peer").isTrue();
            capture.destroy();
            capture.waitFor();
            String seen = lab.ok(null, "tshark", "-r", "/tmp/" + lab.prefix() + "-c2.pcap", "-T", "fields",
                    "-e", "arp.src.hw_mac", "-e", "arp.src.proto_ipv4", "-e", "arp.dst.proto_ipv4");
            long announcements = seen.lines().filter(l -> l.equals(hostMac + "\t192.0.2.1\t192.0.2.1")).count();
            assertThat(announcements).as(seen).isEqualTo(1);
        } finally {
            Files.deleteIfExists(Path.of("/tmp/" + lab.prefix() + "-c2.pcap"));
        }
    }

    @Test
    void anAddedAddressIsProbedAndAnnouncedAndOneInUseByThePeerIsRemoved() throws Exception {
        String h = lab.namespace("c3h");
        String p = lab.namespace("c3p");
        lab.veth(h, "u0", "192.0.2.1/24", p, "p0", "192.0.2.2/24");
        Path pcap = Path.of("/tmp/" + lab.prefix() + "-c3.pcap");
        try (UarpdProcess u = new UarpdProcess(lab, h, "--interface", "u0", "--probe", "--announce", "--remove-on-conflict",
                "--warm-up", "0")) {
            // uarpd's start-up claim of 192.0.2.1 is done before the capture starts (at most 7 s).
            assertThat(within(10, () -> u.count(l -> l.contains("claimed 192.0.2.1") && l.contains("(claimed)")) == 1))
                    .as(u.logText()).isTrue();
            Process capture = tcpdump(p, "p0", pcap);
            lab.ok(h, "ip", "addr", "add", "192.0.2.50/24", "dev", "u0");   // free
            lab.ok(h, "ip", "addr", "add", "192.0.2.2/24", "dev", "u0");    // the peer's: its kernel answers our probe
            assertThat(within(5, () -> !hasAddress(h, "u0", "192.0.2.2"))).as("address in use removed\n" + u.logText()).isTrue();
            assertThat(u.log).anyMatch(l -> l.contains("conflict probe conflict: 192.0.2.2 dev u0, other station " + lab.mac(p, "p0")));
            assertThat(within(12, () -> u.count(l -> l.contains("claimed 192.0.2.50") && l.contains("(claimed)")) == 1))
                    .as("free address claimed\n" + u.logText()).isTrue();
            String hostMac = lab.mac(h, "u0");
            String announcement = "1\t" + hostMac + "\t192.0.2.50\t00:00:00:00:00:00\t192.0.2.50";
            // The second announcement comes ANNOUNCE_INTERVAL (2 s) after the first.
            assertThat(within(6, () -> frames(pcap, "arp.opcode", "arp.src.hw_mac", "arp.src.proto_ipv4", "arp.dst.hw_mac", "arp.dst.proto_ipv4")
                    .stream().filter(announcement::equals).count() >= 2)).as("two announcements captured\n" + u.logText()).isTrue();
            capture.destroy();
            capture.waitFor();
            assertThat(hasAddress(h, "u0", "192.0.2.50")).isTrue();
            String seen = lab.ok(null, "tshark", "-r", pcap.toString(), "-T", "fields", "-e", "arp.opcode",
                    "-e", "arp.src.hw_mac", "-e", "arp.src.proto_ipv4", "-e", "arp.dst.hw_mac", "-e", "arp.dst.proto_ipv4");
            // Wireshark's reading of the wire: PROBE_NUM probes (sender 0.0.0.0), then ANNOUNCE_NUM announcements.
            assertThat(seen.lines().filter(l -> l.equals("1\t" + hostMac + "\t0.0.0.0\t00:00:00:00:00:00\t192.0.2.50")).count())
                    .as(seen).isEqualTo(3);
            assertThat(seen.lines().filter(l -> l.equals("1\t" + hostMac + "\t192.0.2.50\t00:00:00:00:00:00\t192.0.2.50")).count())
                    .as(seen + "\n" + u.logText()).isEqualTo(2);
            // The conflicting address was never announced.
            assertThat(seen.lines().filter(l -> l.equals("1\t" + hostMac + "\t192.0.2.2\t00:00:00:00:00:00\t192.0.2.2")).count())
                    .as(seen).isZero();
            assertThat(u.terminate()).isZero();
            assertThat(hasAddress(h, "u0", "192.0.2.2")).as("removed address put back on exit").isTrue();
        } finally {
            Files.deleteIfExists(pcap);
        }
    }

    // -- guard against arpspoof ------------------------------------------------------------------

    @Test
    void arpspoofPoisonsThePlainKernelButNotTheGuardedHost() throws Exception {
        String sw = lab.namespace("sw");
        String gw = lab.namespace("gw");
        String h = lab.namespace("gh");
        String c = lab.namespace("gc");
        String a = lab.namespace("ga");
        lab.switchPort(sw, gw, "g0", "192.0.2.254/24");
        lab.switchPort(sw, h, "h0", "192.0.2.1/24");
        lab.switchPort(sw, c, "c0", "192.0.2.3/24");
        lab.switchPort(sw, a, "a0", "192.0.2.66/24");
        String gwMac = lab.mac(gw, "g0");
        String attacker = lab.mac(a, "a0");
        List<Process> spoofers = new ArrayList<>();
        try (UarpdProcess u = new UarpdProcess(lab, h, "--interface", "h0", "--guard", "--warm-up", "0")) {
            assertThat(lab.run(h, "ping", "-c", "1", "-W", "3", "192.0.2.254").ok()).as("guarded host reaches the gateway\n" + u.logText()).isTrue();
            assertThat(lab.run(c, "ping", "-c", "1", "-W", "3", "192.0.2.254").ok()).as("control reaches the gateway").isTrue();
            assertThat(neighbour(h, "192.0.2.254", "h0")).contains(gwMac);
            assertThat(neighbour(c, "192.0.2.254", "c0")).contains(gwMac);
            for (String target : List.of("192.0.2.1", "192.0.2.3")) {
                spoofers.add(lab.start(a, ProcessBuilder.Redirect.DISCARD, ProcessBuilder.Redirect.DISCARD,
                        ARPSPOOF, "-i", "a0", "-t", target, "192.0.2.254"));
            }
            assertThat(within(15, () -> neighbour(c, "192.0.2.254", "c0").contains(attacker)))
                    .as("the control (plain kernel) is poisoned: " + neighbour(c, "192.0.2.254", "c0")).isTrue();
            // Give the guarded host as many poisoned replies as the control got, and more.
            assertThat(within(15, () -> u.count(l -> l.contains("WARN") && l.contains("alert ") && l.contains(": 192.0.2.254 dev ") && l.contains("other station " + attacker)) >= 3))
                    .as("the attack on the guarded host is reported\n" + u.logText()).isTrue();
            String guarded = neighbour(h, "192.0.2.254", "h0");
            assertThat(guarded).as("guarded host's kernel binding for the gateway").contains(gwMac).doesNotContain(attacker);
            assertThat(lab.run(h, "ping", "-c", "1", "-W", "3", "192.0.2.254").ok()).as("the guarded host still reaches the real gateway").isTrue();
            assertThat(neighbour(h, "192.0.2.254", "h0")).doesNotContain(attacker);
        } finally {
            for (Process p : spoofers) p.destroyForcibly().waitFor();
        }
    }

    // -- proxy-ARP bridge ------------------------------------------------------------------------

    @Test
    void hostsOnBothSidesOfTheBridgePingEachOtherColdAndWarm() throws Exception {
        BridgeTopology t = BridgeTopology.build(lab);
        try (UarpdProcess u = new UarpdProcess(lab, t.middle(), "--interface", "m1", "--interface", "m2", "--bridge", "m1,m2",
                "--warm-up", "0")) {
            // Cold from each side first: nothing is known, uarpd must resolve the far host on the other link.
            assertThat(t.ping(t.right(), "192.0.2.22", "192.0.2.21", 3)).as("cold right → left\n" + u.logText()).isPositive();
            assertThat(t.ping(t.left(), "192.0.2.11", "192.0.2.12", 3)).as("cold left → right\n" + u.logText()).isPositive();
            t.flushNeighbours(); // the hosts forget; uarpd's own knowledge stays (warm)
            for (String round : List.of("cold", "warm")) {
                for (String from : BridgeTopology.LEFT_ADDRESSES) {
                    for (String to : BridgeTopology.RIGHT_ADDRESSES) {
                        assertThat(t.ping(t.left(), from, to, 3)).as("%s: %s → %s\n%s", round, from, to, u.logText()).isPositive();
                        assertThat(t.ping(t.right(), to, from, 3)).as("%s: %s → %s\n%s", round, to, from, u.logText()).isPositive();
                    }
                }
            }
            // The far side's hosts are routed through the bridge, learnt from each side.
            String routes = lab.ok(t.middle(), "ip", "-j", "route", "show");
            for (String r : BridgeTopology.RIGHT_ADDRESSES) assertThat(routes).contains("\"dst\":\"" + r + "\",\"dev\":\"m2\"");
            for (String l : BridgeTopology.LEFT_ADDRESSES) assertThat(routes).contains("\"dst\":\"" + l + "\",\"dev\":\"m1\"");
            // The hosts believe the far side is on their link, at the middle's address.
            assertThat(neighbour(t.left(), "192.0.2.12", "l0")).contains(lab.mac(t.middle(), "m1"));
            assertThat(neighbour(t.right(), "192.0.2.11", "r0")).contains(lab.mac(t.middle(), "m2"));
            assertThat(u.terminate()).isZero();
            String after = lab.ok(t.middle(), "ip", "-j", "route", "show");
            assertThat(after).as("bridge routes removed on exit").doesNotContain("\"dst\":\"192.0.2.12\"").doesNotContain("\"dst\":\"192.0.2.11\"");
        }
    }
}

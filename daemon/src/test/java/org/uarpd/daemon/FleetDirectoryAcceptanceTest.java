package org.uarpd.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.uarpd.daemon.FleetAcceptanceTest.ctl;
import static org.uarpd.daemon.FleetAcceptanceTest.decode;

import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.uarpd.linux.NamespaceLab;

/**
 * The fleet's directory of bindings through the daemon, on the wire: one etcd member, two uarpd hosts
 * (h1, h2) and a plain Linux peer (p) on a bridge, tcpdump on p's port (every broadcast reaches it).
 * <ul>
 * <li>a kernel miss on h1 for h2's address (which h2 wrote into the directory) is resolved by one
 *     unicast request to h2's hardware address: no broadcast request;
 * <li>h1 confirms p (a normal broadcast resolution), writes it into the directory, and h2's later miss
 *     for p is checked by unicast at p's address: no broadcast request from h2;
 * <li>a broadcast request from p for h2's address is answered by h1 on h2's behalf, with h2's
 *     hardware address (and by h2 itself).
 * </ul>
 * Needs root, iproute2, scapy, tcpdump and etcd; fails saying what is missing.
 */
@Tag("netns")
class FleetDirectoryAcceptanceTest {
    private static final String H1 = "192.0.2.21";
    private static final String H2 = "192.0.2.22";
    private static final String P = "192.0.2.30";
    private static final String BROADCAST = "ff:ff:ff:ff:ff:ff";

    static FleetDaemonLab fleetLab;
    static NamespaceLab lab;
    static Path dir;

    @BeforeAll
    static void build() throws Exception {
        fleetLab = FleetDaemonLab.open("ufdir");
        lab = fleetLab.lab;
        dir = fleetLab.dir;
    }

    @AfterAll
    static void tearDown() throws Exception {
        if (fleetLab != null) fleetLab.close();
    }

    @Test
    void missesAreCheckedByUnicastAndRequestsAnsweredOnBehalf() throws Exception {
        String sw = lab.namespace("sw");
        Process etcd = fleetLab.etcd(sw);
        UarpdProcess u1 = null;
        UarpdProcess u2 = null;
        try {
            FleetDaemonLab.Segment s = fleetLab.segment(sw);
            String p = s.p();
            String h1 = s.h1();
            String h2 = s.h2();
            String mac1 = s.mac1();
            String mac2 = s.mac2();
            String macP = s.macP();
            Path capture = fleetLab.capture(p, "pp", "wire");
            // The bridge sends h1's unicast request to h2's port only: h1's own side sees it.
            Path atH1 = fleetLab.capture(h1, "h1", "h1");

            u1 = new UarpdProcess(lab, h1, args("h1"));
            u2 = new UarpdProcess(lab, h2, args("h2"));
            UarpdProcess first = u1;
            UarpdProcess second = u2;
            // Each host's own address is in the directory, and etcd's, which both confirmed; each sees all three.
            assertThat(Await.within(20, () -> directorySize("h1") >= 3 && directorySize("h2") >= 3))
                    .as(ctl(socket("h1"), "show", "fleet") + "\n" + first.logText() + "\n" + second.logText()).isTrue();

            // a) h1's miss for h2: one unicast request to h2's address, no broadcast.
            assertThat(lab.run(h1, "ping", "-c", "1", "-W", "3", H2).ok()).as("h1 reaches h2\n" + first.logText()).isTrue();
            assertThat(Await.within(5, () -> decode(atH1).stream().anyMatch(
                    l -> l.contains(mac1 + " > " + mac2) && l.contains("Request who-has " + H2 + " tell " + H1))))
                    .as("unicast check from h1 to h2\n" + String.join("\n", decode(atH1))).isTrue();
            assertThat(decode(atH1)).as("broadcast requests from h1 for h2")
                    .noneMatch(l -> l.contains("> " + BROADCAST) && l.contains("Request who-has " + H2 + " tell " + H1));

            // c) h1 confirms p by a normal resolution and shares it; h2's miss for p is then checked by unicast
            // (before p sends anything to h2, which h2 would learn p from).
            assertThat(lab.run(h1, "ping", "-c", "1", "-W", "3", P).ok()).as("h1 reaches p").isTrue();
            assertThat(Await.within(10, () -> directorySize("h2") >= 4))
                    .as("p enters the directory\n" + ctl(socket("h2"), "show", "fleet") + "\n" + first.logText()).isTrue();
            assertThat(lab.run(h2, "ping", "-c", "1", "-W", "3", P).ok()).as("h2 reaches p\n" + second.logText()).isTrue();
            assertThat(Await.within(5, () -> decode(capture).stream().anyMatch(
                    l -> l.contains(mac2 + " > " + macP) && l.contains("Request who-has " + P + " tell " + H2))))
                    .as("unicast check from h2 to p\n" + String.join("\n", decode(capture))).isTrue();
            assertThat(decode(capture)).as("broadcast requests from h2 for p")
                    .noneMatch(l -> l.contains("> " + BROADCAST) && l.contains("Request who-has " + P + " tell " + H2));
            // b) p broadcasts a request for h2's address: h1 answers on h2's behalf with h2's address.
            lab.ok(p, "/usr/bin/python3", "-c", "from scapy.all import Ether, ARP, sendp\n"
                    + "sendp(Ether(dst='" + BROADCAST + "', src='" + macP + "') / ARP(op=1, hwsrc='" + macP + "', psrc='" + P
                    + "', pdst='" + H2 + "'), iface='pp', verbose=0)\n");
            assertThat(Await.within(5, () -> decode(capture).stream().anyMatch(
                    l -> l.contains(mac1 + " > " + macP) && l.contains("Reply " + H2 + " is-at " + mac2))))
                    .as("h1 answers for h2\n" + String.join("\n", decode(capture)) + "\n" + first.logText()).isTrue();
            assertThat(decode(capture)).as("no answer gives another address for h2")
                    .filteredOn(l -> l.contains("Reply " + H2 + " is-at")).allSatisfy(l -> assertThat(l).contains("is-at " + mac2));


            // d) etcd gone: h1 keeps its copy (a miss for h2 is still checked by unicast) but no longer
            // answers on h2's behalf, since it cannot tell whether h2's lease lives.
            etcd.destroyForcibly();
            etcd.waitFor();
            assertThat(Await.within(15, () -> ctl(socket("h1"), "show", "fleet").contains("DISCONNECTED")))
                    .as(ctl(socket("h1"), "show", "fleet")).isTrue();
            long checks = decode(atH1).stream().filter(l -> l.contains(mac1 + " > " + mac2) && l.contains("Request who-has " + H2)).count();
            // Forgotten and needed at once, before h2's next request to h1 could teach it again.
            assertThat(lab.run(h1, "sh", "-c", "ip neigh flush dev h1 && ping -c 1 -W 3 " + H2).ok())
                    .as("h1 reaches h2 without etcd\n" + first.logText()).isTrue();
            assertThat(Await.within(5, () -> decode(atH1).stream()
                    .filter(l -> l.contains(mac1 + " > " + mac2) && l.contains("Request who-has " + H2)).count() > checks))
                    .as("unicast check without etcd\n" + String.join("\n", decode(atH1))).isTrue();
            assertThat(decode(atH1)).as("broadcast requests from h1 for h2")
                    .noneMatch(l -> l.contains("> " + BROADCAST) && l.contains("Request who-has " + H2 + " tell " + H1));
            long onBehalf = decode(capture).stream().filter(l -> l.contains(mac1 + " > " + macP) && l.contains("Reply " + H2)).count();
            long notForUs = first.count(l -> l.contains("ignored " + H2 + " on h1 (not for us)"));
            lab.ok(p, "/usr/bin/python3", "-c", "from scapy.all import Ether, ARP, sendp\n"
                    + "sendp(Ether(dst='" + BROADCAST + "', src='" + macP + "') / ARP(op=1, hwsrc='" + macP + "', psrc='" + P
                    + "', pdst='" + H2 + "'), iface='pp', verbose=0)\n");
            assertThat(Await.within(10, () -> first.count(l -> l.contains("ignored " + H2 + " on h1 (not for us)")) > notForUs))
                    .as("h1 leaves the request to h2\n" + first.logText()).isTrue();
            assertThat(decode(capture).stream().filter(l -> l.contains(mac1 + " > " + macP) && l.contains("Reply " + H2)).count())
                    .as("answers on h2's behalf without etcd").isEqualTo(onBehalf);
        } finally {
            if (u1 != null) u1.close();
            if (u2 != null) u2.close();
            etcd.destroyForcibly();
            etcd.waitFor();
        }
    }

    private static String[] args(String host) throws Exception {
        return fleetLab.args(host, "d");
    }

    private static final java.util.regex.Pattern DIRECTORY = java.util.regex.Pattern.compile("directory (\\d+) entries");

    /** The directory's size as {@code show fleet} on {@code host} says, or -1. */
    private static int directorySize(String host) {
        java.util.regex.Matcher m = DIRECTORY.matcher(ctl(socket(host), "show", "fleet"));
        return m.find() ? Integer.parseInt(m.group(1)) : -1;
    }

    private static Path socket(String host) {
        return fleetLab.socket(host);
    }
}

package org.uarpd.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.uarpd.daemon.FleetAcceptanceTest.ETCD;
import static org.uarpd.daemon.FleetAcceptanceTest.ctl;
import static org.uarpd.daemon.FleetAcceptanceTest.decode;
import static org.uarpd.daemon.FleetAcceptanceTest.read;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
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

    static NamespaceLab lab;
    static Path dir;

    @BeforeAll
    static void build() throws Exception {
        FleetAcceptanceTest.requireTools();
        lab = new NamespaceLab("ufdir");
        dir = Files.createTempDirectory("uarpd-fleet-directory");
    }

    @AfterAll
    static void tearDown() throws Exception {
        if (lab != null) {
            lab.close();
            assertThat(lab.leftovers()).as("namespaces left behind").isEmpty();
        }
        if (dir != null) {
            try (Stream<Path> files = Files.walk(dir)) {
                for (Path f : files.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(f);
            }
        }
    }

    @Test
    void missesAreCheckedByUnicastAndRequestsAnsweredOnBehalf() throws Exception {
        String sw = lab.namespace("sw");
        String e1 = lab.namespace("e1");
        lab.switchPort(sw, e1, "e1", "192.0.2.11/24");
        Path etcdLog = dir.resolve("etcd.log");
        Process etcd = FleetAcceptanceTest.startEtcd(lab, e1, dir, etcdLog);
        UarpdProcess u1 = null;
        UarpdProcess u2 = null;
        Process tcpdump = null;
        Process tcpdumpH1 = null;
        try {
            assertThat(Await.within(30, () -> etcd.isAlive() && read(etcdLog).contains("ready to serve client requests")))
                    .as("etcd serves clients\n" + read(etcdLog)).isTrue();
            String p = lab.namespace("p");
            lab.switchPort(sw, p, "pp", P + "/24");
            String h1 = lab.namespace("h1");
            lab.switchPort(sw, h1, "h1", H1 + "/24");
            String h2 = lab.namespace("h2");
            lab.switchPort(sw, h2, "h2", H2 + "/24");
            String mac1 = lab.mac(h1, "h1");
            String mac2 = lab.mac(h2, "h2");
            String macP = lab.mac(p, "pp");

            Path capture = dir.resolve("wire.pcap");
            Path tcpdumpErr = dir.resolve("tcpdump.err");
            tcpdump = lab.start(p, ProcessBuilder.Redirect.DISCARD, ProcessBuilder.Redirect.to(tcpdumpErr.toFile()),
                    "tcpdump", "-Z", "root", "-i", "pp", "-n", "-U", "-w", capture.toString(), "arp");
            // The bridge sends h1's unicast request to h2's port only: h1's own side sees it.
            Path atH1 = dir.resolve("h1.pcap");
            Path atH1Err = dir.resolve("tcpdump-h1.err");
            tcpdumpH1 = lab.start(h1, ProcessBuilder.Redirect.DISCARD, ProcessBuilder.Redirect.to(atH1Err.toFile()),
                    "tcpdump", "-Z", "root", "-i", "h1", "-n", "-U", "-w", atH1.toString(), "arp");
            assertThat(Await.within(10, () -> read(tcpdumpErr).contains("listening on") && read(atH1Err).contains("listening on")))
                    .as(read(tcpdumpErr) + read(atH1Err)).isTrue();

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

        } finally {
            if (tcpdump != null) tcpdump.destroyForcibly();
            if (tcpdumpH1 != null) tcpdumpH1.destroyForcibly();
            if (u1 != null) u1.close();
            if (u2 != null) u2.close();
            etcd.destroyForcibly();
            etcd.waitFor();
        }
    }

    private static String[] args(String host) throws Exception {
        Path config = dir.resolve(host + ".toml");
        Files.writeString(config, "[fleet]\nhost = \"" + host + "\"\n");
        return new String[] {"--config", config.toString(), "--control-socket", socket(host).toString(), "--interface", host,
                "--etcd", ETCD, "--fleet", "d", "--warm-up", "0"};
    }

    private static final java.util.regex.Pattern DIRECTORY = java.util.regex.Pattern.compile("directory (\\d+) entries");

    /** The directory's size as {@code show fleet} on {@code host} says, or -1. */
    private static int directorySize(String host) {
        java.util.regex.Matcher m = DIRECTORY.matcher(ctl(socket(host), "show", "fleet"));
        return m.find() ? Integer.parseInt(m.group(1)) : -1;
    }

    private static Path socket(String host) {
        return dir.resolve(host + ".sock");
    }
}

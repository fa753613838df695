package org.uarpd.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.uarpd.daemon.FleetDaemonLab.BROADCAST;
import static org.uarpd.daemon.FleetWire.decode;

import java.nio.file.Path;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The fleet's directory of bindings through the daemon, on the wire: one etcd member, two uarpd hosts
 * (h1, h2) and a plain Linux peer (p) on a bridge, tcpdump on p's port (every broadcast reaches it).
 * <ul>
 * <li>a kernel miss on h1 for h2's address (which h2 wrote into the directory) is resolved by one
 *     unicast request to h2's hardware address: no broadcast request;
 * <li>h1 confirms p (a normal broadcast resolution), writes it into the directory, and h2's later miss
 *     for p is checked by unicast at p's address: no broadcast request from h2;
 * <li>a broadcast request from p for h2's address is answered by h1 on h2's behalf, with h2's
 *     hardware address (and by h2 itself); with answers on behalf kept off, only by h2.
 * </ul>
 * Needs root, iproute2, scapy, tcpdump and etcd; fails saying what is missing.
 */
@Tag("netns")
class FleetDirectoryAcceptanceTest {
    private static final String H1 = "192.0.2.21";
    private static final String H2 = "192.0.2.22";
    private static final String P = "192.0.2.30";

    @Test
    void missesAreCheckedByUnicastAndRequestsAnsweredOnBehalf() throws Exception {
        try (FleetDaemonLab f = FleetDaemonLab.open("ufdir")) {
            f.etcd();
            FleetDaemonLab.Segment s = f.segment();
            String p = s.p();
            String h1 = s.h1();
            String mac1 = s.mac1();
            String mac2 = s.mac2();
            String macP = s.macP();
            Path capture = f.capture(p, "pp", "wire");
            // The bridge sends h1's unicast request to h2's port only: h1's own side sees it.
            Path atH1 = f.capture(h1, "h1", "h1");

            UarpdProcess u1 = new UarpdProcess(f.lab, h1, f.args("h1", "d"));
            UarpdProcess u2 = new UarpdProcess(f.lab, s.h2(), f.args("h2", "d"));
            // Each host's own address is in the directory, and etcd's, which both confirmed; each sees all three.
            assertThat(Await.within(20, () -> f.directorySize("h1") >= 3 && f.directorySize("h2") >= 3))
                    .as(f.ctl("h1", "show", "fleet") + "\n" + u1.logText() + "\n" + u2.logText()).isTrue();

            // a) h1's miss for h2: one unicast request to h2's address, no broadcast.
            assertThat(f.lab.run(h1, "ping", "-c", "1", "-W", "3", H2).ok()).as("h1 reaches h2\n" + u1.logText()).isTrue();
            assertThat(Await.within(5, () -> decode(atH1).stream().anyMatch(
                    l -> l.contains(mac1 + " > " + mac2) && l.contains("Request who-has " + H2 + " tell " + H1))))
                    .as("unicast check from h1 to h2\n" + String.join("\n", decode(atH1))).isTrue();
            assertThat(decode(atH1)).as("broadcast requests from h1 for h2")
                    .noneMatch(l -> l.contains("> " + BROADCAST) && l.contains("Request who-has " + H2 + " tell " + H1));

            // c) h1 confirms p by a normal resolution and shares it; h2's miss for p is then checked by unicast
            // (before p sends anything to h2, which h2 would learn p from).
            assertThat(f.lab.run(h1, "ping", "-c", "1", "-W", "3", P).ok()).as("h1 reaches p").isTrue();
            assertThat(Await.within(10, () -> f.directorySize("h2") >= 4))
                    .as("p enters the directory\n" + f.ctl("h2", "show", "fleet") + "\n" + u1.logText()).isTrue();
            assertThat(f.lab.run(s.h2(), "ping", "-c", "1", "-W", "3", P).ok()).as("h2 reaches p\n" + u2.logText()).isTrue();
            assertThat(Await.within(5, () -> decode(capture).stream().anyMatch(
                    l -> l.contains(mac2 + " > " + macP) && l.contains("Request who-has " + P + " tell " + H2))))
                    .as("unicast check from h2 to p\n" + String.join("\n", decode(capture))).isTrue();
            assertThat(decode(capture)).as("broadcast requests from h2 for p")
                    .noneMatch(l -> l.contains("> " + BROADCAST) && l.contains("Request who-has " + P + " tell " + H2));
            // b) p broadcasts a request for h2's address: h1 answers on h2's behalf with h2's address.
            f.askFromPeer(s, H2);
            assertThat(Await.within(5, () -> decode(capture).stream().anyMatch(
                    l -> l.contains(mac1 + " > " + macP) && l.contains("Reply " + H2 + " is-at " + mac2))))
                    .as("h1 answers for h2\n" + String.join("\n", decode(capture)) + "\n" + u1.logText()).isTrue();
            assertThat(decode(capture)).as("no answer gives another address for h2")
                    .filteredOn(l -> l.contains("Reply " + H2 + " is-at")).allSatisfy(l -> assertThat(l).contains("is-at " + mac2));

            // d) etcd gone: h1 keeps its copy (a miss for h2 is still checked by unicast) but no longer
            // answers on h2's behalf, since it cannot tell whether h2's lease lives.
            f.killMember(1);
            assertThat(Await.within(15, () -> f.ctl("h1", "show", "fleet").contains("DISCONNECTED")))
                    .as(f.ctl("h1", "show", "fleet")).isTrue();
            long checks = decode(atH1).stream().filter(l -> l.contains(mac1 + " > " + mac2) && l.contains("Request who-has " + H2)).count();
            // Forgotten and needed at once, before h2's next request to h1 could teach it again.
            assertThat(f.lab.run(h1, "sh", "-c", "ip neigh flush dev h1 && ping -c 1 -W 3 " + H2).ok())
                    .as("h1 reaches h2 without etcd\n" + u1.logText()).isTrue();
            assertThat(Await.within(5, () -> decode(atH1).stream()
                    .filter(l -> l.contains(mac1 + " > " + mac2) && l.contains("Request who-has " + H2)).count() > checks))
                    .as("unicast check without etcd\n" + String.join("\n", decode(atH1))).isTrue();
            assertThat(decode(atH1)).as("broadcast requests from h1 for h2")
                    .noneMatch(l -> l.contains("> " + BROADCAST) && l.contains("Request who-has " + H2 + " tell " + H1));
            long onBehalf = decode(capture).stream().filter(l -> l.contains(mac1 + " > " + macP) && l.contains("Reply " + H2)).count();
            long notForUs = u1.count(l -> l.contains("ignored " + H2 + " on h1 (not for us)"));
            f.askFromPeer(s, H2);
            assertThat(Await.within(10, () -> u1.count(l -> l.contains("ignored " + H2 + " on h1 (not for us)")) > notForUs))
                    .as("h1 leaves the request to h2\n" + u1.logText()).isTrue();
            assertThat(decode(capture).stream().filter(l -> l.contains(mac1 + " > " + macP) && l.contains("Reply " + H2)).count())
                    .as("answers on h2's behalf without etcd").isEqualTo(onBehalf);
            u1.close();
            u2.close();
        }
    }

    /**
     * With {@code --no-answer-on-behalf} on h1 (where every station runs uarpd), a broadcast request
     * for h2's address, which h1's copy of the directory holds while etcd answers, is answered by h2
     * alone: one reply per request on the wire, and h1 says it left each one alone.
     */
    @Test
    void answersOnBehalfKeptOffLeaveEachRequestToItsHolder() throws Exception {
        try (FleetDaemonLab f = FleetDaemonLab.open("ufoff")) {
            f.etcd();
            FleetDaemonLab.Segment s = f.segment();
            Path capture = f.capture(s.p(), "pp", "wire");
            UarpdProcess u1 = new UarpdProcess(f.lab, s.h1(), f.args("h1", "d", "--no-answer-on-behalf"));
            UarpdProcess u2 = new UarpdProcess(f.lab, s.h2(), f.args("h2", "d"));
            assertThat(u1.log).as("h1's fleet line").anyMatch(l -> l.contains("answers on behalf of others off"));
            // h1's copy holds h2's address (h1 confirmed etcd too; h2's own address is what matters) and etcd answers.
            assertThat(Await.within(20, () -> f.directorySize("h1") >= 3 && f.ctl("h1", "show", "fleet").contains(" connected")))
                    .as(f.ctl("h1", "show", "fleet") + "\n" + u1.logText()).isTrue();
            int requests = 5;
            for (int i = 0; i < requests; i++) f.askFromPeer(s, H2);
            assertThat(Await.within(10, () -> u1.count(l -> l.contains("ignored " + H2 + " on h1 (not for us)")) >= requests))
                    .as("h1 leaves every request to h2\n" + u1.logText()).isTrue();
            assertThat(Await.within(10, () -> replies(capture).size() >= requests)).as("h2 answers each\n" + String.join("\n", decode(capture)))
                    .isTrue();
            assertThat(replies(capture)).as("replies for h2's address on the wire").hasSize(requests)
                    .allSatisfy(l -> assertThat(l).startsWith(s.mac2() + " > " + s.macP()).contains("is-at " + s.mac2()));
            assertThat(u1.log).noneMatch(l -> l.contains("answered " + H2));
            u1.close();
            u2.close();
        }
    }


    /** Replies for h2's address in the capture, each as "SRC > DST, ...: Reply ...". */
    private static java.util.List<String> replies(Path capture) {
        return FleetWire.frames(capture).stream().filter(fr -> fr.arp().startsWith("Reply " + H2 + " is-at"))
                .map(fr -> fr.source() + " > " + fr.destination() + ": " + fr.arp()).toList();
    }
}

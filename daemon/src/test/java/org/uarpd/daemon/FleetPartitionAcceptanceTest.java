package org.uarpd.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.uarpd.daemon.FleetAcceptanceTest.answerOrder;
import static org.uarpd.daemon.FleetAcceptanceTest.ctl;
import static org.uarpd.daemon.FleetAcceptanceTest.decode;
import static org.uarpd.daemon.FleetAcceptanceTest.read;

import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.uarpd.linux.NamespaceLab;

/**
 * The owner of a published address cut off from etcd while it stays on the wire: one etcd member,
 * two uarpd hosts publishing 198.51.100.7 as one group, a plain peer broadcasting a request for it
 * every 50 ms under tcpdump. nftables in the owner's namespace drops everything it sends to etcd; the
 * owner must fall silent before the other host answers (no request ever answered twice, answers from
 * h1 then only from h2), and when the partition heals it must not contend. Needs root, iproute2,
 * nftables, scapy, tcpdump and etcd; fails saying what is missing.
 */
@Tag("netns")
class FleetPartitionAcceptanceTest {
    private static final String VIP = "198.51.100.7";

    static FleetDaemonLab fleetLab;
    static NamespaceLab lab;
    static Path dir;

    @BeforeAll
    static void build() throws Exception {
        fleetLab = FleetDaemonLab.open("ufpt");
        lab = fleetLab.lab;
        dir = fleetLab.dir;
        assertThat(NamespaceLab.run(java.util.List.of("nft", "--version")).ok()).as("the partition is made with nftables: 'apt-get install nftables'")
                .isTrue();
    }

    @AfterAll
    static void tearDown() throws Exception {
        if (fleetLab != null) fleetLab.close();
    }

    @Test
    void aPartitionedOwnerFallsSilentBeforeTheOtherAnswers() throws Exception {
        String sw = lab.namespace("sw");
        Process etcd = fleetLab.etcd(sw);
        UarpdProcess u1 = null;
        UarpdProcess u2 = null;
        Process requests = null;
        try {
            FleetDaemonLab.Segment s = fleetLab.segment(sw);
            String p = s.p();
            String h1 = s.h1();
            String h2 = s.h2();
            String mac1 = s.mac1();
            String mac2 = s.mac2();

            u1 = new UarpdProcess(lab, h1, args("h1"));
            UarpdProcess first = u1;
            assertThat(Await.within(15, () -> first.log.stream().anyMatch(l -> l.contains("now answers for " + VIP)))).as(u1.logText()).isTrue();
            u2 = new UarpdProcess(lab, h2, args("h2"));
            UarpdProcess second = u2;
            assertThat(Await.within(15, () -> ctl(socket("h2"), "show", "fleet").contains(VIP + " owner h1")))
                    .as(ctl(socket("h2"), "show", "fleet") + "\n" + second.logText()).isTrue();

            Path capture = fleetLab.capture(p, "pp", "wire");
            Path errors = dir.resolve("requests.err");
            requests = FleetAcceptanceTest.requestEvery50ms(lab, p, "pp", "192.0.2.30", VIP, errors);
            assertThat(Await.within(10, () -> answers(capture, mac1) >= 10)).as("h1 answers\n" + read(errors)).isTrue();

            // h1 can no longer reach etcd; the peer still reaches h1.
            lab.ok(h1, "nft", "add table inet partition");
            lab.ok(h1, "nft", "add chain inet partition out { type filter hook output priority 0; }");
            lab.ok(h1, "nft", "add rule inet partition out ip daddr 192.0.2.11 drop");
            long cutAt = System.nanoTime();
            assertThat(Await.within(15, () -> answers(capture, mac2) >= 10)).as("h2 takes over\n" + second.logText()).isTrue();
            System.out.printf("partition of the owner: h2 answers %.2f s after the cut%n", (System.nanoTime() - cutAt) / 1e9);
            assertThat(u1.log).as("h1 says it stopped").anyMatch(l -> l.contains("no longer answers for " + VIP));

            // Healed: h1 comes back to etcd, sees h2 as the owner and does not contend.
            lab.ok(h1, "nft", "delete table inet partition");
            assertThat(Await.within(20, () -> ctl(socket("h1"), "show", "fleet").contains(VIP + " owner h2")))
                    .as(ctl(socket("h1"), "show", "fleet") + "\n" + first.logText()).isTrue();
            long atHeal = answers(capture, mac2);
            assertThat(Await.within(10, () -> answers(capture, mac2) >= atHeal + 20)).isTrue();
            requests.destroy();
            requests.waitFor();
            assertThat(answerOrder(capture, VIP)).as("answering MACs in order\n" + String.join("\n", decode(capture)))
                    .containsExactly(mac1, mac2);
        } finally {
            if (requests != null) requests.destroyForcibly();
            if (u1 != null) u1.close();
            if (u2 != null) u2.close();
            etcd.destroyForcibly();
            etcd.waitFor();
        }
    }

    /** Unicast replies for the VIP from {@code mac} so far. */
    private static long answers(Path capture, String mac) {
        return decode(capture).stream().filter(l -> l.contains(mac + " > ") && !l.contains("> ff:ff:ff:ff:ff:ff")
                && l.contains("Reply " + VIP + " is-at " + mac)).count();
    }

    private static String[] args(String host) throws Exception {
        return fleetLab.args(host, "t", "--publish", VIP);
    }

    private static Path socket(String host) {
        return fleetLab.socket(host);
    }
}

package org.uarpd.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.uarpd.daemon.FleetDaemonLab.VIP;

import java.nio.file.Path;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.uarpd.linux.NamespaceLab;

/**
 * The owner of a published address cut off from etcd while it stays on the wire: one etcd member,
 * two uarpd hosts publishing 198.51.100.7 as one group, a plain peer broadcasting a request for it
 * every 10 ms under tcpdump. nftables in the owner's namespace drops everything it sends to etcd; the
 * owner must fall silent before the other host answers (no request ever answered twice, answers from
 * h1 then only from h2), and when the partition heals it must not contend. Needs root, iproute2,
 * nftables, scapy, tcpdump and etcd; fails saying what is missing.
 */
@Tag("netns")
class FleetPartitionAcceptanceTest {

    @Test
    void aPartitionedOwnerFallsSilentBeforeTheOtherAnswers() throws Exception {
        assertThat(NamespaceLab.run(java.util.List.of("nft", "--version")).ok()).as("the partition is made with nftables: 'apt-get install nftables'")
                .isTrue();
        try (FleetDaemonLab f = FleetDaemonLab.open("ufpt")) {
            f.etcd();
            FleetDaemonLab.Segment s = f.segment();
            String h1 = s.h1();
            String mac1 = s.mac1();
            String mac2 = s.mac2();
            java.util.List<UarpdProcess> hosts = f.ownerAndStandby(s, "t");
            UarpdProcess u1 = hosts.get(0);
            UarpdProcess u2 = hosts.get(1);

            Path capture = f.capture(s.p(), "pp", "wire");
            Process prober = f.prober(s.p(), "pp", VIP, 10, "prober");
            assertThat(Await.within(30, () -> FleetWire.answersFrom(capture, VIP, mac1) >= 10)).as("h1 answers").isTrue();

            // h1 can no longer reach etcd; the peer still reaches h1.
            f.lab.ok(h1, "nft", "add table inet partition");
            f.lab.ok(h1, "nft", "add chain inet partition out { type filter hook output priority 0; }");
            f.lab.ok(h1, "nft", "add rule inet partition out ip daddr 192.0.2.11 drop");
            long cutAt = System.nanoTime();
            assertThat(Await.within(15, () -> FleetWire.answersFrom(capture, VIP, mac2) >= 10)).as("h2 takes over\n" + u2.logText()).isTrue();
            System.out.printf("partition of the owner: h2 answers %.2f s after the cut%n", (System.nanoTime() - cutAt) / 1e9);
            assertThat(u1.log).as("h1 says it stopped").anyMatch(l -> l.contains("no longer answers for " + VIP));

            // Healed: h1 comes back to etcd, sees h2 as the owner and does not contend.
            f.lab.ok(h1, "nft", "delete table inet partition");
            assertThat(Await.within(20, () -> f.ctl("h1", "show", "fleet").contains(VIP + " owner h2")))
                    .as(f.ctl("h1", "show", "fleet") + "\n" + u1.logText()).isTrue();
            long atHeal = FleetWire.answersFrom(capture, VIP, mac2);
            assertThat(Await.within(30, () -> FleetWire.answersFrom(capture, VIP, mac2) >= atHeal + 100)).isTrue();
            FleetDaemonLab.stop(prober);
            assertThat(FleetWire.oneAnswerPerRequest(capture, VIP)).as("answering stations in order\n" + String.join("\n", FleetWire.decode(capture)))
                    .containsExactly(mac1, mac2);
            u1.close();
            u2.close();
        }
    }
}

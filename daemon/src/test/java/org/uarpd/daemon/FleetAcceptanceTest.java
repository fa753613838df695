package org.uarpd.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.uarpd.daemon.FleetDaemonLab.BROADCAST;
import static org.uarpd.daemon.FleetDaemonLab.VIP;
import static org.uarpd.daemon.FleetDaemonLab.read;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Fleet mode end to end: one real etcd member and two uarpd hosts on a bridge (192.0.2.0/24), both
 * publishing 198.51.100.7 as one group, and a plain Linux peer broadcasting ARP requests for it every
 * 10 ms while tcpdump records the wire. Exactly one host answers; after SIGKILL of the owner the other
 * answers within the lease TTL plus a margin, and no request is ever answered twice. A uarpd without
 * a fleet loads none of the fleet's or etcd's classes. Needs root, iproute2, scapy, tcpdump and etcd
 * ({@code apt-get install etcd-server}); fails saying what is missing.
 */
@Tag("netns")
class FleetAcceptanceTest {
    /** etcd's default smallest lease (heartbeat 100 ms, election 1000 ms). */
    private static final double TTL_SECONDS = 2;
    /**
     * The takeover comes at most TTL + 500 ms (etcd's expiry sweep) + one transaction after the
     * crash; the second of margin beyond that covers a loaded 2-core test machine.
     */
    private static final double TAKEOVER_LIMIT_SECONDS = TTL_SECONDS + 1.5;

    @Test
    void oneHostAnswersAndTheOtherTakesOverAfterSigkill() throws Exception {
        try (FleetDaemonLab f = FleetDaemonLab.open("uflt")) {
            f.etcd();
            FleetDaemonLab.Segment s = f.segment();
            String mac1 = s.mac1();
            String mac2 = s.mac2();

            // Without a fleet nothing of it is loaded: the JVM's class-loading log names no fleet or etcd class.
            Path classes = f.dir.resolve("classes.log");
            UarpdProcess plain = UarpdProcess.withJvmOptions(f.lab, s.h1(), List.of("-Xlog:class+load=info:file=" + classes), "--interface", "h1",
                    "--publish", VIP, "--warm-up", "0");
            plain.terminate();
            assertThat(read(classes)).as("class-loading log").contains("org.uarpd.daemon.RunCommand")
                    .doesNotContain("org.uarpd.fleet.").doesNotContain("io.etcd.").doesNotContain("org.uarpd.daemon.fleet.");

            Path fleetClasses = f.dir.resolve("fleet-classes.log");
            UarpdProcess u1 = UarpdProcess.withJvmOptions(f.lab, s.h1(), List.of("-Xlog:class+load=info:file=" + fleetClasses),
                    f.args("h1", "t", "--publish", VIP));
            FleetDaemonLab.awaitOwner(u1);
            assertThat(read(fleetClasses)).as("the same check sees the fleet when there is one").contains("org.uarpd.fleet.Fleet");
            UarpdProcess u2 = f.publisher(s.h2(), "h2", "t");
            assertThat(Await.within(15, () -> f.ctl("h2", "show", "fleet").contains(" connected")))
                    .as(f.ctl("h2", "show", "fleet") + "\n" + u2.logText()).isTrue();
            assertThat(f.ctl("h1", "show", "fleet")).contains("fleet t host h1 connected").contains(VIP + " owner h1 revision")
                    .contains("members h1").contains("ttl 2s");
            assertThat(f.ctl("h1", "-j", "show", "fleet")).contains("\"owned\":[\"" + VIP + "\"]").contains("\"fleet\":\"t\"");
            assertThat(f.ctl("h2", "show", "fleet")).contains(VIP + " owner h1").doesNotContain("(this host)");

            Path capture = f.capture(s.p(), "pp", "wire");
            Process prober = f.prober(s.p(), "pp", VIP, 10, "prober");
            assertThat(Await.within(30, () -> FleetWire.answersFrom(capture, VIP, mac1) >= 10))
                    .as("h1 answers\n" + String.join("\n", FleetWire.decode(capture)) + "\n" + u1.logText()).isTrue();

            long killedAt = System.currentTimeMillis();
            u1.kill();
            assertThat(Await.within(30, () -> FleetWire.answersFrom(capture, VIP, mac2) >= 10)).as("h2 takes over\n" + u2.logText()).isTrue();
            FleetDaemonLab.stop(prober);
            double takeover = (FleetWire.firstAnswerFrom(FleetWire.probes(capture, VIP), mac2, 0) / 1000 - killedAt) / 1000.0;
            System.out.printf("fleet takeover after SIGKILL: %.3f s (lease TTL %.0f s)%n", takeover, TTL_SECONDS);
            assertThat(takeover).as("takeover time in seconds").isLessThanOrEqualTo(TAKEOVER_LIMIT_SECONDS);

            // On the wire: answers come from h1, then only from h2, never two for one request.
            assertThat(FleetWire.oneAnswerPerRequest(capture, VIP)).as("answering stations in order").containsExactly(mac1, mac2);
            // The new owner announced in both forms: a gratuitous request and a broadcast reply (RFC 5944 §4.6).
            assertThat(FleetWire.decode(capture)).as("h2's announcements").anySatisfy(l -> assertThat(l).contains(mac2 + " > " + BROADCAST)
                    .contains("Request who-has " + VIP + " tell " + VIP)).anySatisfy(l -> assertThat(l).contains(mac2 + " > " + BROADCAST)
                    .contains("Reply " + VIP + " is-at " + mac2));
            assertThat(f.ctl("h2", "show", "fleet")).contains(VIP + " owner h2 revision").contains("takeovers 1");
            u2.close();
        }
    }
}

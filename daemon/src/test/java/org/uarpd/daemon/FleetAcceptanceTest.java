package org.uarpd.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.uarpd.daemon.FleetDaemonLab.BROADCAST;
import static org.uarpd.daemon.FleetDaemonLab.VIP;
import static org.uarpd.daemon.FleetDaemonLab.read;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
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

    private static final Pattern REVISION = Pattern.compile(Pattern.quote(VIP) + " owner h1 revision (\\d+) \\(this host\\)");
    private static final Pattern NEW_PID = Pattern.compile("uarpd pid (\\d+) serves now");

    /**
     * {@code uarpctl restart} of the owner: the successor keeps the old process's lease alive from its
     * start, the old one falls silent for the group and passes lease and group on, and the successor
     * answers at the same revision. On the wire every request is answered, by h1 only and once; h2
     * never gains the group, and the successor still owns it three lease TTLs after the old one exited
     * (it did not revoke).
     */
    @Test
    void restartOfTheOwnerKeepsTheGroupAnsweredOnTheSameHost() throws Exception {
        try (FleetDaemonLab f = FleetDaemonLab.open("uflr")) {
            f.etcd();
            FleetDaemonLab.Segment s = f.segment();
            List<UarpdProcess> u = f.ownerAndStandby(s, "t");
            Matcher before = REVISION.matcher(f.ctl("h1", "show", "fleet"));
            assertThat(before.find()).as(f.ctl("h1", "show", "fleet")).isTrue();
            Path capture = f.capture(s.p(), "pp", "wire");
            Process prober = f.prober(s.p(), "pp", VIP, 10, "prober");
            long successor = 0;
            try {
                assertThat(Await.within(30, () -> FleetWire.answersFrom(capture, VIP, s.mac1()) >= 10)).as(u.get(0).logText()).isTrue();
                String restarted = f.ctl("h1", "restart");
                Matcher pid = NEW_PID.matcher(restarted);
                assertThat(pid.find()).as(restarted + "\n" + u.get(0).logText()).isTrue();
                successor = Long.parseLong(pid.group(1));
                assertThat(u.get(0).process.waitFor(15, TimeUnit.SECONDS)).as("the old uarpd exits\n" + u.get(0).logText()).isTrue();
                long answered = FleetWire.answersFrom(capture, VIP, s.mac1());
                // Three TTLs (at 10 ms a request) after the old one's exit: a revoke, or a lapse of the lease, would have shown by then.
                assertThat(Await.within(30, () -> FleetWire.answersFrom(capture, VIP, s.mac1()) >= answered + 3 * TTL_SECONDS * 100))
                        .as("the successor answers (the old one's log ends with its exit)\n" + f.ctl("h1", "show", "fleet") + "\n"
                                + u.get(0).logText()).isTrue();
            } finally {
                FleetDaemonLab.stop(prober);
            }
            assertThat(Await.within(5, () -> FleetWire.probes(capture, VIP).getLast().answers().size() == 1)).isTrue();
            assertThat(FleetWire.oneAnswerPerRequest(capture, VIP)).as("answering stations in order").containsExactly(s.mac1());
            List<FleetWire.Probe> probes = FleetWire.probes(capture, VIP);
            int firstAnswered = 0;
            while (probes.get(firstAnswered).answers().isEmpty()) firstAnswered++;
            List<FleetWire.Probe> unanswered = probes.subList(firstAnswered, probes.size()).stream().filter(p -> p.answers().isEmpty()).toList();
            System.out.printf("fleet restart: %d requests after the first answer, %d unanswered%s%n", probes.size() - firstAnswered,
                    unanswered.size(), unanswered.isEmpty() ? "" : " (at µs " + unanswered.stream().map(p -> Long.toString(p.micros())).toList() + ")");
            // Two processes' loops read the same frames from sockets of their own, so the switch cannot be atomic without
            // double answers: the old loop falls silent, then the successor's answers. What may go unanswered is the one run
            // of requests inside that switch: a message and a few thread wake-ups in a fresh JVM (22, 58 and 287 ms in three
            // runs at load averages of 13, 14 and 26 on two cores). The bound tells that apart from a group left to the lease:
            // a revoke on exit and a claim, or the lease's expiry (seconds).
            int firstMissed = unanswered.isEmpty() ? 0 : probes.indexOf(unanswered.getFirst());
            assertThat(unanswered).as("requests nobody answered through the restart: one run at the switch\n" + u.get(0).logText())
                    .isEqualTo(unanswered.isEmpty() ? List.of() : probes.subList(firstMissed, firstMissed + unanswered.size()));
            if (!unanswered.isEmpty())
                assertThat((unanswered.getLast().micros() - unanswered.getFirst().micros()) / 1000.0).as("the switch's silence in ms").isLessThan(1000);
            assertThat(f.ctl("h1", "show", "fleet")).as("the successor owns the group at the same revision")
                    .contains(VIP + " owner h1 revision " + before.group(1) + " (this host)").contains("takeovers 0");
            assertThat(u.get(1).log).as("h2 never gains the group").noneMatch(l -> l.contains("now answers for " + VIP));
            ProcessHandle.of(successor).ifPresent(h -> {
                h.destroy();
                h.onExit().join();
            });
            u.get(1).close();
        }
    }
}

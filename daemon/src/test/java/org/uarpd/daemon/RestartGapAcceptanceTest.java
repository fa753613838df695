package org.uarpd.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.uarpd.linux.NamespaceLab;

/**
 * A plain stop-then-start of uarpd, probed every 10 ms by a peer ({@link ArpProber}): the host's own
 * address must never go unanswered for more than 30 ms — on stop uarpd gives the kernel its ARP back,
 * on start it takes the link over only once warm — and a published address, which only uarpd
 * answers, for no longer than the new uarpd's start-to-ready plus 100 ms.
 *
 * <p>Measured on the wire ({@link ArpCapture}: tcpdump in the peer's namespace, the kernel's
 * timestamps): from the first request that got no answer to the next that did. The prober's own view
 * (when it read its replies) is printed beside it; on a loaded machine it also counts the prober's
 * lateness. A loaded machine also stalls a uarpd that is neither stopping nor starting (at load 20
 * on two CPUs the wire showed 170 ms silences from a uarpd just serving): so the own address's limit
 * is 30 ms or, when longer, the longest silence the same run showed away from the restart — about a
 * second of plain serving before the stop and another from 100 ms after ready on — which the restart
 * must not exceed.
 */
@Tag("netns")
class RestartGapAcceptanceTest {
    static final String OWN = "192.0.2.1";
    static final String PUBLISHED = "198.51.100.7";
    static final String PEER = "192.0.2.2";

    /** The wall clock in ms, as the capture's timestamps count. */
    static double epochMillis() {
        java.time.Instant now = java.time.Instant.now();
        return now.getEpochSecond() * 1000.0 + now.getNano() / 1e6;
    }

    @Test
    void stopThenStartLeavesOwnAddressAnsweredAndPublishedOnlyGoneWhileStarting() throws Exception {
        assertThat(LabCommand.missingTools()).as("tools the acceptance tests need").isNull();
        try (NamespaceLab lab = new NamespaceLab("rg")) {
            String h = lab.namespace("h");
            String p = lab.namespace("p");
            lab.veth(h, "u0", OWN + "/24", p, "p0", PEER + "/24");
            String[] run = {"--interface", "u0", "--publish", "198.51.100.0/24"};
            UarpdProcess first = UarpdProcess.withEnvironment(lab, h, Map.of(), run);
            long startToReady;
            double stopAt;
            double exitedAt;
            double readyAt;
            String sent;
            String logs;
            List<Double> ownReplies;
            List<Double> publishedReplies;
            List<ArpCapture.Frame> frames;
            try (ArpCapture wire = ArpCapture.start(lab, p, "p0");
                 ArpProber prober = new ArpProber(lab, p, "p0", PEER, OWN, PUBLISHED)) {
                prober.awaitReplies(PUBLISHED, 20);
                prober.awaitMoreReplies(OWN, 100); // a second of plain serving: the run's own baseline
                stopAt = epochMillis();
                assertThat(first.terminate()).as(first.logText()).isZero();
                exitedAt = epochMillis();
                long t = System.nanoTime();
                try (UarpdProcess second = UarpdProcess.withEnvironment(lab, h, Map.of(), run)) {
                    startToReady = System.nanoTime() - t;
                    readyAt = epochMillis();
                    prober.awaitMoreReplies(PUBLISHED, 10); // answered again: ready + 100 ms is behind
                    prober.awaitMoreReplies(OWN, 100); // and a second more of plain serving
                    sent = prober.finish();
                    frames = wire.stop();
                    assertThat(second.terminate()).as(second.logText()).isZero();
                    logs = "the first uarpd:\n" + first.logText() + "\nthe second:\n" + second.logText();
                }
                ownReplies = prober.replies(OWN);
                publishedReplies = prober.replies(PUBLISHED);
            }
            double origin = frames.getFirst().millis();
            ArpCapture.Gaps own = ArpCapture.gaps(frames, PEER, OWN);
            ArpCapture.Gaps published = ArpCapture.gaps(frames, PEER, PUBLISHED);
            double restartEnd = readyAt + 100;
            double ownRestart = own.longestWithin(stopAt, restartEnd);
            double ownAway = own.longestOutside(stopAt, restartEnd);
            double ownLimit = Math.max(30, ownAway);
            double[] ownHeard = ArpProber.longestSilence(ownReplies);
            double[] publishedHeard = ArpProber.longestSilence(publishedReplies);
            String summary = String.format("on the wire (ms from the first frame): SIGTERM %.1f, exited %.1f, ready %.1f; own %s unanswered "
                    + "at most %.1f ms across the restart, %.1f ms away from it (silences over 10 ms: %s; %s); published %s at most %.1f ms "
                    + "(%s); start-to-ready %.1f ms; as the prober heard it: own %.1f ms, published %.1f ms; prober %s; load %.1f",
                    stopAt - origin, exitedAt - origin, readyAt - origin, OWN, ownRestart, ownAway, own.over(10, origin), own, PUBLISHED,
                    published.longestWithin(stopAt, restartEnd), published, startToReady / 1e6, ownHeard[0], publishedHeard[0], sent,
                    java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
            System.out.println(summary);
            assertThat(ownRestart).as(summary + "\n" + logs).isLessThanOrEqualTo(ownLimit);
            assertThat(published.longestWithin(stopAt, restartEnd)).as(summary).isLessThanOrEqualTo(startToReady / 1e6 + 100);
        }
    }
}

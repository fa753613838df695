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
 */
@Tag("netns")
class RestartGapAcceptanceTest {
    static final String OWN = "192.0.2.1";
    static final String PUBLISHED = "198.51.100.7";

    @Test
    void stopThenStartLeavesOwnAddressAnsweredAndPublishedOnlyGoneWhileStarting() throws Exception {
        assertThat(LabCommand.missingTools()).as("tools the acceptance tests need").isNull();
        try (NamespaceLab lab = new NamespaceLab("rg")) {
            String h = lab.namespace("h");
            String p = lab.namespace("p");
            lab.veth(h, "u0", OWN + "/24", p, "p0", "192.0.2.2/24");
            String[] run = {"--interface", "u0", "--publish", "198.51.100.0/24"};
            UarpdProcess first = UarpdProcess.withEnvironment(lab, h, Map.of(), run);
            long startToReady;
            String timeline;
            String sent;
            List<Double> ownReplies;
            List<Double> publishedReplies;
            try (ArpProber prober = new ArpProber(lab, p, "p0", "192.0.2.2", OWN, PUBLISHED)) {
                prober.awaitReplies(PUBLISHED, 20);
                long stop = System.nanoTime();
                assertThat(first.terminate()).as(first.logText()).isZero();
                long t = System.nanoTime();
                try (UarpdProcess second = UarpdProcess.withEnvironment(lab, h, Map.of(), run)) {
                    startToReady = System.nanoTime() - t;
                    timeline = String.format("SIGTERM at %.1f ms, exited %.1f, second started %.1f, ready %.1f", prober.millis(stop),
                            prober.millis(t), prober.millis(t), prober.millis(t + startToReady));
                    prober.awaitMoreReplies(PUBLISHED, 20);
                    sent = prober.finish();
                    assertThat(second.terminate()).as(second.logText()).isZero();
                }
                ownReplies = prober.replies(OWN);
                publishedReplies = prober.replies(PUBLISHED);
            }
            double[] ownSilence = ArpProber.longestSilence(ownReplies);
            double[] published = ArpProber.longestSilence(publishedReplies);
            String summary = String.format("own %s unanswered at most %.1f ms (from %.1f ms), published %s %.1f ms (from %.1f ms), "
                    + "start-to-ready %.1f ms; %s; prober %s", OWN, ownSilence[0], ownSilence[1], PUBLISHED, published[0], published[1],
                    startToReady / 1e6, timeline, sent);
            System.out.println(summary);
            assertThat(ownSilence[0]).as(summary).isLessThanOrEqualTo(30);
            assertThat(published[0]).as(summary).isLessThanOrEqualTo(startToReady / 1e6 + 100);
        }
    }
}

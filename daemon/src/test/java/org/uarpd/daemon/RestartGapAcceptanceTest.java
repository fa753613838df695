package org.uarpd.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.uarpd.linux.NamespaceLab;

/**
 * A plain stop-then-start of uarpd, probed every 10 ms by a peer (src/test/resources/arp-prober.py,
 * raw AF_PACKET): the host's own address must never go unanswered for more than 30 ms — on stop
 * uarpd gives the kernel its ARP back, on start it takes the link over only once warm — and a
 * published address, which only uarpd answers, for no longer than the new uarpd's start-to-ready
 * plus 100 ms.
 */
@Tag("netns")
class RestartGapAcceptanceTest {
    static final String OWN = "192.0.2.1";
    static final String PUBLISHED = "198.51.100.7";
    static final double PROBE_MILLIS = 10;

    @Test
    void stopThenStartLeavesOwnAddressAnsweredAndPublishedOnlyGoneWhileStarting() throws Exception {
        assertThat(LabCommand.missingTools()).as("tools the acceptance tests need").isNull();
        Path script = Files.createTempFile("arp-prober", ".py");
        try (InputStream in = RestartGapAcceptanceTest.class.getResourceAsStream("/arp-prober.py");
             NamespaceLab lab = new NamespaceLab("rg")) {
            Files.write(script, in.readAllBytes());
            String h = lab.namespace("h");
            String p = lab.namespace("p");
            lab.veth(h, "u0", OWN + "/24", p, "p0", "192.0.2.2/24");
            String[] run = {"--interface", "u0", "--publish", "198.51.100.0/24"};
            UarpdProcess first = UarpdProcess.withEnvironment(lab, h, Map.of(), run);
            Process prober = lab.start(p, ProcessBuilder.Redirect.PIPE, ProcessBuilder.Redirect.INHERIT,
                    // SCHED_FIFO: on a busy machine the prober's own lateness would read as silence.
                    "chrt", "-f", "20", "/usr/bin/python3", script.toString(), "p0", "192.0.2.2", OWN, PUBLISHED);
            List<String> heard = new CopyOnWriteArrayList<>();
            long[] started = {0}; // when the prober said it began: the origin of its times, for the timeline
            Thread reader = Thread.ofPlatform().daemon().start(() -> {
                try (BufferedReader r = new BufferedReader(new InputStreamReader(prober.getInputStream(), StandardCharsets.UTF_8))) {
                    for (String line; (line = r.readLine()) != null; ) {
                        synchronized (heard) {
                            if (line.equals("start")) started[0] = System.nanoTime();
                            heard.add(line);
                            heard.notifyAll();
                        }
                    }
                } catch (IOException ignored) {
                    // the prober is gone
                }
            });
            long startToReady;
            String timeline;
            try {
                awaitReplies(heard, PUBLISHED, 20);
                long stop = System.nanoTime();
                assertThat(first.terminate()).as(first.logText()).isZero();
                long t = System.nanoTime();
                try (UarpdProcess second = UarpdProcess.withEnvironment(lab, h, Map.of(), run)) {
                    startToReady = System.nanoTime() - t;
                    timeline = String.format("SIGTERM at %.1f ms, exited %.1f, second started %.1f, ready %.1f", (stop - started[0]) / 1e6,
                            (t - started[0]) / 1e6, (t - started[0]) / 1e6, (t + startToReady - started[0]) / 1e6);
                    int before = replies(heard, PUBLISHED).size();
                    awaitReplies(heard, PUBLISHED, before + 20);
                    prober.getOutputStream().close(); // its stdin: the prober stops and says how many it sent
                    assertThat(prober.waitFor(10, TimeUnit.SECONDS)).isTrue();
                    reader.join(5000);
                    assertThat(second.terminate()).as(second.logText()).isZero();
                }
            } finally {
                prober.destroyForcibly();
            }
            double[] own = longestSilence(replies(heard, OWN));
            double[] published = longestSilence(replies(heard, PUBLISHED));
            String summary = String.format("own %s unanswered at most %.1f ms (from %.1f ms), published %s %.1f ms (from %.1f ms), "
                    + "start-to-ready %.1f ms; %s; prober %s", OWN, own[0], own[1], PUBLISHED, published[0], published[1],
                    startToReady / 1e6, timeline, heard.get(heard.size() - 1));
            System.out.println(summary);
            assertThat(own[0]).as(summary).isLessThanOrEqualTo(30);
            assertThat(published[0]).as(summary).isLessThanOrEqualTo(startToReady / 1e6 + 100);
        } finally {
            Files.deleteIfExists(script);
        }
    }

    /** Waits (up to 60 s) until {@code count} replies for {@code target} were heard. */
    static void awaitReplies(List<String> heard, String target, int count) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        synchronized (heard) {
            while (replies(heard, target).size() < count) {
                long left = deadline - System.nanoTime();
                assertThat(left).as("%d replies for %s within 60 s (heard %s)", count, target, replies(heard, target).size()).isPositive();
                TimeUnit.NANOSECONDS.timedWait(heard, left);
            }
        }
    }

    /** When each reply for {@code target} came, in ms since the prober's first request. */
    static List<Double> replies(List<String> heard, String target) {
        List<Double> at = new ArrayList<>();
        for (String line : heard) {
            String[] f = line.split(" ");
            if (f[0].equals("reply") && f[1].equals(target)) at.add(Double.parseDouble(f[2]));
        }
        return at;
    }

    /**
     * The longest time a target went unanswered, and from when (ms since the prober began): the widest
     * spacing of two consecutive replies, less the one probe interval that separates replies even when
     * every probe is answered.
     */
    static double[] longestSilence(List<Double> at) {
        assertThat(at).as("replies").hasSizeGreaterThan(1);
        double widest = 0;
        double from = 0;
        for (int i = 1; i < at.size(); i++) {
            if (at.get(i) - at.get(i - 1) > widest) {
                widest = at.get(i) - at.get(i - 1);
                from = at.get(i - 1);
            }
        }
        return new double[] {Math.max(0, widest - PROBE_MILLIS), from};
    }
}

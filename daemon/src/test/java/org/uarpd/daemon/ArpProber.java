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
import java.util.concurrent.TimeUnit;
import org.uarpd.linux.NamespaceLab;

/**
 * A peer asking for addresses every 10 ms (src/test/resources/arp-prober.py: ARP requests, or neighbour
 * solicitations when the addresses are IPv6; raw AF_PACKET, under
 * SCHED_FIFO so that on a busy machine its own lateness does not read as silence), with every reply
 * it hears kept as a time in ms since its first request: the oracle of the restart tests.
 */
public final class ArpProber implements AutoCloseable {
    public static final double PROBE_MILLIS = 10;

    private final Path script;
    private final Process process;
    private final Thread reader;
    private final List<String> heard = new ArrayList<>();
    /** When the prober said it began ({@code System.nanoTime()}): the origin of its times. */
    private long started;

    /**
     * Starts probing {@code targets} from {@code dev} (address {@code sender}) in namespace {@code ns}:
     * by ARP, or by neighbour solicitation when the addresses are IPv6.
     */
    public ArpProber(NamespaceLab lab, String ns, String dev, String sender, String... targets) throws IOException {
        script = Files.createTempFile("arp-prober", ".py");
        try (InputStream in = ArpProber.class.getResourceAsStream("/arp-prober.py")) {
            Files.write(script, in.readAllBytes());
        }
        List<String> cmd = new ArrayList<>(List.of("chrt", "-f", "20", "/usr/bin/python3", script.toString(), dev, sender));
        cmd.addAll(List.of(targets));
        process = lab.start(ns, ProcessBuilder.Redirect.PIPE, ProcessBuilder.Redirect.INHERIT, cmd.toArray(String[]::new));
        reader = Thread.ofPlatform().daemon().start(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) {
                    synchronized (heard) {
                        if (line.equals("start")) started = System.nanoTime();
                        heard.add(line);
                        heard.notifyAll();
                    }
                }
            } catch (IOException ignored) {
                // the prober is gone
            }
        });
    }

    /** {@code nanoTime} (from {@link System#nanoTime()}) as the prober's ms. */
    public double millis(long nanoTime) {
        synchronized (heard) {
            return (nanoTime - started) / 1e6;
        }
    }

    /** Waits (up to 60 s) until {@code count} replies for {@code target} were heard in all. */
    public void awaitReplies(String target, int count) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        synchronized (heard) {
            while (replies(target).size() < count) {
                long left = deadline - System.nanoTime();
                assertThat(left).as("%d replies for %s within 60 s (heard %s)", count, target, replies(target).size()).isPositive();
                TimeUnit.NANOSECONDS.timedWait(heard, left);
            }
        }
    }

    /** Waits for {@code more} replies for {@code target} beyond those heard so far. */
    public void awaitMoreReplies(String target, int more) throws InterruptedException {
        awaitReplies(target, replies(target).size() + more);
    }

    /** When each reply for {@code target} came, in ms since the prober's first request. */
    public List<Double> replies(String target) {
        List<Double> at = new ArrayList<>();
        synchronized (heard) {
            for (String line : heard) {
                String[] f = line.split(" ");
                if (f[0].equals("reply") && f[1].equals(target)) at.add(Double.parseDouble(f[2]));
            }
        }
        return at;
    }

    /** Stops probing (its stdin closes) and returns its last word, "sent N". */
    public String finish() throws InterruptedException, IOException {
        process.getOutputStream().close();
        assertThat(process.waitFor(10, TimeUnit.SECONDS)).as("the prober stops when its stdin closes").isTrue();
        reader.join(5000);
        synchronized (heard) {
            return heard.isEmpty() ? "(nothing)" : heard.get(heard.size() - 1);
        }
    }

    /**
     * The longest time a target went unanswered, and from when (ms since the prober began): the widest
     * spacing of two consecutive replies, less the one probe interval that separates replies even when
     * every probe is answered.
     */
    public static double[] longestSilence(List<Double> at) {
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

    /** {@link #longestSilence} of the replies between {@code fromMillis} and {@code toMillis}, with the last reply before and the first after. */
    public static double[] longestSilence(List<Double> at, double fromMillis, double toMillis) {
        List<Double> window = new ArrayList<>();
        for (int i = 0; i < at.size(); i++) {
            boolean inside = at.get(i) >= fromMillis && at.get(i) <= toMillis;
            boolean edge = (i + 1 < at.size() && at.get(i + 1) >= fromMillis && at.get(i) < fromMillis)
                    || (i > 0 && at.get(i - 1) <= toMillis && at.get(i) > toMillis);
            if (inside || edge) window.add(at.get(i));
        }
        return longestSilence(window);
    }

    @Override
    public void close() throws IOException {
        process.destroyForcibly();
        Files.deleteIfExists(script);
    }
}

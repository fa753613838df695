package org.uarpd.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.uarpd.linux.NamespaceLab;

/**
 * The ARP frames on one interface, captured by tcpdump in that interface's namespace (the kernel's
 * timestamps, taken as each frame leaves or arrives) and decoded by tshark: how long an address went
 * unanswered as the wire shows it, which neither the prober's clock nor its own scheduling can
 * stretch. Needs tcpdump and tshark; fails saying what is missing.
 */
public final class ArpCapture implements AutoCloseable {
    /** One ARP frame: when (ms since the epoch, the kernel's timestamp), the opcode, sender and target protocol addresses. */
    public record Frame(double millis, int op, String sender, String target) {}

    /**
     * A time the target went unanswered: from the first request of a run that got no reply to the next
     * request that did (or the run's last request, when the capture ended first). Epoch ms.
     */
    public record Silence(double from, double to) {
        public double millis() {
            return to - from;
        }

        /** Whether any of it falls within [{@code start}, {@code end}]. */
        public boolean overlaps(double start, double end) {
            return from <= end && to >= start;
        }
    }

    /**
     * What the wire shows for the requests of one asker for one target.
     *
     * @param silences       every time the target went unanswered, in order
     * @param requestSpacing the widest spacing of two consecutive requests: the asker's own lateness
     * @param requests       requests seen
     * @param answered       requests answered
     */
    public record Gaps(List<Silence> silences, double requestSpacing, int requests, int answered) {
        /** The longest silence that overlaps [{@code start}, {@code end}] (epoch ms); 0 when none does. */
        public double longestWithin(double start, double end) {
            return silences.stream().filter(s -> s.overlaps(start, end)).mapToDouble(Silence::millis).max().orElse(0);
        }

        /** The longest silence wholly outside [{@code start}, {@code end}]: what the same run shows away from it. */
        public double longestOutside(double start, double end) {
            return silences.stream().filter(s -> !s.overlaps(start, end)).mapToDouble(Silence::millis).max().orElse(0);
        }

        /** Silences of more than {@code millis}, relative to {@code origin} (epoch ms), for messages. */
        public String over(double millis, double origin) {
            return silences.stream().filter(s -> s.millis() > millis)
                    .map(s -> String.format("%.1f ms from %.1f", s.millis(), s.from() - origin)).toList().toString();
        }

        @Override
        public String toString() {
            return String.format("%d of %d requests answered, requests at most %.1f ms apart", answered, requests, requestSpacing);
        }
    }

    private final Process tcpdump;
    private final Path file;
    private final List<String> said;

    private ArpCapture(Process tcpdump, Path file, List<String> said) {
        this.tcpdump = tcpdump;
        this.file = file;
        this.said = said;
    }

    /** Starts capturing ARP on {@code dev} in {@code ns}; returns once tcpdump listens. */
    public static ArpCapture start(NamespaceLab lab, String ns, String dev) throws IOException, InterruptedException {
        for (String[] tool : new String[][] {{"tcpdump", "tcpdump"}, {"tshark", "tshark"}}) {
            assertThat(NamespaceLab.run(List.of("sh", "-c", "command -v " + tool[0])).exitCode())
                    .as(tool[0] + " is needed: apt-get install " + tool[1]).isZero();
        }
        Path file = Files.createTempFile("uarpd-arp", ".pcap");
        List<String> said = new CopyOnWriteArrayList<>();
        // -U: each frame written as it comes; -B: a kernel buffer no burst of 10 ms probes can fill.
        Process p = Tcpdump.start(lab, ns, dev, ProcessBuilder.Redirect.DISCARD, file, said,
                "-n", "-U", "-B", "8192", "-w", file.toString(), "arp");
        return new ArpCapture(p, file, said);
    }

    /** Stops the capture (SIGINT: tcpdump writes what it holds) and returns every ARP frame, in order. */
    public List<Frame> stop() throws IOException, InterruptedException {
        new ProcessBuilder("kill", "-INT", Long.toString(tcpdump.pid())).start().waitFor();
        assertThat(tcpdump.waitFor(10, TimeUnit.SECONDS)).as("tcpdump stops on SIGINT").isTrue();
        String summary = String.join("; ", said);
        assertThat(summary).as("tcpdump's count of frames it lost").contains(" 0 packets dropped by kernel");
        NamespaceLab.Result r = NamespaceLab.run(List.of("tshark", "-r", file.toString(), "-T", "fields", "-E", "separator=,",
                "-e", "frame.time_epoch", "-e", "arp.opcode", "-e", "arp.src.proto_ipv4", "-e", "arp.dst.proto_ipv4"));
        assertThat(r.exitCode()).as("tshark -r " + file + ": " + r.err()).isZero();
        List<Frame> frames = new ArrayList<>();
        for (String line : r.out().lines().toList()) {
            String[] f = line.split(",", -1);
            if (f.length < 4 || f[1].isEmpty()) continue;
            frames.add(new Frame(Double.parseDouble(f[0]) * 1000, Integer.parseInt(f[1]), f[2], f[3]));
        }
        return frames;
    }

    /**
     * The requests {@code asker} sent for {@code target} and how they were answered: each reply from
     * {@code target} to {@code asker} answers the latest request sent before it (a reply that comes
     * after the next request answers that one: the earlier waited longer than one probe interval).
     */
    public static Gaps gaps(List<Frame> frames, String asker, String target) {
        List<Silence> silences = new ArrayList<>();
        List<Double> requests = new ArrayList<>();
        List<Boolean> answered = new ArrayList<>();
        for (Frame f : frames) {
            if (f.op() == 1 && f.sender().equals(asker) && f.target().equals(target)) {
                requests.add(f.millis());
                answered.add(false);
            } else if (f.op() == 2 && f.sender().equals(target) && f.target().equals(asker) && !requests.isEmpty()) {
                answered.set(answered.size() - 1, true);
            }
        }
        assertThat(requests).as("requests from %s for %s on the wire", asker, target).hasSizeGreaterThan(1);
        double spacing = 0;
        double firstUnanswered = Double.NaN;
        int yes = 0;
        for (int i = 0; i < requests.size(); i++) {
            if (i > 0) spacing = Math.max(spacing, requests.get(i) - requests.get(i - 1));
            if (!answered.get(i)) {
                if (Double.isNaN(firstUnanswered)) firstUnanswered = requests.get(i);
                continue;
            }
            yes++;
            if (!Double.isNaN(firstUnanswered)) silences.add(new Silence(firstUnanswered, requests.get(i)));
            firstUnanswered = Double.NaN;
        }
        if (!Double.isNaN(firstUnanswered)) silences.add(new Silence(firstUnanswered, requests.getLast()));
        return new Gaps(silences, spacing, requests.size(), yes);
    }

    @Override
    public void close() throws IOException {
        if (tcpdump.isAlive()) tcpdump.destroyForcibly();
        Files.deleteIfExists(file);
    }
}

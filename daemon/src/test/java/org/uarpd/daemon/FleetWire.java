package org.uarpd.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.uarpd.linux.NamespaceLab;

/**
 * Reading the fleet tests' captures: requests of {@link FleetDaemonLab#prober} (each from a hardware
 * address of its own) and the replies to them, paired by that address, so that "two hosts answered
 * the same request" is checked request by request rather than inferred from the order of frames.
 */
final class FleetWire {
    /** The first two bytes of the prober's hardware addresses (locally administered, unicast). */
    static final String PROBE_PREFIX = "02:5e:";

    private FleetWire() {}

    /** One frame of a capture: its time (µs since the epoch), Ethernet source and destination, and the ARP text. */
    record Frame(long micros, String source, String destination, String arp) {}

    /** A reply to a prober request: when, from which station (Ethernet source), naming which address. */
    record Answer(long micros, String from, String isAt) {}

    /** A prober request and every reply to it. */
    record Probe(String id, long micros, String target, List<Answer> answers) {}

    private static final Pattern FRAME = Pattern.compile("^(\\d+)\\.(\\d+) (\\S+) > (\\S+), .*?length \\d+: (.*)$");
    private static final Pattern REQUEST = Pattern.compile("^Request who-has (\\S+) tell ");
    private static final Pattern REPLY = Pattern.compile("^Reply (\\S+) is-at (\\S+),");

    /**
     * The capture as tcpdump prints it, one frame a line with its epoch time and Ethernet addresses
     * ({@code SRC > DST,}); a capture still being written reads up to its last frame.
     */
    static List<String> decode(Path capture) {
        if (!Files.exists(capture)) return List.of();
        NamespaceLab.Result r = NamespaceLab.run(List.of("tcpdump", "-r", capture.toString(), "-n", "-e", "-tt", "arp"));
        return r.out().lines().toList();
    }

    static List<Frame> frames(Path capture) {
        List<Frame> out = new ArrayList<>();
        for (String line : decode(capture)) {
            Matcher m = FRAME.matcher(line);
            if (m.find()) out.add(new Frame(Long.parseLong(m.group(1)) * 1_000_000 + Long.parseLong(m.group(2)), m.group(3), m.group(4), m.group(5)));
        }
        return out;
    }

    /** The prober's requests for {@code target} in {@code capture}, in order, each with the replies addressed to it. */
    static List<Probe> probes(Path capture, String target) {
        Map<String, Probe> byId = new LinkedHashMap<>();
        List<Frame> frames = frames(capture);
        for (Frame f : frames) {
            Matcher q = REQUEST.matcher(f.arp());
            if (q.find() && q.group(1).equals(target) && f.source().startsWith(PROBE_PREFIX)) {
                byId.putIfAbsent(f.source(), new Probe(f.source(), f.micros(), target, new ArrayList<>()));
            }
        }
        for (Frame f : frames) {
            Matcher r = REPLY.matcher(f.arp());
            if (!r.find() || !r.group(1).equals(target)) continue;
            Probe p = byId.get(f.destination());
            if (p != null) p.answers().add(new Answer(f.micros(), f.source(), r.group(2)));
        }
        return List.copyOf(byId.values());
    }

    /** The answers to prober requests for {@code target} from station {@code from}, so far. */
    static long answersFrom(Path capture, String target, String from) {
        return probes(capture, target).stream().flatMap(p -> p.answers().stream()).filter(a -> a.from().equals(from)).count();
    }

    /**
     * Asserts that no prober request for {@code target} got more than one reply (so never one from
     * each of two hosts) and that every answer names its sender's own hardware address; returns the
     * answering stations in turn, each run of one station once.
     */
    static List<String> oneAnswerPerRequest(Path capture, String target) {
        List<Probe> probes = probes(capture, target);
        List<String> order = new ArrayList<>();
        int overtaken = 0;
        long slowest = 0;
        for (int i = 0; i < probes.size(); i++) {
            Probe p = probes.get(i);
            assertThat(p.answers()).as("replies to request " + p.id() + " at " + p.micros() + " µs").hasSizeLessThanOrEqualTo(1);
            for (Answer a : p.answers()) {
                assertThat(a.isAt()).as("the address answered by " + a.from()).isEqualTo(a.from());
                if (order.isEmpty() || !order.getLast().equals(a.from())) order.add(a.from());
                slowest = Math.max(slowest, a.micros() - p.micros());
                if (i + 1 < probes.size() && a.micros() > probes.get(i + 1).micros()) overtaken++;
            }
        }
        // What a check by frame order alone would have miscounted: an answer on the wire after the next request.
        System.out.printf("wire: %d requests for %s, %d answered after the next request was sent, slowest answer %.1f ms%n",
                probes.size(), target, overtaken, slowest / 1000.0);
        return order;
    }

    /** The first answer from {@code from} at or after {@code micros}, in µs since the epoch, or -1. */
    static long firstAnswerFrom(List<Probe> probes, String from, long micros) {
        return probes.stream().flatMap(p -> p.answers().stream()).filter(a -> a.from().equals(from) && a.micros() >= micros)
                .mapToLong(Answer::micros).min().orElse(-1);
    }
}

package org.uarpd.fleet;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * The intervals during which each host said it may answer for a group, from the hosts' own
 * {@code ANSWERING}/{@code SILENT} lines; an interval still open ends at the host's death (when it
 * was killed) or now. Two hosts' intervals must never overlap.
 */
final class AnswerTimeline {

    record Interval(String host, long start, long end) {}

    private AnswerTimeline() {}

    /** @param endOfOpen per host, when its last open interval ended (its kill time), else now */
    static List<Interval> of(String group, List<FleetLab.Host> hosts, Map<String, Long> endOfOpen) {
        List<Interval> all = new ArrayList<>();
        long now = System.nanoTime();
        for (FleetLab.Host h : hosts) {
            Long start = null;
            for (String l : h.lines()) {
                String[] w = l.split(" ");
                if (w.length < 3 || !w[1].equals(group)) continue;
                if (w[0].equals("ANSWERING")) start = Long.parseLong(w[2]);
                if (w[0].equals("SILENT") && start != null) {
                    all.add(new Interval(h.name + "#" + h.process.pid(), start, Long.parseLong(w[2])));
                    start = null;
                }
            }
            if (start != null) all.add(new Interval(h.name + "#" + h.process.pid(), start, endOfOpen.getOrDefault(h.name + "#" + h.process.pid(), now)));
        }
        all.sort(Comparator.comparingLong(Interval::start));
        return all;
    }

    /** Null when no two intervals overlap, else a description of the first overlap. */
    static String overlap(List<Interval> sorted) {
        Interval latest = null;
        for (Interval b : sorted) {
            if (latest != null && b.start() < latest.end())
                return latest.host() + " answered until " + latest.end() + " but " + b.host() + " from " + b.start()
                        + " (" + (latest.end() - b.start()) / 1000 + " µs together); timeline " + sorted;
            if (latest == null || b.end() > latest.end()) latest = b;
        }
        return null;
    }
}

package org.uarpd.fleet;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Measures how long a published group goes unanswered when its owner dies: {@code kill} (SIGKILL,
 * the lease has to expire), {@code term} (SIGTERM, the owner hands the group straight to a standby)
 * or {@code revoke} (SIGTERM with {@code -Duarpd.fleet.directHandOver=false}: the owner only revokes
 * its lease and the standbys race to claim, the way before the direct hand-over; the baseline for
 * {@code term} in the same run). Three hosts and
 * one etcd member, each in its own namespace; each trial stops the current owner, times until
 * another host has gained the group (its own {@code GAINED} stamp, on the machine-wide monotonic
 * clock), then starts the stopped host again as a standby. Run by hand as root (see docs/fleet.md):
 *
 * <pre>FailoverBench MODE TRIALS TTL_SECONDS HEARTBEAT_MS ELECTION_MS</pre>
 *
 * It also checks, over the whole run, that no two hosts ever said they may answer at once.
 */
public final class FailoverBench {

    private FailoverBench() {}

    public static void main(String[] args) throws Exception {
        String mode = args.length > 0 ? args[0] : "kill";
        int trials = args.length > 1 ? Integer.parseInt(args[1]) : 50;
        int ttl = args.length > 2 ? Integer.parseInt(args[2]) : 2;
        int heartbeat = args.length > 3 ? Integer.parseInt(args[3]) : 100;
        int election = args.length > 4 ? Integer.parseInt(args[4]) : 1000;
        if (!List.of("kill", "term", "revoke").contains(mode)) throw new IllegalArgumentException("MODE is kill, term or revoke, not " + mode);
        try (FleetLab lab = new FleetLab()) {
            if (mode.equals("revoke")) lab.hostJvmOptions = List.of("-Duarpd.fleet.directHandOver=false");
            List<String> etcd = lab.etcd(1, heartbeat, election);
            List<FleetLab.Host> live = new ArrayList<>(lab.startHosts(3, etcd, "bench", ttl, "vip"));
            Map<String, Long> deaths = new HashMap<>();
            List<Double> millis = new ArrayList<>();
            String granted = "?";
            for (int t = 0; t < trials; t++) {
                FleetLab.await(Duration.ofSeconds(30), "every host to hold a lease and one to own vip", () -> {
                    for (FleetLab.Host h : live) if (!h.ask("health", "HEALTH").contains("connected=true")) return false;
                    return live.stream().filter(h -> lastGained(h) != null).count() >= 1 && owner(live) != null;
                });
                FleetLab.Host owner = owner(live);
                granted = owner.ask("health", "HEALTH").replaceAll(".* ttl=(\\d+) .*", "$1");
                long stopped = mode.equals("kill") ? owner.kill() : owner.terminate();
                if (!mode.equals("kill")) owner.process.waitFor();
                deaths.put(owner.name + "#" + owner.process.pid(), stopped);
                live.remove(owner);
                FleetLab.await(Duration.ofSeconds(ttl + 10L), "a standby to take over", () -> live.stream()
                        .anyMatch(h -> lastGained(h) != null && Long.parseLong(lastGained(h).split(" ")[3]) > stopped));
                long took = live.stream().map(FailoverBench::lastGained).filter(l -> l != null)
                        .mapToLong(l -> Long.parseLong(l.split(" ")[3])).filter(x -> x > stopped).min().orElseThrow();
                millis.add((took - stopped) / 1e6);
                System.out.printf("trial %d: %.1f ms%n", t + 1, (took - stopped) / 1e6);
                live.add(lab.restart(owner));
            }
            String overlap = AnswerTimeline.overlap(AnswerTimeline.of("vip", lab.hosts(), deaths));
            millis.sort(null);
            System.out.printf("failover on %s: %d trials, lease TTL asked %d s granted %s s, etcd heartbeat %d ms election %d ms:"
                            + " min %.0f median %.0f p99 %.0f max %.0f ms; two answering at once: %s%n",
                    mode.equals("kill") ? "SIGKILL" : mode.equals("term") ? "SIGTERM (direct hand-over)" : "SIGTERM (revoke only)", trials, ttl, granted, heartbeat, election,
                    millis.getFirst(), pct(millis, 50), pct(millis, 99), millis.getLast(), overlap == null ? "never" : overlap);
            if (overlap != null) System.exit(1);
        }
    }

    private static String lastGained(FleetLab.Host h) {
        String last = null;
        for (String l : h.lines()) if (l.startsWith("GAINED vip ")) last = l;
        return last;
    }

    /** The live host that gained vip last and has not lost it since. */
    private static FleetLab.Host owner(List<FleetLab.Host> live) {
        for (FleetLab.Host h : live) {
            List<String> ls = h.lines();
            int gained = -1;
            int lost = -1;
            for (int i = 0; i < ls.size(); i++) {
                if (ls.get(i).startsWith("GAINED vip ")) gained = i;
                if (ls.get(i).startsWith("LOST vip ")) lost = i;
            }
            if (gained > lost) return h;
        }
        return null;
    }

    /** Nearest-rank percentile of a sorted list. */
    private static double pct(List<Double> sorted, int p) {
        int rank = (int) Math.ceil(p / 100.0 * sorted.size());
        return sorted.get(Math.max(0, rank - 1));
    }
}

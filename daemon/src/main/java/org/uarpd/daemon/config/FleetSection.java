package org.uarpd.daemon.config;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.uarpd.daemon.syntax.PublishedTargets;
import org.uarpd.engine.PublishedEntry;

/**
 * {@code [fleet]}: membership of a fleet of uarpd hosts sharing published addresses through etcd
 * (docs/fleet.md). Off unless {@code endpoints} and {@code name} are set (here or by {@code --etcd}
 * and {@code --fleet}). Durations are in nanoseconds; {@code leaseMarginNanos} is -1 for the default
 * (a quarter of the TTL).
 *
 * <p>This record names no fleet-module type, so reading a config never loads the etcd client; the
 * fleet's own checks run when the daemon starts it ({@code FleetBridge}).
 *
 * @param groups group name → the published targets ({@code "198.51.100.7"}, {@code "198.51.100.0/28"})
 *               that move together; an address or range entry listed nowhere is a group of its own
 * @param answerOnBehalf whether this host answers broadcast requests for other hosts' directory bindings
 *               (while etcd answers); off where every station on the segment runs uarpd, since each
 *               of them would answer the same request
 */
public record FleetSection(List<String> endpoints, String name, String prefix, String host, long leaseTtlNanos,
        long leaseMarginNanos, List<Long> announceNanos, long requestTimeoutNanos, Map<String, List<String>> groups,
        boolean answerOnBehalf) {

    public static final FleetSection OFF = new FleetSection(List.of(), null, "uarpd", null, 2_000_000_000L, -1,
            List.of(0L, 1_000_000_000L, 2_000_000_000L, 4_000_000_000L, 8_000_000_000L), 2_000_000_000L, Map.of(), true);

    public FleetSection {
        endpoints = List.copyOf(endpoints);
        announceNanos = List.copyOf(announceNanos);
        groups = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(groups));
    }

    public boolean enabled() {
        return name != null && !endpoints.isEmpty();
    }

    static FleetSection read(Fields f) {
        FleetSection d = OFF;
        List<String> endpoints = f.strings("endpoints");
        String name = f.string("name", null);
        String prefix = f.string("prefix", d.prefix);
        String host = f.string("host", null);
        long ttl = f.duration("lease-ttl", d.leaseTtlNanos, false);
        if (ttl % 1_000_000_000L != 0) {
            f.error("lease-ttl", "must be whole seconds (etcd leases count in seconds); expected a value like \"2s\"");
            ttl = d.leaseTtlNanos;
        }
        long margin = f.duration("lease-margin", -1, true);
        if (margin > ttl / 2) {
            f.error("lease-margin", "is more than half the lease TTL; expected at most " + ttl / 2_000_000 + "ms");
            margin = -1;
        }
        long timeout = f.duration("request-timeout", d.requestTimeoutNanos, false);
        boolean onBehalf = f.bool("answer-on-behalf", d.answerOnBehalf);
        List<Long> announce = d.announceNanos;
        if (f.has("announce")) {
            announce = new ArrayList<>();
            long last = 0;
            for (String s : f.strings("announce")) {
                long n;
                try {
                    n = org.uarpd.engine.Durations.parse(s);
                } catch (IllegalArgumentException e) {
                    f.error("announce", "\"" + s + "\" is not a duration; expected offsets like [\"0s\", \"1s\", \"2s\"]");
                    continue;
                }
                if (n < last) f.error("announce", "\"" + s + "\" comes before the offset ahead of it; expected offsets that never decrease");
                last = Math.max(last, n);
                announce.add(n);
            }
        }
        Map<String, List<String>> groups = new LinkedHashMap<>();
        Fields g = f.table("groups");
        if (g != null) {
            for (String group : g.keys()) {
                List<String> targets = g.strings(group);
                for (String t : targets) {
                    try {
                        PublishedTargets.parse(t, List.of());
                    } catch (IllegalArgumentException e) {
                        g.error(group, "\"" + t + "\" is not a published address or range; expected \"198.51.100.7\" or \"198.51.100.0/28\"");
                    }
                }
                groups.put(group, targets);
            }
            g.finish();
        }
        if (name == null && !endpoints.isEmpty()) f.error("name", "is missing; expected name = \"web\" (the fleet this host joins)");
        if (name != null && endpoints.isEmpty()) f.error("endpoints", "is missing; expected endpoints = [\"http://192.0.2.11:2379\"]");
        return new FleetSection(endpoints, name, prefix, host, ttl, margin, announce, timeout, groups, onBehalf);
    }

    /**
     * This section with the command line's {@code --etcd} (comma-separated URLs), {@code --fleet} and
     * {@code --no-answer-on-behalf} (false; null without the flag) over it; a null flag leaves the file's value.
     */
    public FleetSection withFlags(String etcd, String fleet, Boolean onBehalf) {
        List<String> e = etcd == null ? endpoints : List.of(etcd.split(","));
        String n = fleet == null ? name : fleet;
        if ((etcd != null || fleet != null) && (e.isEmpty() || n == null)) {
            throw new IllegalArgumentException(etcd == null ? "--fleet needs --etcd ENDPOINTS (or endpoints in [fleet])"
                    : "--etcd needs --fleet NAME (or name in [fleet])");
        }
        return new FleetSection(e.stream().map(String::strip).toList(), n, prefix, host, leaseTtlNanos, leaseMarginNanos,
                announceNanos, requestTimeoutNanos, groups, onBehalf == null ? answerOnBehalf : onBehalf);
    }

    /** The group {@code entry} belongs to, or null for entries no host owns (proxy ARP answers for routes, not addresses). */
    public String groupOf(PublishedEntry entry) {
        if (entry.target() instanceof PublishedEntry.Target.RoutedElsewhere) return null;
        String target = PublishedTargets.format(entry.target());
        for (var e : groups.entrySet()) {
            for (String t : e.getValue()) if (PublishedTargets.format(PublishedTargets.parse(t, List.of())).equals(target)) return e.getKey();
        }
        // A key segment takes no '/': 198.51.100.0/28 is the group "198.51.100.0-28".
        return target.replace('/', '-');
    }
}

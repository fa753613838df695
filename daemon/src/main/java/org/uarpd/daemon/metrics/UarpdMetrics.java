package org.uarpd.daemon.metrics;

import io.prometheus.metrics.core.datapoints.CounterDataPoint;
import io.prometheus.metrics.core.datapoints.DistributionDataPoint;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.exporter.httpserver.HTTPServer;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.uarpd.engine.EngineEvent;
import org.uarpd.engine.EngineEvent.Kind;
import org.uarpd.engine.EngineEvent.Reason;
import org.uarpd.engine.NeighborState;

/**
 * uarpd's Prometheus metrics. Fed on the event loop: {@link #observe} for every engine event (the
 * data points are looked up once, here, so observing allocates nothing) and {@link #snapshot} for
 * table sizes and backend counters; the HTTP server's thread only reads what was recorded.
 * Exemplars are off: uarpd has no traces to link to, and sampling them allocated on every observation
 * (about 80 bytes per resolution on the loop thread, BENCHMARKS.md "Operating").
 */
public final class UarpdMetrics implements AutoCloseable {
    private final PrometheusRegistry registry = new PrometheusRegistry();
    /** The {@code family} label's values, indexed by {@link #family}. */
    static final String[] FAMILIES = {"ipv4", "ipv6"};
    private final CounterDataPoint[] resolved = new CounterDataPoint[2];
    private final CounterDataPoint[] failed = new CounterDataPoint[2];
    private final DistributionDataPoint[] latency = new DistributionDataPoint[2];
    private final CounterDataPoint[] requestsSent = new CounterDataPoint[2];
    private final List<Map<Reason, CounterDataPoint>> answers = byFamily();
    private final List<Map<Reason, CounterDataPoint>> dropped = byFamily();
    private final List<Map<Reason, CounterDataPoint>> ignored = byFamily();
    private final List<Map<Reason, CounterDataPoint>> claims = byFamily();
    private final List<Map<Reason, CounterDataPoint>> conflicts = byFamily();
    private final List<Map<Reason, CounterDataPoint>> alerts = byFamily();
    private final CounterDataPoint linkLimited;
    private final CounterDataPoint targetLimited;
    private final CounterDataPoint sourceLimited;
    private final Gauge entries;
    private final Gauge pending;
    private volatile long kernelErrors;
    private volatile long framesNoLink;
    private volatile long resyncs;
    private HTTPServer server;
    private volatile long[] fleet;
    private volatile List<Table> tables = List.of();

    /**
     * One of uarpd's bounded tables or queues as a scrape shows it: {@code table} names it (the
     * engine's names from {@code Engine.bounds()}, the control socket's {@code control.*}), {@code link}
     * is the link it belongs to, empty for one of the whole daemon.
     */
    public record Table(String table, String link, long entries, long capacity) {}

    public UarpdMetrics() {
        Counter resolutions = Counter.builder().name("uarpd_resolutions_total")
                .help("Resolutions finished, by family and outcome (resolved: an answer came; failed: the probes ran out)")
                .labelNames("family", "outcome").withoutExemplars().register(registry);
        Histogram latencies = Histogram.builder().name("uarpd_resolution_latency_seconds")
                .help("Time from the first request to the answer, for resolutions that got one, by family")
                .classicOnly().classicUpperBounds(0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.1, 0.5, 1, 3, 10)
                .labelNames("family").withoutExemplars().register(registry);
        Counter sent = Counter.builder().name("uarpd_requests_sent_total").help("Requests sent (ARP requests, neighbour solicitations), by family")
                .labelNames("family").withoutExemplars().register(registry);
        Counter answered = Counter.builder().name("uarpd_answers_total")
                .help("Requests answered (ARP, RARP, InARP, neighbour solicitations, kernel misses from the cache), by family and reason")
                .labelNames("family", "reason").withoutExemplars().register(registry);
        Counter drops = Counter.builder().name("uarpd_frames_dropped_total")
                .help("Inputs that could not be used (malformed, unknown link, not ARP or ND), by family and reason")
                .labelNames("family", "reason").withoutExemplars().register(registry);
        Counter ignores = Counter.builder().name("uarpd_ignored_total")
                .help("Inputs understood and deliberately not acted on, by family and reason")
                .labelNames("family", "reason").withoutExemplars().register(registry);
        // RFC 5227 and the guard: conflicts are events and metrics, one counter per event kind.
        Counter claimed = Counter.builder().name("uarpd_claims_total")
                .help("Claims of the host's addresses (RFC 5227, IPv6 DAD), by family and step (probing began, address claimed)")
                .labelNames("family", "reason").withoutExemplars().register(registry);
        Counter conflicted = Counter.builder().name("uarpd_conflicts_total")
                .help("Address conflicts (RFC 5227, IPv6 DAD), by family and outcome (probe conflict, defended, yielded, rate limited...)")
                .labelNames("family", "reason").withoutExemplars().register(registry);
        Counter alerted = Counter.builder().name("uarpd_guard_alerts_total")
                .help("Guard reports (spoofing, sender mismatch, new station, flip flop, bogon...), by family and reason")
                .labelNames("family", "reason").withoutExemplars().register(registry);
        for (int f = 0; f < FAMILIES.length; f++) {
            String family = FAMILIES[f];
            resolved[f] = resolutions.labelValues(family, "resolved");
            failed[f] = resolutions.labelValues(family, "failed");
            latency[f] = latencies.labelValues(family);
            requestsSent[f] = sent.labelValues(family);
            for (Reason r : Reason.values()) {
                String label = label(r);
                answers.get(f).put(r, answered.labelValues(family, label));
                claims.get(f).put(r, claimed.labelValues(family, label));
                conflicts.get(f).put(r, conflicted.labelValues(family, label));
                alerts.get(f).put(r, alerted.labelValues(family, label));
                dropped.get(f).put(r, drops.labelValues(family, label));
                ignored.get(f).put(r, ignores.labelValues(family, label));
            }
        }
        Counter limited = Counter.builder().name("uarpd_rate_limit_hits_total")
                .help("Rate-limit hits, by scope (link, target: ARP requests deferred; source: frames from one source dropped by the guard)")
                .labelNames("scope").withoutExemplars().register(registry);
        linkLimited = limited.labelValues("link");
        targetLimited = limited.labelValues("target");
        sourceLimited = limited.labelValues("source");
        entries = Gauge.builder().name("uarpd_neighbor_entries").help("Neighbour entries in the tables, by family and state")
                .labelNames("family", "state").register(registry);
        pending = Gauge.builder().name("uarpd_pending_resolutions").help("Resolutions under way, by family")
                .labelNames("family").register(registry);
        CounterWithCallback.builder().name("uarpd_kernel_errors_total")
                .help("Requests the kernel refused while uarpd carried out an action (neighbour installs and removals, routes, sends)")
                .callback(cb -> cb.call(kernelErrors)).register(registry);
        CounterWithCallback.builder().name("uarpd_frames_unsent_total")
                .help("Frames not sent because their link was gone").callback(cb -> cb.call(framesNoLink)).register(registry);
        CounterWithCallback.builder().name("uarpd_resyncs_total")
                .help("Resynchronisations from kernel dumps after a netlink overrun").callback(cb -> cb.call(resyncs)).register(registry);
        // Every table and queue is bounded; the bound and the fill of each, read from one snapshot so a
        // scrape never pairs one snapshot's entries with another's capacity, and a link gone is gone.
        GaugeWithCallback.builder().name("uarpd_table_entries")
                .help("Entries in each bounded table or queue, by table (and link, empty for the whole daemon)").labelNames("table", "link")
                .callback(cb -> {
                    for (Table t : tables) cb.call(t.entries(), t.table(), t.link());
                }).register(registry);
        GaugeWithCallback.builder().name("uarpd_table_capacity")
                .help("The most each bounded table or queue holds, by table (and link, empty for the whole daemon)").labelNames("table", "link")
                .callback(cb -> {
                    for (Table t : tables) cb.call(t.capacity(), t.table(), t.link());
                }).register(registry);
    }

    static String label(Reason r) {
        return r.name().toLowerCase(Locale.ROOT);
    }

    private static List<Map<Reason, CounterDataPoint>> byFamily() {
        return List.of(new EnumMap<>(Reason.class), new EnumMap<>(Reason.class));
    }

    /**
     * 1 (ipv6) for an event about an IPv6 address, else 0 (ipv4). A neighbour discovery frame dropped
     * before its target was read names {@code ::} (EngineEvent's address6), so drops and ignores are
     * counted by family too; what carries neither (an ARP runt, a message for an unknown link) is ipv4's.
     */
    static int family(EngineEvent e) {
        return e.address6() != null ? 1 : 0;
    }

    public PrometheusRegistry registry() {
        return registry;
    }

    /** One engine event (loop thread). */
    public void observe(EngineEvent e) {
        int f = family(e);
        switch (e.kind()) {
            case RESOLVED -> {
                resolved[f].inc();
                if (e.latencyNanos() > 0) latency[f].observe(e.latencyNanos() / 1e9);
            }
            case FAILED -> failed[f].inc();
            case ANSWERED -> answers.get(f).get(e.reason()).inc();
            case DROPPED -> {
                dropped.get(f).get(e.reason()).inc();
                if (e.reason() == Reason.SOURCE_RATE_LIMITED) sourceLimited.inc();
            }
            case IGNORED -> {
                ignored.get(f).get(e.reason()).inc();
                if (e.reason() == Reason.LINK_RATE_LIMITED) linkLimited.inc();
                else if (e.reason() == Reason.TARGET_RATE_LIMITED) targetLimited.inc();
            }
            case REQUESTED -> requestsSent[f].inc();
            case CLAIMED -> claims.get(f).get(e.reason()).inc();
            case CONFLICT -> conflicts.get(f).get(e.reason()).inc();
            case ALERT -> alerts.get(f).get(e.reason()).inc();
            case ADDED, CHANGED, REMOVED -> { }
        }
    }

    /**
     * One family's neighbour table now.
     *
     * @param byState entries by state (a state absent counts 0)
     * @param pending resolutions under way
     */
    public record Neighbors(Map<NeighborState, Integer> byState, int pending) {}

    /** Table sizes and backend counters (loop thread, every few seconds and before a scrape is likely). */
    public void snapshot(Neighbors ipv4, Neighbors ipv6, long kernelErrors, long framesNoLink, long resyncs) {
        Neighbors[] byFamily = {ipv4, ipv6};
        for (int f = 0; f < FAMILIES.length; f++) {
            for (NeighborState s : NeighborState.values()) {
                entries.labelValues(FAMILIES[f], s.name().toLowerCase(Locale.ROOT)).set(byFamily[f].byState().getOrDefault(s, 0));
            }
            pending.labelValues(FAMILIES[f]).set(byFamily[f].pending());
        }
        this.kernelErrors = kernelErrors;
        this.framesNoLink = framesNoLink;
        this.resyncs = resyncs;
    }

    /** Every bounded table and queue with its size and bound now (loop thread, with {@link #snapshot}). */
    public void tables(List<Table> now) {
        tables = List.copyOf(now);
    }

    /**
     * Registers the fleet's metrics (only a host in a fleet has them); {@link #fleet} feeds them.
     * Read through callbacks, so a scrape always sees the last snapshot as a whole.
     */
    public void enableFleet() {
        fleet = new long[6];
        GaugeWithCallback.builder().name("uarpd_fleet_connected").help("1 while etcd answers this host's keepalives, else 0")
                .callback(cb -> cb.call(fleet[0])).register(registry);
        GaugeWithCallback.builder().name("uarpd_fleet_owned_groups").help("Published groups this host answers for now")
                .callback(cb -> cb.call(fleet[1])).register(registry);
        GaugeWithCallback.builder().name("uarpd_fleet_directory_entries").help("Bindings in this host's copy of the fleet's directory")
                .callback(cb -> cb.call(fleet[2])).register(registry);
        CounterWithCallback.builder().name("uarpd_fleet_takeovers_total")
                .help("Failovers towards this host: groups it gained that another host had owned").callback(cb -> cb.call(fleet[3])).register(registry);
        CounterWithCallback.builder().name("uarpd_fleet_losses_total")
                .help("Groups this host stopped answering for (hand-over, lost lease, etcd unreachable)").callback(cb -> cb.call(fleet[4])).register(registry);
        CounterWithCallback.builder().name("uarpd_fleet_store_errors_total")
                .help("etcd requests that failed or timed out").callback(cb -> cb.call(fleet[5])).register(registry);
    }

    /** The fleet's state (any thread; after {@link #enableFleet}). */
    public void fleet(boolean connected, int ownedGroups, int directoryEntries, long takeovers, long losses, long storeErrors) {
        fleet = new long[] {connected ? 1 : 0, ownedGroups, directoryEntries, takeovers, losses, storeErrors};
    }

    /** Serves {@code /metrics} on {@code host:port} (port 0: any free one); returns the port. */
    public int serve(String host, int port) throws IOException {
        server = HTTPServer.builder().hostname(host).port(port).registry(registry).buildAndStart();
        return server.getPort();
    }

    @Override
    public void close() {
        if (server != null) server.close();
    }
}

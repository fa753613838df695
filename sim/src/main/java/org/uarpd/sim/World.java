package org.uarpd.sim;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.uarpd.wire.LinkType;

/** A whole simulated network: the clock, its segments and hosts, the timeline and the counters. */
public final class World {
    private final Simulation sim;
    private final Timeline timeline;
    private final SimStats stats = new SimStats();
    private final Map<String, Segment> segments = new LinkedHashMap<>();
    private final Map<String, SimHost> hosts = new LinkedHashMap<>();
    private long socketLatency = 0;
    private long packetNumber;
    private int pid = 100;
    private boolean routeMonitor;

    public World(long seed) {
        this.sim = new Simulation(seed);
        this.timeline = new Timeline(sim);
    }

    public Simulation sim() { return sim; }
    public Timeline timeline() { return timeline; }
    public SimStats stats() { return stats; }
    public List<Segment> segments() { return new ArrayList<>(segments.values()); }
    public List<SimHost> hosts() { return new ArrayList<>(hosts.values()); }
    public Segment segment(String name) { return segments.get(name); }
    public SimHost host(String name) { return hosts.get(name); }

    /** Delay between the kernel queuing a routing-socket message and the reader getting it. */
    public long socketLatency() { return socketLatency; }

    public void setSocketLatency(long nanos) {
        this.socketLatency = nanos;
    }

    /**
     * With the monitor on, every host opens a routing socket at boot and every message the kernel
     * sends on it is written to the timeline, decoded, like {@code route monitor} prints them.
     */
    public void setRouteMonitor(boolean on) {
        this.routeMonitor = on;
    }

    public boolean routeMonitor() {
        return routeMonitor;
    }

    public Segment addSegment(String name, LinkType type) {
        if (segments.containsKey(name)) throw new IllegalArgumentException("segment " + name + " already exists");
        Segment s = new Segment(sim, name, type);
        segments.put(name, s);
        return s;
    }

    public SimHost addHost(String name) {
        if (hosts.containsKey(name)) throw new IllegalArgumentException("host " + name + " already exists");
        SimHost h = new SimHost(this, name);
        hosts.put(name, h);
        return h;
    }

    /** Boots every host that is not up yet, at the current virtual time. */
    public void bootAll() {
        for (SimHost h : hosts.values()) h.boot();
    }

    long nextPacketNumber() {
        return ++packetNumber;
    }

    /** A fresh process id for a daemon. */
    public int nextPid() {
        return ++pid;
    }

    /** Frames per segment, one line each. */
    public String segmentSummary() {
        StringBuilder s = new StringBuilder("frames per segment:\n");
        for (Segment g : segments.values()) {
            s.append(String.format(java.util.Locale.ROOT, "  %-10s %-11s %7d sent %8d delivered %6d lost %5d duplicated %6d blocked%n",
                    g.name(), g.linkType().name(), g.framesSent(), g.deliveries(), g.lost(), g.duplicated(), g.blocked()));
        }
        return s.toString();
    }

}

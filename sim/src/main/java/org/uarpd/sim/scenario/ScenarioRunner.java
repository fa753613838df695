package org.uarpd.sim.scenario;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.uarpd.engine.PositionedException;
import org.uarpd.sim.Segment;
import org.uarpd.sim.SimHost;
import org.uarpd.sim.SimInterface;
import org.uarpd.sim.SourceRouteBridge;
import org.uarpd.sim.World;
import org.uarpd.sim.scenario.Scenario.Event;
import org.uarpd.wire.pcap.PcapWriter;
import org.uarpd.wire.pcap.TimestampResolution;

/**
 * Builds a {@link World} from a {@link Scenario}, schedules its timed events, runs it for the
 * scenario's duration and reports. Hosts declared {@code uarpd} get the resolver the
 * {@link ResolverFactory} makes for them.
 */
public final class ScenarioRunner {

    /** Makes the resolver (uarpd) of a host declared with {@code uarpd}. */
    @FunctionalInterface
    public interface ResolverFactory {
        SimHost.Resolver create(SimHost host, Scenario scenario, Scenario.HostDecl declaration);
    }

    private final Scenario scenario;
    private final World world;
    private final List<PcapWriter> taps = new ArrayList<>();

    /** {@code seed} overrides the scenario's own when not null; {@code pcapDir} (nullable) gets one capture per segment. */
    public ScenarioRunner(Scenario scenario, Long seed, Path pcapDir, ResolverFactory resolvers) throws IOException {
        this.scenario = scenario;
        long s = seed != null ? seed : scenario.seed() != null ? scenario.seed() : 1L;
        this.world = new World(s);
        for (Scenario.SegmentDecl d : scenario.segments()) {
            Segment seg = world.addSegment(d.name(), d.type());
            seg.setFaults(d.faults());
        }
        for (Scenario.BridgeDecl b : scenario.bridges()) {
            new SourceRouteBridge(world, world.segment(b.segmentA()), b.ringA(), world.segment(b.segmentB()), b.ringB(), b.bridge());
        }
        if (pcapDir != null) {
            Files.createDirectories(pcapDir);
            for (Segment seg : world.segments()) {
                PcapWriter w = PcapWriter.create(pcapDir.resolve(seg.name() + ".pcap"), seg.linkType(), TimestampResolution.MICROS);
                taps.add(w);
                seg.setTap(w);
            }
        }
        for (Scenario.HostDecl d : scenario.hosts()) {
            SimHost h = world.addHost(d.name());
            h.setHoldDepth(d.holdDepth());
            h.setForwarding(d.forward());
            h.setAssist(d.assist());
            if (d.uarpd()) h.runResolver(host -> resolvers.create(host, scenario, d), d.uarpdDelay());
        }
        for (Scenario.InterfaceDecl d : scenario.interfaces()) {
            SimHost h = world.host(d.host());
            SimInterface i = h.attach(d.name(), world.segment(d.segment()), d.hardware());
            if (d.rarp()) {
                h.configureRarp(i, d.prefixLength());
            } else {
                h.configure(i, d.address(), d.prefixLength());
            }
            if (d.atmArpServer()) h.serveAtmArp(i);
        }
        for (Scenario.Inet6Decl d : scenario.inet6()) {
            SimHost h = world.host(d.host());
            h.configure6(h.interfaceNamed(d.ifname()), d.address(), d.prefixLength());
        }
        for (Scenario.RouteDecl r : scenario.routes()) {
            SimHost h = world.host(r.host());
            h.configureRoute(r.prefix(), r.prefixLength(), r.device() == null ? null : h.interfaceNamed(r.device()), r.gateway());
        }
        for (Scenario.TimedEvent e : scenario.events()) schedule(e);
    }

    public World world() {
        return world;
    }

    public Scenario scenario() {
        return scenario;
    }

    /** Parses the built-in default scenario (docs/sim.md describes it). */
    public static Scenario defaultScenario() {
        try (var in = ScenarioRunner.class.getResourceAsStream(DEFAULT_RESOURCE)) {
            if (in == null) throw new IllegalStateException("the default scenario " + DEFAULT_RESOURCE + " is missing from the jar");
            String text = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            return ScenarioParser.parse("(default scenario)", text.lines().toList());
        } catch (IOException | PositionedException e) {
            throw new IllegalStateException("the built-in default scenario does not load: " + e.getMessage(), e);
        }
    }

    static final String DEFAULT_RESOURCE = "/org/uarpd/sim/scenario/default.scenario";

    /** Boots every host at time 0, runs to the scenario's end and closes the captures. */
    public void run() throws IOException {
        world.bootAll();
        world.sim().runUntil(scenario.duration());
        for (PcapWriter w : taps) w.close();
    }

    /** Resolutions by outcome, the latency histogram and frames per segment. */
    public String summary() {
        return world.stats().summary() + world.segmentSummary();
    }

    private void schedule(Scenario.TimedEvent e) {
        switch (e.event()) {
            case Event.Send s -> {
                SimHost h = world.host(s.host());
                for (int k = 0; k < s.count(); k++) {
                    // a repeat past the end of virtual time never runs; time + k × interval would wrap negative
                    if (k > 0 && s.interval() > 0 && k > (Long.MAX_VALUE - e.time()) / s.interval()) break;
                    world.sim().at(e.time() + k * s.interval(), () -> h.send(s.destination()));
                }
            }
            case Event.Send6 s -> {
                SimHost h = world.host(s.host());
                for (int k = 0; k < s.count(); k++) {
                    if (k > 0 && s.interval() > 0 && k > (Long.MAX_VALUE - e.time()) / s.interval()) break;
                    world.sim().at(e.time() + k * s.interval(), () -> h.send6(s.destination()));
                }
            }
            case Event.Partition p -> world.sim().at(e.time(), () -> {
                List<Set<SimHost>> groups = new ArrayList<>();
                for (List<String> g : p.groups()) {
                    Set<SimHost> members = new HashSet<>();
                    for (String name : g) members.add(world.host(name));
                    groups.add(members);
                }
                world.timeline().log(p.segment(), "partitioned: " + String.join(" | ", p.groups().stream().map(g -> String.join(",", g)).toList()));
                world.segment(p.segment()).partition(groups);
            });
            case Event.Heal h -> world.sim().at(e.time(), () -> {
                world.timeline().log(h.segment(), "healed");
                world.segment(h.segment()).heal();
            });
            case Event.Faults f -> world.sim().at(e.time(), () -> {
                world.timeline().log(f.segment(), "faults now " + f.faults());
                world.segment(f.segment()).setFaults(f.faults());
            });
            case Event.Crash c -> world.sim().at(e.time(), () -> world.host(c.host()).crash());
            case Event.Restart r -> world.sim().at(e.time(), () -> world.host(r.host()).restart());
            case Event.StartUarpd s -> world.sim().at(e.time(), () -> world.host(s.host()).startResolver());
            case Event.KillUarpd k -> world.sim().at(e.time(), () -> world.host(k.host()).killResolver());
            case Event.Link l -> world.sim().at(e.time(), () -> {
                SimHost h = world.host(l.host());
                h.setLinkUp(h.interfaceNamed(l.ifname()), l.up());
            });
            case Event.Address a -> world.sim().at(e.time(), () -> {
                SimHost h = world.host(a.host());
                if (a.add()) h.addAddress(h.interfaceNamed(a.ifname()), a.address(), a.prefixLength());
                else h.removeAddress(h.interfaceNamed(a.ifname()), a.address());
            });
            case Event.Address6 a -> world.sim().at(e.time(), () -> {
                SimHost h = world.host(a.host());
                if (a.add()) h.addAddress6(h.interfaceNamed(a.ifname()), a.address(), a.prefixLength());
                else h.removeAddress6(h.interfaceNamed(a.ifname()), a.address());
            });
            case Event.StaticEntry st -> world.sim().at(e.time(), () -> {
                SimHost h = world.host(st.host());
                if (h.isUp()) h.kernel().addStatic(h.interfaceNamed(st.ifname()), st.address(), st.hardware());
            });
        }
    }
}
